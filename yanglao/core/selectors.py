"""Reads of core, always scoped to the asking user."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404

from yanglao.core import audit, divisions
from yanglao.core.models import Organisation, Region, User
from yanglao.core.scoping import code_range_q

# ---------------------------------------------------------------- regions


def region_roots(*, user: User) -> list[Region]:
    """The top regions a user may browse: their assignments (everything for system administrators)."""
    if user.is_superuser:
        return list(Region.objects.filter(parent__isnull=True))
    if not user.has_perm("core.view_region"):
        return []
    return list(user.regions.all().order_by("code"))


def region_get(*, user: User, code: str) -> Region:
    """A region inside the user's scope; anything else is the same 404."""
    if not user.has_perm("core.view_region") or not user.in_scope(code):
        raise Http404
    return get_object_or_404(Region, code=code)


class RegionNotFound(Exception):
    """Carries the Chinese message for a form: nothing matched, or several did (with their names)."""


def region_lookup(
    *, text: str, levels: tuple[str, ...] = ("township", "village"), within: str = ""
) -> Region:
    """A region by its 12-digit code or by its name as users type it (division names are public data).

    ``within`` narrows a name to one subtree (the user's district) when the same name exists elsewhere.
    """
    text = (text or "").strip()
    if not text:
        raise RegionNotFound("请填写区划名称或代码")
    if text.isdigit():
        try:
            code = divisions.validate(divisions.normalise(text))
        except divisions.DivisionCodeError as exc:
            raise RegionNotFound(str(exc)) from exc
        region = Region.objects.filter(code=code, level__in=levels).first()
        if region is None:
            raise RegionNotFound(f"区划代码 {code} 不存在或不是街道、社区级区划")
        return region
    qs = Region.objects.filter(name=text, level__in=levels)
    if within:
        lo, hi = divisions.subtree_range(within)
        local = qs.filter(code__gte=lo, code__lt=hi)
        qs = local if local.exists() else qs
    matches = list(qs.select_related("parent").order_by("code")[:6])
    if not matches:
        raise RegionNotFound(f"没有名为“{text}”的街道或社区，请检查名称或填写 12 位区划代码")
    if len(matches) > 1:
        names = "、".join(f"{m.parent.name if m.parent else ''}{m.name}（{m.code}）" for m in matches[:5])
        raise RegionNotFound(f"有多个名为“{text}”的区划：{names}，请填写区划代码")
    return matches[0]


def region_names_in_scope(
    *, user: User, levels: Sequence[str] = ("township", "village"), max_rows: int = 3000
) -> list[Region]:
    """Streets and communities a user may filter by, for a search box's suggestions."""
    condition = code_range_q(user)
    # Never the boundary: a committee's GeoJSON outline is kilobytes, and there are hundreds of them.
    return list(
        Region.objects.filter(condition, level__in=levels)
        .only("code", "name", "level")
        .order_by("code")[:max_rows]
    )


