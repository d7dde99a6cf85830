"""The registry's API: /api/v1/elders list (search, filters, keyset), detail, create, update. Thin."""

# No "from __future__ import annotations": ninja reads the paginated view's annotations through its wrapper.

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from yanglao.core import lists
from yanglao.people import filters, selectors, services
from yanglao.people.schemas import (
    ElderDetailOut,
    ElderIn,
    ElderOut,
    ElderPatch,
    TransferDecisionIn,
    TransferIn,
    TransferOut,
)

router = Router(tags=["老年人信息库"])


def _out(elder, detail: bool = False) -> dict:
    """Masked for everyone: no birth date (it is the ID number's hidden middle; decisions "Masking")."""
    return {
        "ability": elder.ability_state,
        **{
            f: getattr(elder, f)
            for f in (
                "id",
                "name",
                "gender",
                "region_code",
                "living_arrangement",
                "economic_status",
                "status",
            )
        },
        "id_number": elder.id_masked,
        "phone": elder.phone_masked,
        "region_name": elder.region.name,
        "age": selectors.elder_age(elder),
        "groups": [g.code for g in selectors.elder_groups(elder)],
        **(
            {
                f: getattr(elder, f)
                for f in (
                    "ethnicity",
                    "family_planning_special",
                    "disability_category",
                    "disability_grade",
                    "medical_insurance",
                    "family_doctor_signed",
                    "local_hukou",
                    "chronic_conditions",
                    "death_date",
                )
            }
            if detail
            else {}
        ),
        **({"contacts": list(elder.contacts.all())} if detail else {}),
    }


ElderFilterIn = lists.filter_schema(filters.ElderFilterSet, "ElderFilterIn")


@router.get("/elders", response=list[ElderOut])
@paginate(lists.KeysetPagination)
def list_elders(request: HttpRequest, params: Query[ElderFilterIn]):  # type: ignore[valid-type]
    """The registry list with the page's filters, in (community, id) order, by keyset."""
    return lists.Listed(
        selectors.elder_filterset(user=request.user, params=lists.schema_params(params)), out=_out
    )


@router.get("/elders/{elder_id}", response=ElderDetailOut)
def get_elder(request: HttpRequest, elder_id: int):
    return _out(selectors.elder_get(user=request.user, elder_id=elder_id), detail=True)


@router.post("/elders", response={201: ElderDetailOut})
def create_elder(request: HttpRequest, payload: ElderIn):
    elder = services.elder_create(actor=request.user, data=payload, source="api")
    return Status(201, _out(selectors.elder_get(user=request.user, elder_id=elder.pk), detail=True))


@router.patch("/elders/{elder_id}", response=ElderDetailOut)
def update_elder(request: HttpRequest, elder_id: int, payload: ElderPatch):
    selectors.elder_get(user=request.user, elder_id=elder_id)
    services.elder_update(actor=request.user, elder_id=elder_id, patch=payload)
    return _out(selectors.elder_get(user=request.user, elder_id=elder_id), detail=True)


def _transfer_out(t) -> dict:
    return {
        "id": t.pk,
        "elder_id": t.elder_id,
        "elder_name": t.elder.name,
        "from_region_code": t.from_region_id,
        "to_region_code": t.to_region_id,
        "date": t.date,
        "status": t.status,
        "decision_note": t.decision_note,
    }


TransferFilterIn = lists.filter_schema(filters.TransferFilterSet, "TransferFilterIn")


@router.get("/transfers", response=list[TransferOut])
@paginate(lists.KeysetPagination)
def list_transfers(request: HttpRequest, params: Query[TransferFilterIn]):  # type: ignore[valid-type]
    """Transfers in scope, newest first, by keyset: follow ``next`` to the end.
    ``direction=incoming&status=pending`` is what your streets have to decide."""
    fs = selectors.transfer_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_transfer_out)


@router.post("/elders/{elder_id}/transfers", response={201: TransferOut})
def create_transfer(request: HttpRequest, elder_id: int, payload: TransferIn):
    transfer = services.elder_transfer_request(
        actor=request.user,
        elder_id=elder_id,
        region_code=payload.region_code,
        date=payload.date,
        address=payload.address or None,
        note=payload.note,
    )
    return Status(201, _transfer_out(transfer))


@router.post("/transfers/{transfer_id}/accept", response=TransferOut)
def accept_transfer(request: HttpRequest, transfer_id: int, payload: TransferDecisionIn):
    return _transfer_out(
        services.elder_transfer_accept(actor=request.user, transfer_id=transfer_id, note=payload.note)
    )


@router.post("/transfers/{transfer_id}/reject", response=TransferOut)
def reject_transfer(request: HttpRequest, transfer_id: int, payload: TransferDecisionIn):
    return _transfer_out(
        services.elder_transfer_reject(actor=request.user, transfer_id=transfer_id, note=payload.note)
    )


@router.post("/transfers/{transfer_id}/cancel", response=TransferOut)
def cancel_transfer(request: HttpRequest, transfer_id: int):
    return _transfer_out(services.elder_transfer_cancel(actor=request.user, transfer_id=transfer_id))
