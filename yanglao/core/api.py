"""core's API: regions, organisations, the current user. Thin: schema in, one service or selector, out."""

# No "from __future__ import annotations": ninja reads the paginated view's annotations through its wrapper.

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from yanglao.core import lists, selectors, services
from yanglao.core.filters import OrganisationFilterSet
from yanglao.core.schemas import (
    MeOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    RegionChildOut,
    RegionOut,
)

router = Router(tags=["基础数据"])
public_router = Router(tags=["公众服务"])


@public_router.get("/boundaries", auth=None)
def get_boundaries(
    request: HttpRequest, parent: str, depth: Literal["self", "children", "villages"] = "children"
):
    """Region outlines as GeoJSON (public reference data, no counts)."""
    return selectors.region_boundaries(code=parent, depth=depth)


@router.get("/me", response=MeOut)
def get_me(request: HttpRequest):
    user = request.user
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        organisation_id=user.organisation_id,
        region_codes=[lo for lo, _ in user.scope_ranges()],
    )


@router.get("/regions/{code}", response=RegionOut)
def get_region(request: HttpRequest, code: str):
    return selectors.region_get(user=request.user, code=code)


@router.get("/regions/{code}/children", response=list[RegionChildOut])
def list_region_children(request: HttpRequest, code: str):
    region = selectors.region_get(user=request.user, code=code)
    rows = selectors.region_children_with_counts(user=request.user, region=region)
    return [
        {**RegionOut.from_orm(r.region).dict(), "children": r.children, "organisations": r.organisations}
        for r in rows
    ]


OrganisationFilterIn = lists.filter_schema(OrganisationFilterSet, "OrganisationFilterIn")


@router.get("/organisations", response=list[OrganisationOut])
@paginate(lists.KeysetPagination)
def list_organisations(request: HttpRequest, params: Query[OrganisationFilterIn]):  # type: ignore[valid-type]
    return lists.Listed(OrganisationFilterSet(lists.schema_params(params), user=request.user))


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: int):
    return selectors.organisation_get(user=request.user, organisation_id=organisation_id)


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request: HttpRequest, payload: OrganisationIn):
    return Status(201, services.organisation_create(actor=request.user, **payload.dict()))


@router.patch("/organisations/{organisation_id}", response=OrganisationOut)
def update_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationPatch):
    selectors.organisation_get(user=request.user, organisation_id=organisation_id, action="change")
    return services.organisation_update(
        actor=request.user, organisation_id=organisation_id, **payload.dict(exclude_unset=True)
    )
