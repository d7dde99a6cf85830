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
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已生效"
    SUPERSEDED = "superseded", "已被替代"
    CANCELLED = "cancelled", "已取消"
