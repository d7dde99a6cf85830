"""How the audit log reads to a person: Chinese action names, changes by field name, draft saves grouped.

django-auditlog stores field diffs (``changes``: field → [old, new], values already masked for the masked
fields) and our services add business entries (``additional_data``: a batch action or a reveal). This module
turns stored entries into lines for the audit page without touching the database: field names come from
the models' verbose names, choice values from their labels. Consecutive draft saves of one assessment by
one person (the form saves every few seconds) become one line, so the reveals between them stay visible.

Apps above core register how a person search finds their records (``register_person_lookup``): core
cannot read the registry itself.

Writing: ``record(...)`` is the one way to add a single business entry (a reveal, a password change),
``record_batch(...)`` one entry for a bulk operation; both in the caller's transaction. Code that runs outside
a request (management commands, background and periodic jobs) runs inside ``acting_as(user_or_None)``, so the
field changes django-auditlog records there name who started them: the job's owner, or the system account
(``system_actor()``, inactive, never logs in) with a ``via`` label saying which command or job it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from yanglao.core.models import User

if TYPE_CHECKING:
    from django.contrib.contenttypes.fields import GenericForeignKey
    from django.db.models.fields.reverse_related import ForeignObjectRel

    ModelField = models.Field | ForeignObjectRel | GenericForeignKey

ACTIONS = {
    LogEntry.Action.CREATE: "创建",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "查看",
}
# Business and batch entries (``additional_data["batch"]``), by the code the service records.
BATCH_ACTIONS = {
    "elder.export": "导出老年人名单",
    "elder.import": "导入老年人信息",
    "elder.death_list": "导入死亡名单",
    "elder.seed": "生成演示老年人",
    "facility.import": "导入养老设施",
    "facility.seed": "生成演示养老设施",
    "assessment.seed": "生成演示评估",
    "organisation.seed": "生成演示组织机构",
    "region.load": "导入行政区划",
    "region.boundaries": "导入区划边界",
}
# Single business entries (``additional_data["event"]``) that are not reveals.
EVENT_ACTIONS = {
    "password.change": "修改密码",
}
REVEAL = "查看完整信息"
DRAFT = "保存草稿"
# The filter's choices: the four kinds of change, then each business action.
ACTION_CHOICES = [
    ("create", "创建"),
    ("update", "修改"),
    ("delete", "删除"),
    ("reveal", REVEAL),
    *BATCH_ACTIONS.items(),
]
DETAIL_LABELS = {
    "count": "条数",
    "format": "格式",
    "clear": "明文",
    "filters": "筛选条件",
    "file": "文件",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "rejected": "拒绝",
    "profile": "方案",
    "reveal": "字段",
    "dry_run": "试导入",
    "q": "搜索",
    "region": "区划",
    "status": "状态",
    "group": "类别",
    "level": "能力等级",
    "tokens_revoked": "撤销的令牌数",
    "via": "来源",
}
# Model fields that carry a draft's content: a save touching only these is a draft save.
DRAFT_FIELDS = {"answers", "context", "status"}
DRAFT_MODELS = {"assessment.assessment"}
EMPTY = (None, "None", "", "[]", "{}")
HIDDEN_ON_CREATE = {"id", "created_at", "updated_at"}


@dataclass
class AuditLine:
    """One line of the audit page: one entry, or a run of draft saves (``count`` > 1)."""

    pk: int
    first_pk: int
    timestamp: dt.datetime
    first_timestamp: dt.datetime
    actor: str
    action: str
    target: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    remote_addr: str = ""
    count: int = 1
    group_key: tuple | None = None

    @property
    def action_label(self) -> str:
        return f"{self.action} ×{self.count}" if self.count > 1 else self.action


def _text(value: object) -> str:
    if value is None or value == "None" or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{DETAIL_LABELS.get(k, k)}：{_text(v)}" for k, v in value.items()) or "（空）"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value) or "（空）"
    return str(value)


def _model_field(model: type[models.Model] | None, name: str) -> ModelField | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed or renamed: show the stored name
        return None


def _value(model_field: ModelField | None, raw: object) -> str:
    if isinstance(model_field, models.DateTimeField) and isinstance(raw, str):
        moment = parse_datetime(raw)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        labels = {str(k): str(v) for k, v in choices}
        if str(raw) in labels:
            return labels[str(raw)]
    if model_field is not None and isinstance(model_field, models.JSONField):
        return "（内容已更新）"
    if model_field is not None and isinstance(model_field, models.BooleanField):
        return {"True": "是", "False": "否"}.get(str(raw), _text(raw))
    return _text(raw)


def _changes(
    model: type[models.Model] | None, changes: dict[str, Any] | str | None, action: int
) -> list[tuple[str, str, str]]:
    """(field label, old, new) for each changed field; a creation lists only what was filled in, a
    deletion only what was there."""
    diff: dict[str, Any] | None
    if isinstance(changes, str):  # older rows stored the diff as a JSON string
        try:
            diff = json.loads(changes)
        except ValueError:
            return []
    else:
        diff = changes
    rows = []
    for name, change in (diff or {}).items():
        model_field = _model_field(model, name)
        label = str(getattr(model_field, "verbose_name", "") or name)
        if isinstance(change, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            operation = {"add": "增加", "delete": "移除", "clear": "清空"}.get(
                str(change.get("operation")), "变更"
            )
            rows.append((label, operation, _text(change.get("objects"))))
        elif isinstance(change, list | tuple) and len(change) == 2:
            old, new = change
            if action == LogEntry.Action.CREATE:
                if new not in EMPTY and name not in HIDDEN_ON_CREATE:
                    rows.append((label, "", _value(model_field, new)))
            elif action == LogEntry.Action.DELETE:
                if old not in EMPTY:
                    rows.append((label, _value(model_field, old), "已删除"))
            elif isinstance(model_field, models.JSONField):
                rows.append((label, "", "（内容已更新）"))
            else:
                rows.append((label, _value(model_field, old), _value(model_field, new)))
    return rows


def _is_draft_save(entry: LogEntry, label: str) -> bool:
    if entry.action != LogEntry.Action.UPDATE or label not in DRAFT_MODELS:
        return False
    keys = set((entry.changes if isinstance(entry.changes, dict) else {}) or {})
    return bool(keys) and keys <= DRAFT_FIELDS and bool(keys & {"answers", "context"})


def describe(entry: LogEntry) -> AuditLine:
    """One stored entry as a line; reads ``entry.actor`` and ``entry.content_type`` (select them related)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    label = f"{entry.content_type.app_label}.{entry.content_type.model}" if entry.content_type_id else ""
    data: dict[str, Any] = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    action, details, changes, group_key = ACTIONS.get(entry.action, "操作"), [], [], None
    kind = str(model._meta.verbose_name) if model is not None else ""
    target = f"{kind}：{entry.object_repr}" if kind else entry.object_repr
    if "batch" in data:
        action = BATCH_ACTIONS.get(data["batch"], data["batch"])
        details = [
            (DETAIL_LABELS.get(k, k), _text(v)) for k, v in data.items() if k not in ("batch", "count")
        ]
        target = f"{kind or '批量操作'}（{data.get('count', 0)} 条）"
    elif "reveal" in data:
        action = REVEAL
        reveal_field = _model_field(model, data["reveal"])
        details = [("字段", str(getattr(reveal_field, "verbose_name", "") or data["reveal"]))]
    else:
        changes = _changes(model, entry.changes, entry.action)
        if data.get("event") in EVENT_ACTIONS:
            action = EVENT_ACTIONS[data["event"]]
        details = [(DETAIL_LABELS.get(k, k), _text(v)) for k, v in data.items() if k != "event"]
    if _is_draft_save(entry, label):
        action, changes = DRAFT, []
        group_key = (entry.actor_id, entry.content_type_id, entry.object_pk)
    actor = str(entry.actor) if entry.actor_id else "系统"
    return AuditLine(
        pk=entry.pk,
        first_pk=entry.pk,
        timestamp=entry.timestamp,
        first_timestamp=entry.timestamp,
        actor=actor,
        action=action,
        target=target,
        changes=changes,
        details=details,
        remote_addr=entry.remote_addr or "",
        group_key=group_key,
    )


