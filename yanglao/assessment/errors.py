"""Assessment refusals; each message names the item or the state, in Chinese, with the English in ``fields``."""

from yanglao.core.errors import DomainError


class UnknownInstrument(DomainError):
    code = "assessment.unknown_instrument"

    def __init__(self, name: str):
        from yanglao.assessment import instruments

        known = "、".join(instruments.all_instruments())
        super().__init__(
            f"未知的评估量表“{name}”（可选：{known}）",
            fields={"instrument": f"unknown instrument {name!r}; known: {known}"},
        )


class InvalidAnswers(DomainError):
    code = "assessment.invalid_answers"

    def __init__(self, problems: list[dict[str, str]]):
        self.problems = problems
        super().__init__(
            "；".join(p["zh"] for p in problems),
            fields={p["item"]: f"{p['zh']} / {p['en']}" for p in problems},
        )


class WrongState(DomainError):
    code = "assessment.wrong_state"
    message = "评估当前状态不允许此操作"


class ReviewerIsAssessor(WrongState):
    code = "assessment.reviewer_is_assessor"
    message = "评估员不能审核自己的评估"


class InvalidAssignment(DomainError):
    code = "assessment.invalid_assignment"
    message = "派单信息有误"


class NeedsOtherAssessor(DomainError):
    code = "assessment.needs_other_assessor"
    message = "提交人不能自行确认，须由另一名评估员登录后确认"
