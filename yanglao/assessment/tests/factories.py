"""Builders for assessment tests: an agency with its assessors, complete answers, an assigned assessment."""

from __future__ import annotations

from yanglao.assessment import instruments, services
from yanglao.assessment.models import Assessment
from yanglao.core.choices import Role
from yanglao.core.models import Organisation, User
from yanglao.core.testing import factories as core_factories


def full_answers(instrument: str = "gbt42195-2022", pick=min) -> dict[str, int]:
    data = instruments.get(instrument)
    return {i["code"]: pick(o["score"] for o in i["options"]) for d in data["dimensions"] for i in d["items"]}


def agency_team(
    *, name: str = "评估中心丙", size: int = 3, prefix: str = "assessor"
) -> tuple[Organisation, list[User]]:
    agency = core_factories.organisation(region_code="310104000000", name=name, kind="assessment_agency")
    people = [
        core_factories.user(role=Role.ASSESSOR, organisation=agency, username=f"{prefix}_{n}")
        for n in range(1, size + 1)
    ]
    return agency, people


def assigned(
    *,
    actor: User,
    elder_id: int,
    agency: Organisation,
    first: User,
    second: User,
    instrument: str = "gbt42195-2022",
) -> Assessment:
    a = services.assessment_request(actor=actor, elder_id=elder_id, instrument=instrument, reason="first")
    return services.assessment_assign(
        actor=actor, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(first.pk, second.pk)
    )
