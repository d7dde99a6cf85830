"""The side navigation and the home-page panels by role: each shows only to users holding its permission.

Later modules append their entries with ``register`` and ``register_panel``; core's templates render
whatever the user may open without knowing the modules (core depends on nothing above it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from yanglao.core.models import User

    AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: every signed-in user
    visible: Callable[[Any], bool] | None = None  # instead of one permission (any of several, say)
    roles: tuple[str, ...] = ()  # only users of these roles (empty: any role the permission lets in)

    def shown_to(self, user: AnyUser) -> bool:
        if not for_role(self.roles, user):
            return False
        if self.visible is not None:
            return self.visible(user)
        return self.permission is None or user.has_perm(self.permission)


def _may_import(user: AnyUser) -> bool:
    from yanglao.core import importing

    return any(user.has_perm(importer.permission) for importer in importing.IMPORTERS.values())


# Roles whose navigation and home panels hold only the entries that name them (a family account's phone
# pages, say): the permissions such a role holds to read its own rows must not bring in the staff pages.
EXCLUSIVE_ROLES: set[str] = set()


def restrict_role(role: str) -> None:
    """Show ``role`` only the navigation items and home panels naming it in their ``roles``."""
    EXCLUSIVE_ROLES.add(role)


def for_role(roles: tuple[str, ...], user: AnyUser) -> bool:
    """An entry limited to ``roles`` (empty: any role) shows to ``user``; a restricted role needs to be named."""
    role = getattr(user, "role", "")
    if roles and role not in roles:
        return False
    return not (role in EXCLUSIVE_ROLES and role not in roles)


ITEMS: list[NavItem] = [
    NavItem("首页", "core:home"),
    NavItem("行政区划", "core:region_index", "core.view_region"),
    NavItem("组织机构", "core:organisation_list", "core.view_organisation"),
    NavItem("批量导入", "core:import_list", visible=_may_import),  # every module's importers
    NavItem("审计日志", "core:audit_list", "core.view_audit"),
    NavItem("API 令牌", "core:token_list"),
]


@dataclass(frozen=True)
class HomePanel:
    """A fragment the home page loads after itself (htmx), from another module's URL."""

    url_name: str
    permission: str
    roles: tuple[str, ...] = ()  # only users of these roles (see NavItem.roles)


PANELS: list[HomePanel] = []


def register_panel(panel: HomePanel, *, before: str | None = None) -> None:
    if panel in PANELS:
        return
    index = next((i for i, p in enumerate(PANELS) if p.url_name == before), len(PANELS))
    PANELS.insert(index, panel)


def panels_for(user: AnyUser) -> list[str]:
    return [reverse(p.url_name) for p in PANELS if user.has_perm(p.permission) and for_role(p.roles, user)]


def register(item: NavItem, *, before: str | None = None) -> None:
    if any(existing.url_name == item.url_name for existing in ITEMS):
        return
    index = next((i for i, it in enumerate(ITEMS) if it.url_name == before), len(ITEMS))
    ITEMS.insert(index, item)


def items_for(user: AnyUser) -> list[dict[str, str]]:
    if not user.is_authenticated:
        return []
    return [
        {"label": it.label, "url": reverse(it.url_name), "name": it.url_name}
        for it in ITEMS
        if it.shown_to(user)
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context processor."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {"nav_items": items_for(user), "nav_current": current}


@dataclass(frozen=True)
class RegionLink:
    """A list in another module that filters by region (``?region=<code>``): region pages link each row to it,
    so drilling down ends at the people (or facilities …) of a community, never at an empty page."""

    label: str
    url_name: str
    permission: str


REGION_LINKS: list[RegionLink] = []


def register_region_link(link: RegionLink) -> None:
    if link not in REGION_LINKS:
        REGION_LINKS.append(link)


def region_links_for(user: AnyUser) -> list[dict[str, str]]:
    return [
        {"label": link.label, "url": reverse(link.url_name)}
        for link in REGION_LINKS
        if user.has_perm(link.permission)
    ]