def lines(entries: Iterable[LogEntry]) -> Iterator[AuditLine]:
    """Entries (newest first) as lines, a run of draft saves by one person on one object as one line."""
    current: AuditLine | None = None
    for entry in entries:
        line = describe(entry)
        if current is not None and line.group_key is not None and line.group_key == current.group_key:
            current.count += 1
            current.first_pk, current.first_timestamp = line.pk, line.timestamp
            continue
        if current is not None:
            yield current
        current = line
    if current is not None:
        yield current


# ---------------------------------------------------------------- person search

PersonLookup = Callable[..., Iterable[tuple[type[models.Model], models.QuerySet]]]
PERSON_LOOKUPS: list[PersonLookup] = []


def register_person_lookup(lookup: PersonLookup) -> None:
    """``lookup(user=..., query=...)`` yields (model, queryset of primary keys) pairs: the records of the
    people matching ``query`` (an id or a name) that ``user`` may see."""
    if lookup not in PERSON_LOOKUPS:
        PERSON_LOOKUPS.append(lookup)


# ---------------------------------------------------------------- writing

SYSTEM_USERNAME = "_system"  # user_create refuses it (as taken), so no person can hold it
SYSTEM_NAME = "系统"

# (actor or None for the system account, via) of the command or job running in this context; unset in
# requests (django-auditlog's middleware names the user there).
_acting: ContextVar[tuple[User | None, str] | None] = ContextVar("yanglao_audit_acting", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def system_actor() -> User:
    """The account commands and periodic jobs act as: inactive, no usable password, no role or region, so it
    can neither log in nor read anything; it exists to be named in audit entries."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is not None:
        return user
    user = User(username=SYSTEM_USERNAME, full_name=SYSTEM_NAME, is_active=False)
    user.set_unusable_password()
    try:
        # Made on the first entry that needs it, from inside that entry's save: its own creation is not
        # logged (the entry for it would need this very account).
        with transaction.atomic(), disable_auditlog():
            user.save()
    except IntegrityError:  # another process created it first
        return User.objects.get(username=SYSTEM_USERNAME)
    return user


@contextlib.contextmanager
def acting_as(actor: User | None, *, via: str = "") -> Iterator[None]:
    """Entries written inside (field changes included) name ``actor``, or the system account when None;
    ``via`` (which command or job) is kept with each entry. Nests: the inner context wins until it ends.
    Usable as a decorator for jobs whose actor is fixed (periodic ones)."""
    token = _acting.set((actor, via))
    try:
        yield
    finally:
        _acting.reset(token)


def as_job_owner(job_model: type[models.Model]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a job runner taking ``job_id=``: it acts as the account that started the job."""

    def decorate(run: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(run)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            job = job_model._default_manager.select_related("actor").filter(pk=kwargs["job_id"]).first()
            with acting_as(getattr(job, "actor", None), via="后台任务"):
                return run(*args, **kwargs)

        return wrapper

    return decorate


def fill_actor(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    """pre_save of every entry: inside ``acting_as`` an entry without an actor gets the context's. Connected
    before django-auditlog's request receiver, so an explicit context also wins inside a request."""
    acting = _acting.get()
    if acting is None:
        return
    user, via = acting
    if instance.actor_id is None:
        instance.actor = user if user is not None else system_actor()
    if via:
        data = instance.additional_data if isinstance(instance.additional_data, dict) else {}
        instance.additional_data = {**data, "via": via}


def action_of(code: str) -> int:
    """The kind of entry a business code (``entity.verb``) is: exports and reveals read records; loads,
    imports, seeds and creations create them; deletions delete; anything else changes them."""
    verb = code.rsplit(".", 1)[-1]
    if verb in ("export", "reveal"):
        return LogEntry.Action.ACCESS
    if verb in ("load", "import", "seed", "boundaries", "create"):
        return LogEntry.Action.CREATE
    if verb == "delete":
        return LogEntry.Action.DELETE
    return LogEntry.Action.UPDATE


def _write(
    *,
    actor: User | None,
    action: int,
    model: type[models.Model],
    pk: Any,
    object_repr: str,
    changes: dict[str, Any],
    data: dict[str, Any],
) -> LogEntry:
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="" if pk is None else str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=object_repr[:1000],
        action=action,
        actor=actor,
        changes=changes,
        additional_data=data,
        timestamp=timezone.now(),
    )


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    model: type[models.Model] | None = None,
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> LogEntry:
    """One business entry about ``obj`` (or about ``model`` as a whole), in the caller's transaction.
    ``action`` is the code (``elder.reveal``, ``password.change``): its verb gives the entry's kind and it is
    kept as ``event``. ``changes`` and ``detail`` must hold no clear personal data (masks only)."""
    if obj is None and model is None:
        raise TypeError("record() needs obj or model")
    target = obj._meta.model if obj is not None else model  # request.user is a lazy proxy, not a Model
    assert target is not None  # for mypy: one of the two is given
    return _write(
        actor=actor,
        action=action_of(action),
        model=target,
        pk=obj.pk if obj is not None else None,
        object_repr=object_repr or (str(obj) if obj is not None else str(target._meta.verbose_name)),
        changes=changes or {},
        data={"event": action, **(detail or {})},
    )


def record_batch(
    *, actor: User | None, action: str, model: type[models.Model], count: int, detail: dict[str, Any]
) -> LogEntry:
    """One entry for a bulk operation (an import, a load, an export, a seed) of ``count`` records."""
    return _write(
        actor=actor,
        action=action_of(action),
        model=model,
        pk=None,
        object_repr=f"批量操作：{action}（{count} 条）",
        changes={},
        data={"batch": action, "count": count, **detail},
    )
