"""Reads of the registry, always scoped: lists with search and filters, keyset pages, group counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yanglao.core import lists
from yanglao.core.models import User
from yanglao.people import filters, groups, identity
from yanglao.people.models import Elder, EmergencyContact, FamilyInvitation, FamilyLink, LifeEvent


def elder_filterset(*, user: User, params=None, today: dt.date | None = None) -> filters.ElderFilterSet:
    return filters.ElderFilterSet(params, user=user, today=today)


def elder_list(*, user: User, params=None, today: dt.date | None = None):
    """The people in scope that ``params`` (the page's query string, the API's or an export's) select."""
    return elder_filterset(user=user, params=params, today=today).qs


def elder_page(*, user: User, params=None, after: str = "", limit: int = 50) -> lists.Page:
    """One keyset page in (community, id) order and the cursor of the next page; no OFFSET at any depth."""
    fs = elder_filterset(user=user, params=params)
    return lists.keyset_page(fs.qs, fs.current_keyset(), after=after, limit=limit)


def elder_person_search(*, user: User, query: str):
    """The people in scope a free-text person filter means: an elder's number, an ID number, a phone,
    the last four ID characters or a name (any status)."""
    text = query.strip()
    qs = Elder.objects.for_user(user)
    condition = filters.search_q(text) if text else Q(pk__in=[])
    if text.isdigit() and len(text) <= 12:
        condition |= Q(pk=int(text))
    return qs.filter(condition).values("pk")


def elder_audit_targets(*, user: User, query: str):
    """For the audit page's person filter (core.audit): a person's own record and what hangs off it."""
    elders = elder_person_search(user=user, query=query)
    return [
        (Elder, elders),
        (EmergencyContact, EmergencyContact.objects.filter(elder__in=elders).values("pk")),
        (LifeEvent, LifeEvent.objects.for_user(user).filter(elder__in=elders).values("pk")),
    ]


def may_reveal(user: User) -> bool:
    """Whether ``user`` sees personal data in clear on request (and so birth dates without asking)."""
    return user.has_perm("people.reveal_elder")


def elder_get(*, user: User, elder_id: int) -> Elder:
    return get_object_or_404(Elder.objects.for_user(user).select_related("region", "household"), pk=elder_id)


def elder_events(*, user: User, elder: Elder):
    return (
        LifeEvent.objects.for_user(user)
        .filter(elder=elder)
        .select_related("from_region", "to_region")
        .order_by("-date", "-pk")
    )


def elder_groups(elder: Elder, today: dt.date | None = None) -> list[groups.Group]:
    return groups.groups_of(elder.as_record(), today or timezone.localdate())


def elder_age(elder: Elder, today: dt.date | None = None) -> int:
    return identity.age_on(elder.birth_date, today or timezone.localdate())


@dataclass(frozen=True)
class GroupCounts:
    total: int
    by_group: dict[str, int]


COUNTS_TTL = 300  # seconds: a scope-wide count over a million rows is not worth repeating per click


def elder_group_counts(
    *, user: User, region: str = "", today: dt.date | None = None, fresh: bool = False
) -> GroupCounts:
    """Active people and each special group in the user's scope (or a region inside it), in one query.

    Cached for a few minutes per scope and region: the tiles are an overview, not a ledger.
    """
    today = today or timezone.localdate()
    scope = "all" if user.is_superuser else ",".join(f"{lo}-{hi}" for lo, hi in user.scope_ranges())
    key = f"people:counts:{scope}:{region}:{today.isoformat()}"
    cached = None if fresh else cache.get(key)
    if cached is not None:
        return cached
    counts = _group_counts(user=user, region=region, today=today)
    cache.set(key, counts, COUNTS_TTL)
    return counts


def _group_counts(*, user: User, region: str, today: dt.date) -> GroupCounts:
    qs = elder_list(user=user, params={"region": region}, today=today).order_by()
    aggregates = {g.code: Count("pk", filter=Q(**g.lookups(today))) for g in groups.GROUPS}
    row = qs.aggregate(total=Count("pk"), **aggregates)
    return GroupCounts(total=row.pop("total"), by_group=row)


def transfer_filterset(*, user: User, params=None) -> filters.TransferFilterSet:
    """Transfers in scope, newest first, by keyset (the page's two lists and /api/v1/transfers)."""
    return filters.TransferFilterSet(params, user=user)


def family_user_ids(*, elder_id: int) -> list[int]:
    """The family accounts linked to a person, for notices about that person's services (a system read: the
    notice goes to them whoever triggered it)."""
    return list(
        FamilyLink.objects.unscoped(reason="notify a person's linked family")
        .filter(elder_id=elder_id, active=True)
        .values_list("user_id", flat=True)
    )


def family_links(*, user: User, elder: Elder):
    """The person's family links the user may see (active first), with the accounts."""
    return (
        FamilyLink.objects.for_user(user)
        .filter(elder=elder)
        .select_related("user")
        .order_by("-active", "-created_at")
    )


def family_invitations_open(*, user: User, elder: Elder):
    """The person's codes still waiting to be redeemed (the codes themselves are never shown again)."""
    return FamilyInvitation.objects.for_user(user).filter(
        elder=elder, used_at__isnull=True, expires_at__gt=timezone.now()
    )


def family_people(*, user: User):
    """The people a family account is linked to (its own links, active), nearest relation first."""
    return (
        Elder.objects.for_user(user)
        .filter(family_links__user=user, family_links__active=True)
        .select_related("region")
        .order_by("pk")
        .distinct()
    )
