"""Enumerations of the assessment workflow; labels are the official terms (GB/T 42195-2022 A.1)."""

from django.db import models


class Reason(models.TextChoices):
    FIRST = "first", "首次评估"
    ROUTINE = "routine", "常规评估"
    IMMEDIATE = "immediate", "即时评估"
    REVIEW = "review", "因对评估结果有疑问进行的复评"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    REQUESTED = "requested", "待派单"
    ASSIGNED = "assigned", "已派单"
    IN_PROGRESS = "in_progress", "评估中"
    # Submitted by one assessor; counts only once the other assigned assessor confirms (two-assessor rule).
    CONFIRMING = "confirming", "待第二评估员确认"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已生效"
    SUPERSEDED = "superseded", "已被替代"
    CANCELLED = "cancelled", "已取消"


# Not a stored state: an approved result whose validity has passed. Shown and filtered as its own status.
EXPIRED = "expired"
EXPIRED_LABEL = "已过期"

# The list's status filter: every state, with 已过期 next to 已生效.
FILTER_CHOICES = [
    choice
    for value, label in Status.choices
    for choice in (
        [(value, label), (EXPIRED, EXPIRED_LABEL)] if value == Status.APPROVED else [(value, label)]
    )
]
