"""The public elderly-care map (养老地图): no login, public facilities only, data from the public API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yanglao.facilities.choices import BedType, FacilityKind


def public_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "facilities/public_map.html",
        {
            "kinds": FacilityKind.choices,
            "bed_types": dict(BedType.choices),
            "tile_url": settings.MAP_TILE_URL,
        },
    )
