"""Writes of the services module: the catalogue from its data file, a district's check-in rules, providers'
offerings. Keyword-only, actor first, one transaction each; targets are resolved inside the actor's scope."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from yanglao.core import services as core_services
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.services import catalogue, errors
from yanglao.services.choices import BreachAction
from yanglao.services.models import CheckInRule, ServiceItem, ServiceOffering

RULE_FIELDS = (
    "max_distance_in_m",
    "max_distance_out_m",
    "late_start_minutes",
    "early_leave_minutes",
    "min_service_minutes",
    "photos_required",
    "on_distance",
    "on_late",
    "on_early",
    "on_short",
)
LIMITS = {  # what a rule may say: beyond these a value is a typing slip, not a policy
    "max_distance_in_m": (20, 5000),
    "max_distance_out_m": (20, 5000),
    "late_start_minutes": (0, 240),
    "early_leave_minutes": (0, 240),
    "min_service_minutes": (1, 720),
    "photos_required": (0, 3),
}


@transaction.atomic
def catalogue_load(*, path: Path = catalogue.CATALOGUE) -> dict[str, int]:
    """Bring the shipped items and their default rules up to the data file; a district's own rules stay."""
    created = 0
    rows = catalogue.specs(path)
    for code, fields, rule in rows:
        item, made = ServiceItem.objects.update_or_create(code=code, defaults={**fields, "shipped": True})
        created += made
        CheckInRule.objects.update_or_create(item=item, region=None, defaults=rule)
    return {"items": len(rows), "created": created, "updated": len(rows) - created}


def _clean_rule(changes: dict) -> dict:
    out, problems = {}, {}
    for name in RULE_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if name.startswith("on_"):
            if value not in BreachAction.values:
                problems[name] = "取值无效"
            out[name] = value
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            problems[name] = "应为整数"
            continue
        lo, hi = LIMITS[name]
        if not lo <= number <= hi:
            problems[name] = f"应在 {lo} 到 {hi} 之间"
        out[name] = number
    if problems:
        raise errors.InvalidRule("；".join(problems.values()), fields=problems)
    return out


@transaction.atomic
def checkin_rule_set(*, actor: User, item_code: str, region_code: str, **changes) -> CheckInRule:
    """A region's own rules for an item, starting from the rule that applied there until now."""
    if not actor.has_perm("services.change_checkinrule"):
        raise PermissionDenied
    region = core_services.region_require(region_code, field_name="region_code")
    if not actor.in_scope(region.code):
        raise NotFound()
    item = ServiceItem.objects.filter(code=item_code).first()
    if item is None:
        raise NotFound()
    from yanglao.services import selectors

    current = selectors.checkin_rule_for(item=item, region_code=region.code)
    base = {f: getattr(current, f) for f in RULE_FIELDS} if current else {}
    values = {**base, **_clean_rule(changes)}
    missing = [f for f in RULE_FIELDS if f not in values]
    if missing:
        raise errors.InvalidRule(
            "请填写全部规则", fields={f: "必填" for f in missing}, code="services.rule_incomplete"
        )
    rule, _ = CheckInRule.objects.update_or_create(
        item=item, region=region, defaults={**values, "is_default": False, "updated_by": actor}
    )
    return rule


def _money(name: str, value, label: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise errors.InvalidOffering(f"{label}应为金额（元）", fields={name: "应为金额"}) from None
    if amount < 0 or amount >= Decimal("1000000"):
        raise errors.InvalidOffering(f"{label}应在 0 到 999999.99 元之间", fields={name: "超出范围"})
    return amount


@transaction.atomic
def offering_save(
    *,
    actor: User,
    provider_id: int,
    item_code: str,
    price,
    government_purchased: bool = False,
    contracted_price=None,
    area_codes: list[str] = (),
    active: bool = True,
) -> ServiceOffering:
    """Create or change a provider's offer of an item. Service areas must lie in the actor's reach (a
    provider may name areas outside its own street: it serves where its contract says)."""
    if not actor.has_perm("services.change_serviceoffering"):
        raise PermissionDenied
    provider = core_services.organisation_for_write(
        actor=actor, organisation_id=provider_id, field_name="provider"
    )
    item = ServiceItem.objects.filter(code=item_code, active=True).first()
    if item is None:
        raise errors.InvalidOffering(
            "服务目录中没有该项目", fields={"item": "未知项目"}, code="services.unknown_item"
        )
    values = {"price": _money("price", price, "价格"), "government_purchased": bool(government_purchased)}
    if government_purchased:
        if contracted_price in (None, ""):
            raise errors.InvalidOffering(
                "政府购买服务须填写合同价",
                fields={"contracted_price": "必填"},
                code="services.contract_price_missing",
            )
        values["contracted_price"] = _money("contracted_price", contracted_price, "合同价")
    else:
        values["contracted_price"] = None
    areas = [core_services.region_require(code, field_name="areas") for code in dict.fromkeys(area_codes)]
    if not areas:
        raise errors.InvalidOffering(
            "请至少选择一个服务区域", fields={"areas": "必填"}, code="services.no_area"
        )
    try:
        offering, _ = ServiceOffering.objects.unscoped(reason="upsert by provider and item").update_or_create(
            provider=provider,
            item=item,
            defaults={**values, "region_id": provider.region_id, "active": active},
        )
    except IntegrityError as exc:  # a constraint the checks above should have caught
        raise errors.InvalidOffering("服务项目信息有误") from exc
    offering.areas.set(areas)
    ensure_in_scope(offering, actor, "change")
    return offering
