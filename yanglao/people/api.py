"""The registry's API: /api/v1/elders list (search, filters, keyset), detail, create, update. Thin."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from yanglao.people import selectors, services
from yanglao.people.schemas import ElderDetailOut, ElderFilterIn, ElderIn, ElderPageOut, ElderPatch

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
                    "chronic_conditions",
                    "death_date",
                )
            }
            if detail
            else {}
        ),
        **({"contacts": list(elder.contacts.all())} if detail else {}),
    }


def _filter(params: ElderFilterIn) -> selectors.ElderFilter:
    return selectors.ElderFilter(
        q=params.q,
        region=params.region,
        group=tuple(params.group),
        age_band=params.age_band,
        status=params.status,
        living_arrangement=params.living_arrangement,
        economic_status=params.economic_status,
    )


@router.get("/elders", response=ElderPageOut)
def list_elders(request: HttpRequest, filters: Query[ElderFilterIn]):
    items, next_cursor = selectors.elder_page(
        user=request.user, filters=_filter(filters), after=filters.after, limit=filters.limit
    )
    return {"items": [_out(e) for e in items], "next": next_cursor}


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
