"""Builders of the quality tests: an order moved along (as the visit reports and the family would move it)."""

import datetime as dt

from yanglao.services.models import ServiceOrder


def move(order, **fields):
    """Write an order's visit fields as the caregiver's phone and the family's confirmation would."""
    ServiceOrder.objects.unscoped(reason="test moves the order").filter(pk=order.pk).update(**fields)
    order.refresh_from_db()
    return order


def accepted(order, caregiver):
    return move(order, status="accepted", caregiver=caregiver)


def checked_in(order, caregiver):
    return move(
        order,
        status="checked_in",
        caregiver=caregiver,
        checked_in_at=order.scheduled_start + dt.timedelta(minutes=2),
    )


def finished(order, caregiver, rating=None):
    return move(
        order,
        status="rated" if rating else "confirmed",
        caregiver=caregiver,
        checked_in_at=order.scheduled_start,
        checked_out_at=order.scheduled_end,
        confirmed_at=order.scheduled_end,
        rating=rating,
    )
