"""Lists: one filter definition per model feeds the page, the API and the export; pages by keyset.

A module declares a ``ScopedFilterSet`` (django-filter) for each list: its filters, the keyset order and the
defaults a bare URL means. The page builds it from ``request.GET``, the API from the query string through
``filter_schema`` (so the OpenAPI document lists the same filters), and the export from the parameters it was
started with; all three read the same ``.qs``. ``keyset_page`` cuts a page after a cursor without OFFSET or
COUNT, so page 1,000 costs what page 1 does, and ``KeysetPagination`` is the one ninja pagination class.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import django_filters  # type: ignore[import-untyped]
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import create_model

from yanglao.core import masking
from yanglao.core.errors import DomainError

PAGE_SIZE = 50
MAX_LIMIT = 500


class InvalidFilter(DomainError):
    code = "core.invalid_filter"
    message = "筛选条件无效"


class InvalidCursor(DomainError):
    code = "core.invalid_cursor"
    message = "翻页位置无效，请从第一页重新查看"


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet over the rows ``user`` may see, in a keyset order.

    ``keyset`` names the fields that order the list and identify a row's place in it (the last is unique,
    usually ``pk``; a leading ``-`` means descending). ``defaults`` are what a bare URL means (the registry
    shows the living unless asked otherwise). ``masked`` fields are masked in audit entries (a search box may
    hold an ID number).
    """

    keyset: ClassVar[tuple[str, ...]] = ("pk",)
    defaults: ClassVar[dict[str, str]] = {}
    masked: ClassVar[tuple[str, ...]] = ("q",)

    def __init__(
        self, data: QueryDict | dict | None = None, *, user: Any, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        self.user = user
        self.today = today or timezone.localdate()  # date-relative filters (ages, expiry) read this
        merged = QueryDict(mutable=True)
        if data is not None:
            for key in data:
                values = data.getlist(key) if isinstance(data, QueryDict) else _as_list(data[key])
                merged.setlist(key, values)
        for key, value in self.defaults.items():
            if key not in merged:
                merged[key] = value
        super().__init__(merged, queryset=self.base_queryset(user), **kwargs)

    def base_queryset(self, user: Any) -> QuerySet:
        return self._meta.model.objects.for_user(user)

    def ordered(self, qs: QuerySet) -> QuerySet:
        """The keyset order; a filter set may write the same order differently for the planner."""
        return qs.order_by(*self.current_keyset())

    def current_keyset(self) -> tuple[str, ...]:
        """The declared ``keyset``, or the one a ``SortFilter`` choice names (validated by the form)."""
        sort = self.filters.get("sort")
        if isinstance(sort, SortFilter) and self.is_bound and self.form.is_valid():
            chosen = self.form.cleaned_data.get("sort")
            if chosen in sort.orderings:
                return sort.orderings[chosen][1]
        return self.keyset

    @property
    def qs(self) -> QuerySet:
        if not hasattr(self, "_ordered_qs"):
            self._ordered_qs = self.ordered(super().qs)
        return self._ordered_qs

    def check(self) -> None:
        """For the API: refuse a filter it cannot read, naming the field, instead of ignoring it."""
        if self.is_bound and not self.form.is_valid():
            fields = {
                name: "；".join(str(m) for m in messages) for name, messages in self.form.errors.items()
            }
            raise InvalidFilter(fields=fields)

    def describe(self) -> dict[str, Any]:
        """The filter as an audit entry may keep it: only what was set, search text masked."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        kept: dict[str, Any] = {}
        for name, value in data.items():
            if value in ("", None, [], ()):
                continue
            if isinstance(value, list | tuple):
                value = [str(v) for v in value]
            elif not isinstance(value, int | bool):
                value = str(value)
            kept[name] = masking.mask_search_text(value) if name in self.masked else value
        return kept


class SortFilter(django_filters.ChoiceFilter):
    """A list's order, chosen among those its filter set declares cheap — an index serves the keyset, or the
    table is small (facilities, organisations): ``{"name": ("按名称", ("name", "pk"))}``. An order on a
    computed column of a million rows would sort them all for every page, so it is not offered."""

    def __init__(self, orderings: dict[str, tuple[str, tuple[str, ...]]], **kwargs: Any) -> None:
        self.orderings = orderings
        choices = [(key, label) for key, (label, _keyset) in orderings.items()]
        super().__init__(label="排序", choices=choices, empty_label=None, method=self._keep, **kwargs)

    @staticmethod
    def _keep(qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs  # the order is the filter set's keyset (current_keyset), not a filter


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


# ---------------------------------------------------------------- keyset pages


@dataclass(frozen=True)
class Page:
    rows: list
    next: str  # the cursor of the next page; empty on the last page


def _concrete_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} cannot order a keyset")
    return field


def _keyset_fields(model: type[models.Model], keyset: tuple[str, ...]) -> list[tuple[str, str, bool]]:
    """(lookup name, attribute to read, descending) for each keyset field."""
    out = []
    for name in keyset:
        desc, bare = name.startswith("-"), name.lstrip("-")
        out.append((bare, _concrete_field(model, bare).attname, desc))
    return out


def encode_cursor(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(model: type[models.Model], keyset: tuple[str, ...], cursor: str) -> list:
    """The values a cursor carries, typed by the keyset's fields; ``InvalidCursor`` for anything else."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        fields = _keyset_fields(model, keyset)
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise ValueError
        values = []
        for (name, _attname, _desc), value in zip(fields, raw, strict=True):
            field = _concrete_field(model, name)
            target = field.target_field if isinstance(field, models.ForeignKey) else field
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ValueError
            typed = target.to_python(value)
            if typed is None:
                raise ValueError
            values.append(typed)
        return values
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, Exception) as exc:
        raise InvalidCursor from exc


