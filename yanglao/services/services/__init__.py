"""Writes and workflows of the services module, one module per sub-domain, re-exported here so callers
keep writing ``services.order_place(...)``."""

from yanglao.services.services.alerts import alerts_raise, family_notify
from yanglao.services.services.complaints import (
    COMPLAINT_WORKFLOW,
    complaint_file,
    complaint_rate,
    complaint_reply,
    complaint_resolve,
)
from yanglao.services.services.family import (
    LOW_RATING,
    order_family_confirm,
    order_rate,
    plan_create,
    plan_generate,
    plan_stop,
)
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
from yanglao.services.services.quality import (
    alert_handle,
    follow_up_record,
    quality_setting_set,
    quality_watch,
)

__all__ = [
    "CLOCK_SLACK",
    "COMPLAINT_WORKFLOW",
    "LIMITS",
    "LOW_RATING",
    "MAX_DAYS_AHEAD",
    "ORDER_WORKFLOW",
    "RULE_FIELDS",
    "alert_handle",
    "alerts_raise",
    "caregiver_suggestions",
    "catalogue_load",
    "checkin_rule_set",
    "complaint_file",
    "complaint_rate",
    "complaint_reply",
    "complaint_resolve",
    "family_notify",
    "follow_up_record",
    "offering_save",
    "order_accept",
    "order_cancel",
    "order_decline",
    "order_dispatch",
    "order_family_confirm",
    "order_place",
    "order_rate",
    "order_review",
    "plan_create",
    "plan_generate",
    "plan_stop",
    "quality_setting_set",
    "quality_watch",
]
