"""Quality monitoring (服务质量实时监控) writes: a region's thresholds, the periodic watcher that raises missing
check-in and check-out alerts and escalates overdue complaints, handling an alert, and recording a follow-up call
(回访). Keyword-only, actor first; targets are resolved inside the actor's scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from yanglao.core import audit, events, text
from yanglao.core import services as core_services
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.services import errors, quality_rules, rules, selectors
from yanglao.services.choices import (
    AlertKind,
    AlertStatus,
    BreachAction,
    ComplaintStatus,
    OrderStatus,
    Satisfaction,
)
from yanglao.services.models import (
    Complaint,
    FollowUpCall,
    QualitySetting,
    ServiceAlert,
    ServiceOrder,
)
from yanglao.services.services.alerts import TOPIC as ALERT_TOPIC
from yanglao.services.services.alerts import alerts_raise

COMPLAINT_TOPIC = "services.complaint"
# The watcher looks back this far: an order missed for longer was alerted on an earlier pass (or the watcher
# was down for a week, and a week-old no-show is not news for a live monitor).
WATCH_LOOKBACK = dt.timedelta(days=7)


# ---------------------------------------------------------------- settings


@transaction.atomic
def quality_setting_set(*, actor: User, region_code: str, **changes) -> QualitySetting:
    """A region's own thresholds, starting from those that applied there until now."""
    if not actor.has_perm("services.change_qualitysetting"):
        raise PermissionDenied
    region = core_services.region_require(region_code, field_name="region_code")
    if not actor.in_scope(region.code):
        raise NotFound()
    current = selectors.quality_setting_for(region_code=region.code)
    values = {f: getattr(current, f) for f in quality_rules.FIELDS}
    problems = {}
    for name in quality_rules.FIELDS:
        if name not in changes:
            continue
        try:
            number = int(changes[name])
        except (TypeError, ValueError):
            problems[name] = "应为整数"
            continue
        lo, hi = quality_rules.LIMITS[name]
        if not lo <= number <= hi:
            problems[name] = f"应在 {lo} 到 {hi} 之间"
        values[name] = number
    if problems:
        raise errors.InvalidQualitySetting(
            "；".join(problems.values()), fields=problems, code="services.quality_setting_range"
        )
    if values["resolve_days"] < values["reply_days"]:
        raise errors.InvalidQualitySetting(
            "投诉办结时限不能短于答复时限",
            fields={"resolve_days": "短于答复时限"},
            code="services.quality_deadlines_order",
        )
    setting, _ = QualitySetting.objects.update_or_create(
        region=region, defaults={**values, "is_default": False, "updated_by": actor}
    )
    return setting


# ---------------------------------------------------------------- the watcher


