"""Panels on a person's page that later modules contribute (assessments, benefits, orders, alarms …).

A module registers a URL name taking the elder's ``pk`` and the permission that shows it; the person page
loads each panel after itself (htmx), so people knows nothing of the modules above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ElderPanel:
    url_name: str
    permission: str


PANELS: list[ElderPanel] = []


def register(panel: ElderPanel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


def urls_for(user, elder_pk: int) -> list[str]:
    return [reverse(p.url_name, kwargs={"pk": elder_pk}) for p in PANELS if user.has_perm(p.permission)]
