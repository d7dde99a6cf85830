"""Quality alerts (服务质量实时监控): raised once per order and kind, pushed live to the provider's monitor and
the government's supervision page. Raising is shared by the visit reports, the periodic watcher, ratings and
complaints; handling lives with the monitor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import events
from yanglao.people import selectors as people_selectors
from yanglao.services.choices import AlertKind
from yanglao.services.models import ServiceAlert, ServiceOrder
from yanglao.services.rules import Breach

TOPIC = "services.alert"


def alerts_raise(
    *, order: ServiceOrder, breaches: Iterable[Breach], at: dt.datetime | None = None
) -> list[ServiceAlert]:
    """Record each breach as an open alert on ``order`` unless one of its kind is already there (a repeated
    report or a second watcher pass counts once). Returns the alerts it created, each published live."""
    created = []
    raised_at = at or timezone.now()
    for breach in breaches:
        if breach.kind not in AlertKind.values:
            continue  # "order" (a check-out before the check-in) is refused, not an alert
        try:
            with transaction.atomic():
                alert = ServiceAlert.objects.create(
                    order=order,
                    provider_id=order.provider_id,
                    region_id=order.region_id,
                    kind=breach.kind,
                    action=breach.action,
                    message=breach.message[:300],
                    raised_at=raised_at,
                )
        except IntegrityError:
            continue
        created.append(alert)
        events.publish_on_commit(
            TOPIC,
            {"id": alert.pk, "order": order.pk, "kind": alert.kind, "action": "raise"},
            region_code=order.region_id,
            organisation_id=order.provider_id,
        )
    return created


FAMILY_TOPIC = "services.family"


def family_notify(*, order: ServiceOrder, action: str) -> None:
    """Tell the person's linked family accounts what happened to an order (checked in, checked out, …): one
    event per account, addressed to that user, holding ids and states only."""
    for user_id in people_selectors.family_user_ids(elder_id=order.elder_id):
        events.publish_on_commit(
            FAMILY_TOPIC, {"order": order.pk, "action": action, "state": order.status}, user_id=user_id
        )