def _local_hm(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _raise_bulk(kind: str, found: list[tuple[ServiceOrder, str]], now: dt.datetime) -> int:
    """Insert one open alert per order (a repeat is skipped by the unique order-and-kind constraint) and tell
    each provider and community once per pass how many arrived."""
    if not found:
        return 0
    ServiceAlert.objects.bulk_create(
        [
            ServiceAlert(
                order=order,
                provider_id=order.provider_id,
                region_id=order.region_id,
                kind=kind,
                action=BreachAction.WARN,
                message=message,
                raised_at=now,
            )
            for order, message in found
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    groups = Counter((order.region_id, order.provider_id) for order, _ in found)
    for (region_code, provider_id), count in groups.items():
        events.publish_on_commit(
            ALERT_TOPIC,
            {"kind": kind, "count": count, "action": "raise"},
            region_code=region_code,
            organisation_id=provider_id,
        )
    return len(found)


def _overdue(
    qs, settings: dict, now: dt.datetime, *, at_field: str, grace_field: str
) -> list[tuple[ServiceOrder, dt.datetime, int]]:
    """Rows of ``qs`` whose ``at_field`` plus their region's grace has passed. One query: the grace differs by
    region, so the database bounds the scan by the smallest grace and Python applies each row's own."""
    smallest = min(getattr(s, grace_field) for s in settings.values())
    rows = qs.filter(
        **{f"{at_field}__lte": now - dt.timedelta(minutes=smallest), f"{at_field}__gt": now - WATCH_LOOKBACK}
    ).only("pk", "region_id", "provider_id", at_field)
    out = []
    for order in rows.iterator(chunk_size=2000):
        grace = getattr(rules.most_specific(settings, order.region_id), grace_field)
        if getattr(order, at_field) + dt.timedelta(minutes=grace) <= now:
            out.append((order, getattr(order, at_field), grace))
    return out


def _missing(kind: str):
    return ~Exists(ServiceAlert.objects.unscoped(reason="watcher").filter(order=OuterRef("pk"), kind=kind))


def _escalate(now: dt.datetime) -> int:
    """Complaints past their reply or resolve day become 已升级 and go to the government's page."""
    today = timezone.localdate(now)
    open_ = [ComplaintStatus.PENDING, ComplaintStatus.REOPENED]
    overdue = Complaint.objects.unscoped(reason="watcher: overdue complaints everywhere").filter(
        Q(status__in=open_, reply_due__lt=today)
        | Q(status__in=[*open_, ComplaintStatus.REPLIED], resolve_due__lt=today)
    )
    rows = list(overdue.values_list("pk", "region_id", "provider_id"))
    if not rows:
        return 0
    Complaint.objects.unscoped(reason="watcher: escalate the rows just read").filter(
        pk__in=[pk for pk, _r, _p in rows]
    ).update(status=ComplaintStatus.ESCALATED, escalated_at=now)
    audit.record_batch(
        actor=None,
        action="complaint.escalate",
        model=Complaint,
        count=len(rows),
        detail={"ids": [pk for pk, _r, _p in rows][:200]},
    )
    for (region_code, provider_id), count in Counter((r, p) for _pk, r, p in rows).items():
        events.publish_on_commit(
            COMPLAINT_TOPIC,
            {"action": "escalate", "count": count},
            region_code=region_code,
            organisation_id=provider_id,
        )
        # The monitors listen to alerts: an escalation is news there too.
        events.publish_on_commit(
            ALERT_TOPIC,
            {"kind": "complaint", "count": count, "action": "escalate"},
            region_code=region_code,
            organisation_id=provider_id,
        )
    return len(rows)


@transaction.atomic
def quality_watch(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One pass of the periodic watcher: accepted or dispatched orders not checked in by their start plus the
    region's grace raise 未按时签到; orders checked in and not out by their end plus the grace raise 未签退;
    overdue complaints are escalated. Idempotent (one alert per order and kind); a few queries whatever the
    number of orders."""
    now = now or timezone.now()
    settings = selectors.quality_settings()
    orders = ServiceOrder.objects.unscoped(reason="watcher: every district's orders")
    no_show = _overdue(
        orders.filter(
            status__in=(OrderStatus.DISPATCHED, OrderStatus.ACCEPTED), checked_in_at__isnull=True
        ).filter(_missing(AlertKind.NO_SHOW)),
        settings,
        now,
        at_field="scheduled_start",
        grace_field="no_show_minutes",
    )
    no_checkout = _overdue(
        orders.filter(status=OrderStatus.CHECKED_IN, checked_out_at__isnull=True).filter(
            _missing(AlertKind.NO_CHECKOUT)
        ),
        settings,
        now,
        at_field="scheduled_end",
        grace_field="no_checkout_minutes",
    )
    result = {
        "no_show": _raise_bulk(
            AlertKind.NO_SHOW,
            [(o, f"预约 {_local_hm(at)} 开始，超过 {g} 分钟仍未签到") for o, at, g in no_show],
            now,
        ),
        "no_checkout": _raise_bulk(
            AlertKind.NO_CHECKOUT,
            [(o, f"预约 {_local_hm(at)} 结束，超过 {g} 分钟仍未签退") for o, at, g in no_checkout],
            now,
        ),
        "escalated": _escalate(now),
    }
    if result["no_show"] or result["no_checkout"]:
        audit.record_batch(
            actor=None,
            action="alert.watch",
            model=ServiceAlert,
            count=result["no_show"] + result["no_checkout"],
            detail={"no_show": result["no_show"], "no_checkout": result["no_checkout"]},
        )
    return result


# ---------------------------------------------------------------- handling


@transaction.atomic
def alert_handle(*, actor: User, alert_id: int, note: str) -> ServiceAlert:
    """Close an open alert with what was done: the provider its own, the government in its region."""
    if not actor.has_perm("services.handle_servicealert"):
        raise PermissionDenied
    alert = (
        ServiceAlert.objects.for_user(actor, action="handle").select_for_update().filter(pk=alert_id).first()
    )
    if alert is None:
        raise NotFound()
    if alert.status != AlertStatus.OPEN:
        raise errors.InvalidAlertHandling(
            "该异常已处理", fields={"note": "已处理"}, code="services.alert_already_closed"
        )
    try:
        cleaned = text.clean_line(note, label="处理说明", max_length=300, one_line=False)
    except text.TextError as exc:
        raise errors.InvalidAlertHandling(
            str(exc), fields={"note": str(exc)}, code="services.alert_note_invalid"
        ) from exc
    alert.status = AlertStatus.CLOSED
    alert.note = cleaned
    alert.handled_by = actor
    alert.handled_at = timezone.now()
    alert.save(update_fields=["status", "note", "handled_by", "handled_at"])
    events.publish_on_commit(
        ALERT_TOPIC,
        {"id": alert.pk, "order": alert.order_id, "kind": alert.kind, "action": "handle"},
        region_code=alert.region_id,
        organisation_id=alert.provider_id,
    )
    return alert


# ---------------------------------------------------------------- follow-up calls


FINISHED = (OrderStatus.CONFIRMED, OrderStatus.RATED)


@transaction.atomic
def follow_up_record(
    *,
    actor: User,
    order_id: int,
    reached: bool,
    satisfaction: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> FollowUpCall:
    """Record a follow-up call about a finished order in the actor's region. Not reached: no answer to record
    (call again later). 不满意 raises a low-rating alert on the order."""
    if not actor.has_perm("services.add_followupcall"):
        raise PermissionDenied
    order = ServiceOrder.objects.for_user(actor).select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    if order.status not in FINISHED:
        raise errors.InvalidFollowUp(
            "只能回访已确认或已评价的工单", fields={"order": "未完成"}, code="services.follow_up_unfinished"
        )
    if reached and satisfaction not in Satisfaction.values:
        raise errors.InvalidFollowUp(
            "已接通时请选择满意度", fields={"satisfaction": "必填"}, code="services.follow_up_no_answer"
        )
    try:
        cleaned = text.clean_line(note, label="回访记录", max_length=300, required=False, one_line=False)
    except text.TextError as exc:
        raise errors.InvalidFollowUp(
            str(exc), fields={"note": str(exc)}, code="services.follow_up_note_invalid"
        ) from exc
    call = FollowUpCall.objects.create(
        order=order,
        region_id=order.region_id,
        provider_id=order.provider_id,
        called_by=actor,
        called_at=at or timezone.now(),
        reached=bool(reached),
        satisfaction=satisfaction if reached else "",
        note=cleaned,
    )
    ensure_in_scope(call, actor, "add")
    if reached and satisfaction == Satisfaction.UNSATISFIED:
        alerts_raise(
            order=order,
            breaches=[rules.Breach(AlertKind.LOW_RATING, BreachAction.WARN, "回访结果：不满意")],
        )
    return call