def after_q(keyset_fields: list[tuple[str, str, bool]], values: list) -> Q:
    """Rows after the cursor in keyset order: (a > x) or (a = x and b > y) …, led by ``a >= x`` so the
    planner starts the index range at the cursor instead of filtering everything before it."""
    first, first_desc = keyset_fields[0][0], keyset_fields[0][2]
    condition = Q(pk__in=[])
    for i, (name, _attname, desc) in enumerate(keyset_fields):
        step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{keyset_fields[j][0]: values[j]})
        condition |= step
    return Q(**{f"{first}__{'lte' if first_desc else 'gte'}": values[0]}) & condition


def keyset_page(qs: QuerySet, keyset: tuple[str, ...], *, after: str = "", limit: int = PAGE_SIZE) -> Page:
    """One page after ``after`` (a cursor from a previous page) and the cursor of the next."""
    fields = _keyset_fields(qs.model, keyset)
    if after:
        qs = qs.filter(after_q(fields, decode_cursor(qs.model, keyset, after)))
    rows = list(qs[: limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    last = rows[-1] if rows else None
    cursor = encode_cursor([getattr(last, attname) for _n, attname, _d in fields]) if more and last else ""
    return Page(rows=rows, next=cursor)


def page_for(
    request: HttpRequest, filterset: ScopedFilterSet, *, limit: int = PAGE_SIZE, key: str = "after"
) -> Page:
    """A page view's page: a cursor that no longer reads (an edited URL) shows the first page. ``key`` names
    the cursor's parameter, so one page can show two lists each paged on its own."""
    try:
        keyset = filterset.current_keyset()
        return keyset_page(filterset.qs, keyset, after=request.GET.get(key, ""), limit=limit)
    except InvalidCursor:
        return keyset_page(filterset.qs, filterset.current_keyset(), limit=limit)


NOT_FILTERS = ("after", "format", "clear")  # paging and export keys: not part of what the filter selects


def page_context(request: HttpRequest, filterset: ScopedFilterSet, *, limit: int = PAGE_SIZE) -> dict:
    """What every list page hands its template: the filter form, the page, and the query strings for the
    next page, the first page and the export links (core/_list_footer.html, core/_export_bar.html)."""
    page = page_for(request, filterset, limit=limit)
    return {
        "form": filterset.form,
        "page": page,
        "next": page.next,
        "paged": bool(request.GET.get("after")),
        "next_query": query_without(request.GET, "after"),
        "export_query": query_without(request.GET, *NOT_FILTERS),
        "total": None,  # a view sets it where a count is cheap
    }


def fragment(request: HttpRequest, full: str, rows: str) -> str:
    """The template to render: the rows alone for an htmx request (the "more" button, a filter change),
    the whole page otherwise (a boosted navigation wants the page)."""
    htmx = getattr(request, "htmx", None)
    return rows if htmx and not htmx.boosted else full


def query_without(params: QueryDict, *names: str) -> str:
    """The current query string minus paging keys, for links that must carry the filter (exports, next)."""
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


# ---------------------------------------------------------------- the API side


@dataclass(frozen=True)
class Listed:
    """What a paginated API view returns: its filter set and how a row becomes the response item."""

    filterset: ScopedFilterSet
    out: Callable[[Any], Any] = lambda row: row
    out_rows: Callable[[list], list] | None = None  # a page at once (batch lookups such as vacancies)


class KeysetPagination(PaginationBase):
    """``?after=&limit=`` in, ``{"items": [...], "next": "..."}`` out; the view returns a ``Listed``."""

    class Input(Schema):
        after: str = Field("", description="the next cursor returned by the previous page")
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_LIMIT)

    class Output(Schema):
        items: list[Any]
        next: str = Field("", description="the cursor of the next page; empty on the last page")

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        listed = queryset if isinstance(queryset, Listed) else Listed(queryset)
        fs = listed.filterset
        fs.check()
        page = keyset_page(fs.qs, fs.current_keyset(), after=pagination.after, limit=pagination.limit)
        items = listed.out_rows(page.rows) if listed.out_rows else [listed.out(row) for row in page.rows]
        return {"items": items, "next": page.next}


_SCHEMA_TYPES: dict[type, Any] = {
    django_filters.MultipleChoiceFilter: (list[str], []),
    django_filters.BooleanFilter: (bool | None, None),
    django_filters.NumberFilter: (int | None, None),
    django_filters.DateFilter: (dt.date | None, None),
}


def filter_schema(filterset: type[ScopedFilterSet], name: str) -> type[Schema]:
    """The API's query schema from the filter set, so the API documents exactly the filters the page has."""
    fields: dict[str, Any] = {}
    for field_name, flt in filterset.base_filters.items():
        annotation, default = next((v for k, v in _SCHEMA_TYPES.items() if isinstance(flt, k)), (str, ""))
        if field_name in filterset.defaults:
            default = filterset.defaults[field_name]
        description = str(flt.label or "")
        choices = flt.extra.get("choices")
        if choices and not callable(choices):
            description += "：" + "，".join(f"{k}（{v}）" for k, v in choices if k != "")
        fields[field_name] = (annotation, Field(default, description=description))
    return create_model(name, __base__=Schema, **fields)


def schema_params(params: Schema) -> QueryDict:
    """The API's parsed query as the query string the filter set reads (the page's own form)."""
    data = QueryDict(mutable=True)
    for key, value in params.model_dump().items():
        if value is None:
            continue
        data.setlist(key, [_plain(v) for v in value] if isinstance(value, list) else [_plain(value)])
    return data


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else str(value)
