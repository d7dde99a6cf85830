"""Field factories for the columns every module's rows carry: the region a row is scoped by (stored as
``region_code``, decision 40), the users who acted on it, and amounts in yuan. Each call returns a new field."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def region(label: str = "所属社区", column: str = "region_code") -> models.ForeignKey:
    return models.ForeignKey(
        "core.Region", verbose_name=label, on_delete=models.PROTECT, db_column=column, related_name="+"
    )


def actor(label: str, *, null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name="+",
    )


def yuan(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=0)
