"""Writes of alarm rules (``AlarmRule``): the shipped defaults' loader, a region's or a person's own rule, and
going back to the rule above. What the values mean and how they are judged is ``alarms/rules.py``.

A region's or person's rule starts from the rule in force there and carries its whole set of values, so the
rule above changing later does not change it silently. Field changes are audited by django-auditlog."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yanglao.alarms import errors, rules
from yanglao.alarms.models import AlarmRule
from yanglao.alarms.selectors.ingest import rule_book
from yanglao.core import services as core_services
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.people.models import Elder

FIELDS = ("threshold", "duration_seconds", "active_from", "active_to", "silence_until", "enabled")
LABELS = {"threshold": "阈值", "duration_seconds": "持续时间"}


def rules_load() -> dict[str, int]:
    """Bring the shipped default rows (系统默认值) up to ``rules.DEFAULTS``; regions' and people's rules stay.
    Idempotent; the reference loader and migration 0002 run it."""
    created = 0
    for kind, rule in rules.DEFAULTS.items():
        _, made = AlarmRule.objects.update_or_create(
            kind=kind,
            region=None,
            elder=None,
            defaults={
                "threshold": rule.threshold,
                "duration_seconds": rule.duration_seconds,
                "active_from": rule.active_from,
                "active_to": rule.active_to,
                "silence_until": None,
                "enabled": rule.enabled,
                "is_default": True,
            },
        )
        created += made
    return {"rules": len(rules.DEFAULTS), "created": created}


def _target(actor: User, region_code: str | None, elder_id: int | None) -> tuple[str, Elder | None]:
    """The region (code) or person a rule is for, within the actor's reach (404 otherwise)."""
    if bool(region_code) == (elder_id is not None):
        raise errors.InvalidRule(
            "请指定适用区划或适用老人之一",
            fields={"region_code": "二者择一", "elder_id": "二者择一"},
            code="alarms.rule_target_ambiguous",
        )
    if elder_id is not None:
        elder = Elder.objects.for_user(actor).filter(pk=elder_id).first()
        if elder is None:
            raise NotFound()
        return elder.region_id, elder
    region = core_services.region_require(str(region_code), field_name="region_code")
    if not actor.in_scope(region.code):
        raise NotFound()
    return region.code, None


def _clean(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    spec = rules.SPECS[kind]
    problems: dict[str, str] = {}
    threshold = values.get("threshold")
    if spec.needs_threshold:
        if threshold is None:
            problems["threshold"] = "必填"
        elif not spec.lo <= float(threshold) <= spec.hi:
            problems["threshold"] = f"应在 {spec.lo:g} 到 {spec.hi:g} {spec.unit}之间"
    else:
        values["threshold"] = None
    duration = int(values.get("duration_seconds") or 0)
    if not spec.duration_lo <= duration <= spec.duration_hi:
        problems["duration_seconds"] = (
            f"应在 {spec.duration_lo // 60} 到 {spec.duration_hi // 60} 分钟之间"
            if spec.duration_hi
            else "此类规则不设持续时间"
        )
    values["duration_seconds"] = duration
    if problems:
        raise errors.InvalidRule(
            "；".join(f"{LABELS[name]}{text}" for name, text in problems.items()),
            fields=problems,
            code="alarms.rule_values_out_of_range",
        )
    if (values.get("active_from") is None) != (values.get("active_to") is None):
        raise errors.InvalidRule(
            "生效时段须同时填写起止时间，或都不填（全天生效）",
            fields={"active_from": "须与止时间同时填写", "active_to": "须与起时间同时填写"},
            code="alarms.rule_window_incomplete",
        )
    return values


@transaction.atomic
def rule_set(
    *, actor: User, kind: str, region_code: str | None = None, elder_id: int | None = None, **changes: Any
) -> AlarmRule:
    """A region's (and the regions under it) or one person's own rule of ``kind``: the rule in force there
    with ``changes``. A silence period (``silence_until``) is for a person's rule only."""
    if not actor.has_perm("alarms.change_alarmrule"):
        raise PermissionDenied
    if kind not in rules.SPECS:
        raise NotFound()
    code, elder = _target(actor, region_code, elder_id)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields {sorted(unknown)}")
    current = rule_book(elder_ids=[elder.pk] if elder else []).resolve(
        kind, region_code=code, elder_id=elder.pk if elder else None
    )
    values = {name: getattr(current, name) for name in FIELDS}
    values.update(changes)
    if elder is None:
        values["silence_until"] = None
    elif isinstance(values.get("silence_until"), dt.datetime) and values["silence_until"].tzinfo is None:
        raise errors.InvalidRule(
            "静默截止时间须带时区", fields={"silence_until": "须带时区"}, code="alarms.rule_silence_naive"
        )
    values = _clean(kind, values)
    rule, _ = AlarmRule.objects.update_or_create(
        kind=kind,
        region_id=None if elder else code,
        elder=elder,
        defaults={**values, "is_default": False, "updated_by": actor},
    )
    return rule


@transaction.atomic
def rule_reset(*, actor: User, kind: str, region_code: str | None = None, elder_id: int | None = None) -> int:
    """Drop a region's or person's own rule of ``kind``: the rule above applies again. Idempotent."""
    if not actor.has_perm("alarms.change_alarmrule"):
        raise PermissionDenied
    if kind not in rules.SPECS:
        raise NotFound()
    code, elder = _target(actor, region_code, elder_id)
    own = (
        AlarmRule.objects.filter(kind=kind, elder=elder)
        if elder
        else AlarmRule.objects.filter(kind=kind, region_id=code, elder__isnull=True)
    )
    deleted = 0
    for row in own:  # one by one, so django-auditlog records each deletion
        row.delete()
        deleted += 1
    return deleted
