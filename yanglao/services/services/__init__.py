"""Writes and workflows of the services module, one module per sub-domain, re-exported here so callers
keep writing ``services.order_place(...)``."""

from yanglao.services.services.alerts import alerts_raise, family_notify
from yanglao.services.services.orders import (
    CLOCK_SLACK,
    LIMITS,
    MAX_DAYS_AHEAD,
    ORDER_WORKFLOW,
    RULE_FIELDS,
    caregiver_suggestions,
    catalogue_load,
    checkin_rule_set,
    offering_save,
    order_accept,
    order_cancel,
    order_decline,
    order_dispatch,
    order_place,
    order_review,
)
from yanglao.services.services.visits import care_route_reveal, visit_photo_add, visit_report

__all__ = [
    "CLOCK_SLACK",
    "LIMITS",
    "MAX_DAYS_AHEAD",
    "ORDER_WORKFLOW",
    "RULE_FIELDS",
    "alerts_raise",
    "care_route_reveal",
    "caregiver_suggestions",
    "catalogue_load",
    "checkin_rule_set",
    "family_notify",
    "offering_save",
    "order_accept",
    "order_cancel",
    "order_decline",
    "order_dispatch",
    "order_place",
    "order_review",
    "visit_photo_add",
    "visit_report",
]
