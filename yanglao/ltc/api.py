"""The LTC API (thin): the claims list with the page's filters, and the statements as the page shows them."""

# No "from __future__ import annotations": ninja reads the paginated view's annotations through its wrapper.

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from yanglao.core import lists
from yanglao.ltc import filters, selectors

router = Router(tags=["长期护理保险"])


class LtcSettlementOut(Schema):
    id: int
    provider: int
    provider_name: str
    month: str
    status: str
    status_label: str
    plans: int
    planned_visits: int
    delivered_visits: int
    missed_visits: int
    short_visits: int
    hours: str
    days: int
    total_yuan: str
    fund_yuan: str
    personal_yuan: str
    held_yuan: str
    cash_yuan: str


def _out(s) -> dict:
    return {
        "id": s.pk,
        "provider": s.provider_id,
        "provider_name": s.provider.name,
        "month": f"{s.month:%Y-%m}",
        "status": s.status,
        "status_label": s.get_status_display(),
        **{
            k: getattr(s, k)
            for k in ("plans", "planned_visits", "delivered_visits", "missed_visits", "short_visits", "days")
        },
        "hours": f"{s.hours:.2f}",
        **{
            k: f"{getattr(s, k):.2f}"
            for k in ("total_yuan", "fund_yuan", "personal_yuan", "held_yuan", "cash_yuan")
        },
    }


@router.get("/ltc-settlements", response=list[LtcSettlementOut])
def list_settlements(request: HttpRequest, status: str = ""):
    """The statements in the caller's reach (a provider's own; a district's providers'), newest month first."""
    if not request.user.has_perm("ltc.view_ltcsettlement"):
        raise PermissionDenied
    return [_out(s) for s in selectors.settlements(user=request.user, status=status)]


@router.get("/ltc-settlements/{settlement_id}", response=LtcSettlementOut)
def get_settlement(request: HttpRequest, settlement_id: int):
    if not request.user.has_perm("ltc.view_ltcsettlement"):
        raise PermissionDenied
    return _out(selectors.settlement_get(user=request.user, settlement_id=settlement_id))


LtcApplicationFilterIn = lists.filter_schema(filters.LtcApplicationFilterSet, "LtcApplicationFilterIn")


class LtcApplicationOut(Schema):
    id: int
    elder: int
    name: str
    region: str
    applicant: str
    setting: str
    status: str
    status_label: str
    care_level: int | None
    valid_until: str | None


@router.get("/ltc-applications", response=list[LtcApplicationOut])
@paginate(lists.KeysetPagination)
def list_applications(request: HttpRequest, params: Query[LtcApplicationFilterIn]):  # type: ignore[valid-type]
    """Claims in scope, newest first, by keyset: follow ``next``."""
    return lists.Listed(
        selectors.application_filterset(user=request.user, params=lists.schema_params(params)),
        out=lambda a: {
            "id": a.pk,
            "elder": a.elder_id,
            "name": a.elder.name,
            "region": a.region_id,
            "applicant": a.applicant,
            "setting": a.setting,
            "status": a.status,
            "status_label": a.get_status_display(),
            "care_level": a.care_level,
            "valid_until": a.valid_until.isoformat() if a.valid_until else None,
        },
    )
