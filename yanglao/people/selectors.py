"""Reads of the registry, always scoped: lists with search and filters, keyset pages, group counts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yanglao.core.crypto import blind_index
from yanglao.core.models import Region, User
from yanglao.core.scoping import code_range_q
from yanglao.people import groups, identity
from yanglao.people.choices import ElderStatus, TransferStatus
from yanglao.people.models import Elder, ElderTransfer, EmergencyContact, LifeEvent


@dataclass(frozen=True)
class ElderFilter:
    """One filter for the page, the API and the export."""

    q: str = ""
    region: str = ""
    group: tuple[str, ...] = field(default_factory=tuple)
    age_band: str = ""
    status: str = ElderStatus.ACTIVE
    living_arrangement: str = ""
    economic_status: str = ""
    ability: str = ""  # "none" 未评估, "expired" 已过期, or a level "0"…"4" still valid


ABILITY_CHOICES = [
    ("none", "未评估"),
    ("expired", "评估已过期"),
    ("0", "能力完好"),
    ("1", "轻度失能"),
    ("2", "中度失能"),
    ("3", "重度失能"),
    ("4", "完全失能"),
]


def ability_q(value: str, today: dt.date) -> Q:
    """The ability filter: a level counts only while its assessment is valid (GB/T 42195 levels 0–4)."""
    if value == "none":
        return Q(ability_level__isnull=True)
    if value == "expired":  # assessed, but the level no longer counts (groups.ability_current)
        return Q(ability_level__isnull=False) & ~Q(**groups.ability_current_lookups(today))
    if value.isdigit():
        return Q(ability_level=int(value)) & (
            Q(ability_valid_until__isnull=True) | Q(ability_valid_until__gte=today)
        )
    return Q()


def region_filter_code(user: User, text: str) -> str | None:
    """The region filter as users type it: a 12-digit code, or a street or community name in their scope."""
    text = (text or "").strip()
    if not text or re.fullmatch(r"\d{6,12}", text):
        return text
    match = (
        Region.objects.filter(code_range_q(user), name=text)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return match


def search_q(text: str) -> Q:
    """What the search box means, decided by the shape of the text (never a full scan for IDs or phones).

    18/15-digit ID → its blind index; mobile or landline → the phone's blind index; 4 characters of digits
    or X → the last four ID characters; Latin letters → pinyin initials or full pinyin prefix; else name prefix.
    """
    text = identity.to_half_width(text).strip().replace(" ", "")
    if not text:
        return Q()
    upper = text.upper()
    if re.fullmatch(r"\d{17}[\dX]|\d{15}", upper):
        try:
            number = identity.normalise_id(upper, today=timezone.localdate())
        except identity.IdentityError:
            return Q(pk__in=[])
        return Q(id_hash=blind_index(number))
    if re.fullmatch(r"\d{3}[\dX]", upper):
        return Q(id_last4=upper)
    if re.fullmatch(r"[\d\-]{7,16}", text):
        try:
            return Q(phone_hash=blind_index(identity.normalise_phone(text)))
        except identity.IdentityError:
            return Q(pk__in=[])
    if text.isascii() and text.isalpha():
        lower = text.lower()
        return Q(name_initials__startswith=lower) | Q(name_pinyin__startswith=lower)
    return Q(name__startswith=text)


def elder_list(*, user: User, filters: ElderFilter | None = None, today: dt.date | None = None):
    filters = filters or ElderFilter()
    today = today or timezone.localdate()
    qs = Elder.objects.for_user(user).select_related("region")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(search_q(filters.q))
    if filters.region:
        code = region_filter_code(user, filters.region)
        qs = qs.in_region(code) if code else qs.none()
    if filters.ability:
        qs = qs.filter(ability_q(filters.ability, today))
    for code in filters.group:
        if code in groups.BY_CODE:
            qs = qs.filter(**groups.BY_CODE[code].lookups(today))
    if filters.age_band in groups.AGE_BANDS:
        qs = qs.filter(**groups.age_band_lookups(filters.age_band, today))
    if filters.living_arrangement:
        qs = qs.filter(living_arrangement=filters.living_arrangement)
    if filters.economic_status:
        qs = qs.filter(economic_status=filters.economic_status)
    if filters.q and is_prefix_search(filters.q) and not is_dense_search(filters.q):
        # Same order, written so PostgreSQL cannot walk the (region, id) index and filter a million rows
        # for a prefix that matches late in the district: it takes the name indexes and sorts the matches.
        return qs.order_by(Cast("region", output_field=TextField()), "pk")
    return qs.order_by("region", "pk")


def is_dense_search(text: str) -> bool:
    """One letter or one character (a surname) matches a large share of everyone: walking the (region, id)
    index and filtering finds a page at once, while sorting every match (the sparse plan) takes 100+ ms."""
    return len(identity.to_half_width(text).strip().replace(" ", "")) <= 1


def elder_person_search(*, user: User, query: str):
    """The people in scope a free-text person filter means: an elder's number, an ID number, a phone,
    the last four ID characters or a name (any status)."""
    text = query.strip()
    qs = Elder.objects.for_user(user)
    condition = search_q(text) if text else Q(pk__in=[])
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


def is_prefix_search(text: str) -> bool:
    """Name or pinyin searches (as opposed to ID numbers, last four characters and phones)."""
    text = identity.to_half_width(text).strip().replace(" ", "")
    return not re.fullmatch(r"[\dXx\-]+", text)


def encode_cursor(elder: Elder) -> str:
    return f"{elder.region_id}.{elder.pk}"


def elder_page(*, user: User, filters: ElderFilter | None = None, after: str = "", limit: int = 50):
    """One keyset page in (community, id) order and the cursor of the next page; no OFFSET at any depth."""
    qs = elder_list(user=user, filters=filters)
    if after:
        match = re.fullmatch(r"(\d{12})\.(\d+)", after)
        if match:
            region, pk = match.group(1), int(match.group(2))
            # region >= X is the index range start; the OR only trims the rest of community X.
            qs = qs.filter(Q(region__gte=region), Q(region__gt=region) | Q(pk__gt=pk))
    items = list(qs[: limit + 1])
    next_cursor = encode_cursor(items[limit - 1]) if len(items) > limit else None
    return items[:limit], next_cursor


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
    qs = elder_list(user=user, filters=ElderFilter(region=region), today=today).order_by()
    aggregates = {g.code: Count("pk", filter=Q(**g.lookups(today))) for g in groups.GROUPS}
    row = qs.aggregate(total=Count("pk"), **aggregates)
    return GroupCounts(total=row.pop("total"), by_group=row)


def transfer_lists(*, user: User, limit: int = 200):
    """Transfers waiting for this user's streets (incoming) and those they started (outgoing, recent first)."""
    qs = ElderTransfer.objects.for_user(user).select_related(
        "elder", "from_region", "to_region", "requested_by"
    )
    incoming = list(
        qs.filter(code_range_q(user, "to_region"), status=TransferStatus.PENDING).order_by("requested_at")[
            :limit
        ]
    )
    outgoing = list(qs.filter(code_range_q(user, "from_region")).order_by("-requested_at")[:limit])
    return incoming, outgoing