def region_boundaries(*, code: str, depth: str = "children") -> dict:
    """A GeoJSON FeatureCollection of a region's children (``depth="children"``) or of its residents'
    committees (``"villages"``), or of the region itself (``"self"``). Public reference data: outlines and
    names only."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    rows: Iterable[Region]
    if depth == "self":
        rows = [region]
    elif depth == "villages":
        low, high = region.subtree_range
        rows = Region.objects.filter(code__gte=low, code__lt=high, level=divisions.VILLAGE)
    else:
        rows = Region.objects.filter(parent=region)
    features = [
        {
            "type": "Feature",
            "properties": {"code": r.code, "name": r.name, "source": r.boundary_source},
            "geometry": r.boundary,
        }
        for r in rows
        if r.boundary
    ]
    return {"type": "FeatureCollection", "features": features}


def region_ancestors(region: Region) -> list[Region]:
    codes, code = [], region.parent_id
    while code:
        codes.append(code)
        code = divisions.parent_of(code)
    return list(Region.objects.filter(code__in=codes).order_by("code"))


@dataclass(frozen=True)
class RegionRow:
    region: Region
    children: int
    organisations: int


def region_children_with_counts(*, user: User, region: Region) -> list[RegionRow]:
    """Child regions with their number of sub-regions and of organisations the user may see (3 queries)."""
    children = list(Region.objects.filter(parent=region).annotate(n=Count("children")).order_by("code"))
    if not children:
        return []
    width = divisions.PREFIX_LENGTH[children[0].level]
    lo, hi = region.subtree_range
    counts = dict(
        organisation_list(user=user)
        .filter(region__gte=lo, region__lt=hi)
        .annotate(head=Substr("region", 1, width))
        .values_list("head")
        .annotate(n=Count("pk"))
        .values_list("head", "n")
        .order_by()
    )
    return [RegionRow(c, c.n, counts.get(c.code[:width], 0)) for c in children]


# ---------------------------------------------------------------- organisations


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    """Every organisation in scope, in list order (for choices; the list page filters through core.filters)."""
    return Organisation.objects.for_user(user).select_related("region").order_by("region", "name", "pk")


def organisation_get(*, user: User, organisation_id: int, action: str = "view") -> Organisation:
    return get_object_or_404(
        Organisation.objects.for_user(user, action=action).select_related("region"), pk=organisation_id
    )


def organisation_counts_by_kind(*, user: User) -> list[tuple[str, int]]:
    return list(organisation_list(user=user).order_by().values_list("kind").annotate(n=Count("pk")))


# ---------------------------------------------------------------- accounts


def user_scope_label(user: User) -> str:
    if user.is_superuser:
        return "全部区划"
    parts = [r.name for r in user.regions.all()]
    if user.organisation is not None:
        parts.append(user.organisation.name)
    return "、".join(parts) or "未分配范围"


# ---------------------------------------------------------------- audit


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""  # one of audit.ACTION_CHOICES' codes
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""
    person: str = ""  # an elder's number, ID number or name, found through the apps' person lookups


def _audit_action_q(code: str) -> Q:
    if code in audit.BATCH_ACTIONS:
        return Q(additional_data__batch=code)
    batch_or_reveal = Q(additional_data__has_key="batch") | Q(additional_data__has_key="reveal")
    return {
        "create": Q(action=LogEntry.Action.CREATE) & ~batch_or_reveal,
        "update": Q(action=LogEntry.Action.UPDATE),
        "delete": Q(action=LogEntry.Action.DELETE),
        "reveal": Q(action=LogEntry.Action.ACCESS, additional_data__has_key="reveal"),
    }.get(code, Q())


def _audit_person_q(user: User, query: str) -> Q:
    condition = Q(pk__in=[])
    for lookup in audit.PERSON_LOOKUPS:
        for model, pks in lookup(user=user, query=query):
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
    return condition


def audit_list(*, user: User, filters: AuditFilter | None = None) -> QuerySet[LogEntry]:
    """Audit entries by the accounts inside the viewer's scope (all of them for system administrators),
    newest first by id."""
    if not user.is_authenticated or not (user.is_superuser or user.has_perm("core.view_audit")):
        return LogEntry.objects.none()
    qs = LogEntry.objects.select_related("actor", "content_type")
    if not user.is_superuser:
        condition = Q(pk__in=[])
        for lo, hi in user.scope_ranges():
            condition |= Q(regions__code__gte=lo, regions__code__lt=hi)
        inside = User.objects.filter(condition)
        org_ids = Organisation.objects.for_user(user).values("pk")
        qs = qs.filter(Q(actor__in=inside.values("pk")) | Q(actor__organisation__in=org_ids))
    if filters:
        if filters.actor:
            qs = qs.filter(
                Q(actor__username__icontains=filters.actor) | Q(actor__full_name__icontains=filters.actor)
            )
        if filters.action:
            qs = qs.filter(_audit_action_q(filters.action))
        if filters.since:
            qs = qs.filter(timestamp__date__gte=filters.since)
        if filters.until:
            qs = qs.filter(timestamp__date__lte=filters.until)
        if filters.q:
            qs = qs.filter(object_repr__icontains=filters.q)
        if filters.person:
            qs = qs.filter(_audit_person_q(user, filters.person))
    return qs.order_by("-pk")


@dataclass(frozen=True)
class AuditPage:
    lines: list[audit.AuditLine]
    next_before: int | None  # the "下一页" cursor: entries with a smaller id


class _Chunks:
    """Entries newest first in a few growing keyset chunks (never COUNT, never OFFSET); stops after
    ``max_chunks`` queries so a long run of draft saves cannot make one page read the whole table."""

    def __init__(self, qs: QuerySet[LogEntry], first: int, max_chunks: int = 5) -> None:
        self.qs, self.first, self.max_chunks, self.truncated = qs, first, max_chunks, False

    def __iter__(self) -> Iterator[LogEntry]:
        last, size = None, self.first
        for _ in range(self.max_chunks):
            batch = list((self.qs.filter(pk__lt=last) if last else self.qs)[:size])
            yield from batch
            if len(batch) < size:
                return
            last, size = batch[-1].pk, size * 4
        self.truncated = True


def audit_page(
    *, user: User, filters: AuditFilter | None = None, before: int | None = None, limit: int = 50
) -> AuditPage:
    """One page of audit lines older than entry ``before`` (keyset on the id), draft saves grouped."""
    qs = audit_list(user=user, filters=filters)
    if before:
        qs = qs.filter(pk__lt=before)
    chunks = _Chunks(qs, first=limit + 2)
    collected = list(itertools.islice(audit.lines(chunks), limit + 1))
    shown = collected[:limit]
    more = len(collected) > limit or chunks.truncated
    return AuditPage(lines=shown, next_before=shown[-1].first_pk if more and shown else None)


# ---------------------------------------------------------------- home


@dataclass(frozen=True)
class HomeSummary:
    scope_label: str
    roots: list[Region]
    children: list[RegionRow]
    by_kind: list[tuple[str, int]]
    organisations: int
    organisation: Organisation | None


def home_summary(*, user: User) -> HomeSummary:
    """What a user's home page shows about their own scope."""
    roots = region_roots(user=user)
    children = region_children_with_counts(user=user, region=roots[0]) if len(roots) == 1 else []
    by_kind = organisation_counts_by_kind(user=user) if user.has_perm("core.view_organisation") else []
    organisation = None
    if user.organisation_id:
        organisation = Organisation.objects.for_user(user).filter(pk=user.organisation_id).first()
    return HomeSummary(
        scope_label=user_scope_label(user),
        roots=roots,
        children=children,
        by_kind=by_kind,
        organisations=sum(n for _, n in by_kind),
        organisation=organisation,
    )


def regions_for_choice(*, user: User, max_rows: int = 2000) -> list[Region]:
    """Regions a user may file records under, county level and below, for a form's select."""
    condition = code_range_q(user)
    return list(
        Region.objects.filter(condition)
        .exclude(level__in=["province", "city"])
        .only("code", "name", "level", "parent_id")
        .order_by("code")[:max_rows]
    )
