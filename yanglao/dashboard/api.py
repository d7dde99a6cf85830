"""The cockpit's API: every indicator for a region and month, as the CLI prints it (thin)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from yanglao.dashboard import selectors

router = Router(tags=["驾驶舱"])


class IndicatorFigureOut(Schema):
    code: str
    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    target: float | None
    target_year: int | None
    comparator: str | None
    status: str | None
    status_label: str
    projected_date: str | None


class IndicatorFiguresOut(Schema):
    region: str
    region_name: str
    period: str
    computed_at: str | None
    indicators: list[IndicatorFigureOut]


@router.get("/indicators", response=IndicatorFiguresOut)
def get_indicators(request: HttpRequest, region: str = "", period: str = ""):
    """Every indicator of the library for a region (default: the user's own) and month (YYYY-MM; default:
    the latest counted), with its target, status and projected date; null where there is no data."""
    if not request.user.has_perm("dashboard.view_measurefact"):
        raise PermissionDenied
    return selectors.as_json(selectors.overview(user=request.user, region_code=region, period_text=period))
