"""Demo assessments for the Xuhui profile: a realistic spread of GB/T 42195 levels among the assessed
(most people 80+ and a tenth of the others), some expired, some due within a month, and a few assignments
waiting for the demo assessors. Deterministic for a given seed; idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yanglao.assessment import instruments, scoring
from yanglao.assessment.models import Assessment
from yanglao.assessment.services import add_months
from yanglao.core import demo
from yanglao.core import services as core_services
from yanglao.core.models import Organisation, User
from yanglao.people.models import Elder

# Share of each level among assessed people (a plausible district spread; not a published figure).
LEVEL_SHARE = [(0, 0.30), (1, 0.35), (2, 0.18), (3, 0.10), (4, 0.07)]
BANDS = {0: (90, 90), 1: (66, 89), 2: (46, 65), 3: (30, 45), 4: (5, 29)}


def _answers(rng, items, total: int) -> dict[str, int]:
    """Answers that sum to ``total``, spread over the items rather than piled on the first ones."""
    answers = {i["code"]: 0 for i in items}
    tops = {i["code"]: sorted(o["score"] for o in i["options"]) for i in items}
    left = total
    while left > 0:
        code = rng.choice([c for c in answers if answers[c] < tops[c][-1]])
        higher = [s for s in tops[code] if s > answers[code] and s - answers[code] <= left]
        if not higher:
            continue
        step = higher[0]
        left -= step - answers[code]
        answers[code] = step
    return answers


@demo.step("assessments", needs=("people", "accounts"))
def seed_assessments(ctx: demo.SeedContext) -> None:
    agency = Organisation.objects.unscoped(reason="demo seed").filter(kind="assessment_agency").first()
    reviewer = User.objects.filter(username="xuhui_admin").first()
    first = User.objects.filter(username="assessor").first()
    if not (agency and reviewer and first):
        return
    second = User.objects.filter(username="assessor2").first() or core_services.user_create(
        actor=None,
        username="assessor2",
        password=demo.DEMO_PASSWORD,
        role="assessor",
        full_name="评估员 何伟",
        organisation_id=agency.pk,
        region_codes=[demo.XUHUI],
    )
    ctx.accounts.append(("评估员", "assessor2", agency.name))
    if Assessment.objects.unscoped(reason="demo seed").exists():
        ctx.log("能力评估：已有，跳过")
        return
    rng, today = ctx.rng, timezone.localdate()
    data = instruments.get("gbt42195-2022")
    items = [i for d in data["dimensions"] for i in d["items"]]
    people = list(
        Elder.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", status="active")
        .order_by("pk")
        .values_list("pk", "region_id", "birth_date")
    )
    eighty = today.replace(year=today.year - 80)
    chosen = [p for p in people if (p[2] <= eighty and rng.random() < 0.7) or rng.random() < 0.1]
    rows, levels = [], []
    common = {
        "instrument": data["code"],
        "instrument_version": data["version"],
        "reason": "first",
        "requested_by": reviewer,
        "agency": agency,
        "assessor_1": first,
        "assessor_2": second,
    }
    for pk, region, _ in chosen:
        level = rng.choices([lv for lv, _ in LEVEL_SHARE], weights=[w for _, w in LEVEL_SHARE])[0]
        total = rng.randint(*BANDS[level])
        context = {
            "diagnoses": ["F01"] if rng.random() < 0.05 else [],
            "risk_events": {"跌倒": rng.choice([0, 0, 0, 1, 2])},
        }
        answers = _answers(rng, items, total)
        result = scoring.score(data, answers, context)
        approved_on = today - dt.timedelta(days=rng.randint(0, 420))
        valid_until = add_months(approved_on, 12)
        rows.append(
            Assessment(
                elder_id=pk,
                region_id=region,
                status="approved",
                **common,
                answers=answers,
                context=context,
                result=result.as_dict(),
                total=result.total,
                preliminary_level=result.preliminary_level,
                final_level=result.final_level,
                level_name=result.level_name,
                submitted_at=timezone.now(),
                reviewed_by=reviewer,
                reviewed_at=timezone.now(),
                valid_until=valid_until,
            )
        )
        levels.append((pk, result, valid_until))
    with transaction.atomic():
        Assessment.objects.bulk_create(rows, batch_size=2000)
        by_pk = {pk: (result, valid) for pk, result, valid in levels}
        elders = list(Elder.objects.unscoped(reason="demo seed").filter(pk__in=by_pk))
        for elder in elders:
            result, valid = by_pk[elder.pk]
            elder.ability_level, elder.ability_level_name = result.final_level, result.level_name
            elder.ability_instrument, elder.ability_valid_until = data["code"], valid
        Elder.objects.unscoped(reason="demo seed").bulk_update(
            elders,
            ["ability_level", "ability_level_name", "ability_instrument", "ability_valid_until"],
            batch_size=2000,
        )
        waiting = [p for p in people if p[0] not in by_pk][:3]
        Assessment.objects.bulk_create(
            [
                Assessment(elder_id=pk, region_id=region, status="assigned", **common)
                for pk, region, _ in waiting
            ]
        )
        core_services.audit_batch_record(
            actor=None,
            action="assessment.seed",
            model=Assessment,
            count=len(rows),
            detail={"profile": ctx.profile},
        )
    ctx.stats["assessments"] = len(rows)
    ctx.log(f"能力评估：{len(rows)} 份已生效，另有 {len(waiting)} 份待评估")
