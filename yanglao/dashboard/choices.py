"""Enumerations of the cockpit; labels are the terms officials use (docs/glossary.md)."""

from django.db import models


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "不低于（≥）"
    AT_MOST = "lte", "不高于（≤）"


class Status(models.TextChoices):
    MET = "met", "达标"
    ON_TRACK = "on_track", "按进度"
    LAGGING = "lagging", "滞后"
    NO_DATA = "no_data", "无数据"


class FactSource(models.TextChoices):
    JOB = "job", "系统汇总"
    BACKFILL = "backfill", "历史回填（演示估算）"
