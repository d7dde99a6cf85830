"""Complaints (投诉) about an order: filed by the person's family account or by an advisor or operator for
them, answered and settled by the provider within deadlines counted in working days, rated by the family (a low
rating re-opens it). The periodic watcher escalates a missed deadline (``quality.quality_watch``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yanglao.core import events, text, workflows
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.services import errors, quality_rules, rules, selectors
from yanglao.services.choices import AlertKind, BreachAction, ComplaintStatus
from yanglao.services.models import Complaint, ServiceOrder
from yanglao.services.services.alerts import alerts_raise

TOPIC = "services.complaint"


def _clean(value: object, label: str, field: str, code: str, max_length: int = 500) -> str:
    try:
        return text.clean_line(value, label=label, max_length=max_length, one_line=False)
    except text.TextError as exc:
        raise errors.InvalidComplaint(str(exc), fields={field: str(exc)}, code=code) from exc


def _deadlines(region_code: str, day: dt.date) -> dict[str, dt.date]:
    setting = selectors.quality_setting_for(region_code=region_code)
    return {
        "reply_due": quality_rules.add_working_days(day, setting.reply_days),
        "resolve_due": quality_rules.add_working_days(day, setting.resolve_days),
    }


@transaction.atomic
def complaint_file(*, actor: User, order_id: int, text: str, at: dt.datetime | None = None) -> Complaint:
    """File a complaint about an order the actor can see (a family account: its people's orders). Raises a
    complaint alert on the order for the provider's monitor and the government's page."""
    if not actor.has_perm("services.add_complaint"):
        raise PermissionDenied
    order = ServiceOrder.objects.for_user(actor).filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    body = _clean(text, "投诉内容", "text", "services.complaint_text_invalid")
    filed_at = at or timezone.now()
    complaint = Complaint.objects.create(
        order=order,
        elder_id=order.elder_id,
        region_id=order.region_id,
        provider_id=order.provider_id,
        filed_by=actor,
        filed_at=filed_at,
        text=body,
        **_deadlines(order.region_id, timezone.localdate(filed_at)),
    )
    ensure_in_scope(complaint, actor, "view")
    alerts_raise(
        order=order,
        breaches=[
            rules.Breach(
                AlertKind.COMPLAINT,
                BreachAction.WARN,
                f"收到投诉（编号 {complaint.pk}），答复期限 {complaint.reply_due:%Y-%m-%d}",
            )
        ],
        at=filed_at,
    )
    events.publish_on_commit(
        TOPIC,
        {"id": complaint.pk, "action": "file", "state": complaint.status},
        region_code=complaint.region_id,
        organisation_id=complaint.provider_id,
    )
    return complaint


def _has_reply(user: User, c: Complaint) -> bool:
    return bool(c.reply)


COMPLAINT_WORKFLOW = workflows.Workflow[Complaint](
    model=Complaint,
    noun="投诉",
    states=dict(ComplaintStatus.choices),
    state_field="status",
    error=errors.InvalidComplaint,
    topic=TOPIC,
    event_scope=lambda c: {"region_code": c.region_id, "organisation_id": c.provider_id},
    transitions=(
        workflows.Transition(
            "reply",
            (ComplaintStatus.PENDING, ComplaintStatus.REOPENED, ComplaintStatus.ESCALATED),
            ComplaintStatus.REPLIED,
            permission="services.reply_complaint",
        ),
        workflows.Transition(
            "resolve",
            (ComplaintStatus.REPLIED, ComplaintStatus.ESCALATED),
            ComplaintStatus.RESOLVED,
            permission="services.resolve_complaint",
            guards=(
                workflows.Guard[Complaint](
                    _has_reply,
                    lambda: errors.InvalidComplaint(
                        "请先答复投诉人，再办结", code="services.complaint_not_replied"
                    ),
                ),
            ),
        ),
        workflows.Transition(
            "rate",
            (ComplaintStatus.RESOLVED,),
            ComplaintStatus.REOPENED,
            permission="services.rate_complaint",
            done=lambda user, c: c.status == ComplaintStatus.RESOLVED and c.resolution_rating is not None,
        ),
    ),
)


@transaction.atomic
def complaint_reply(*, actor: User, complaint_id: int, reply: str) -> Complaint:
    """The provider answers. An escalated complaint stays escalated (the government follows it now)."""
    answer = _clean(reply, "答复内容", "reply", "services.complaint_reply_invalid")

    def changes(c: Complaint) -> dict:
        values = {"reply": answer, "replied_by": actor, "replied_at": timezone.now()}
        return workflows.Stay(values) if c.status == ComplaintStatus.ESCALATED else values

    return workflows.transition(
        actor=actor, workflow=COMPLAINT_WORKFLOW, obj_id=complaint_id, action="reply", changes=changes
    )


@transaction.atomic
def complaint_resolve(*, actor: User, complaint_id: int, resolution: str) -> Complaint:
    """Settled: what was done. The family may then rate the resolution."""
    note = _clean(resolution, "办结说明", "resolution", "services.complaint_resolution_invalid")
    return workflows.transition(
        actor=actor,
        workflow=COMPLAINT_WORKFLOW,
        obj_id=complaint_id,
        action="resolve",
        changes={"resolution": note, "resolved_at": timezone.now(), "resolution_rating": None},
    )


@transaction.atomic
def complaint_rate(*, actor: User, complaint_id: int, rating: int) -> Complaint:
    """The family rates the resolution (1–5 stars). A low rating (the region's threshold, 2 by default)
    re-opens the complaint with fresh deadlines from today."""
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise errors.InvalidComplaint(
            "请选择 1 到 5 星", fields={"rating": "应为 1–5"}, code="services.complaint_rating_invalid"
        )

    def changes(c: Complaint) -> dict:
        setting = selectors.quality_setting_for(region_code=c.region_id)
        if not quality_rules.is_low_rating(stars, setting.low_rating_max):
            return workflows.Stay({"resolution_rating": stars})
        return {
            "resolution_rating": stars,
            "reopen_count": c.reopen_count + 1,
            **_deadlines(c.region_id, timezone.localdate()),
        }

    return workflows.transition(
        actor=actor, workflow=COMPLAINT_WORKFLOW, obj_id=complaint_id, action="rate", changes=changes
    )
