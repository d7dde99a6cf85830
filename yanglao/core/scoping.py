"""The one way to read region-bound rows: ``Model.objects.for_user(user)``. Fails closed.

A scoped model declares which field carries its 12-digit region code (``scope_region_field``) and, when
providers own rows, which field points at the owning organisation (``scope_organisation_field``), and,
when families may see rows, which field points at the person (``scope_elder_field``; ``"self"`` for the
person's own row).
Government users see the code ranges of their assigned regions; provider users see their organisation's
rows; anonymous users, inactive users and users without the model's permission see nothing. A queryset
that went through neither ``for_user`` nor ``unscoped(reason=...)`` refuses to fetch rows, so a forgotten
scope is an exception in tests, not a leak in production (NetBox ``restrict()``, django-scopes).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q
from django.http import Http404

from yanglao.core import divisions
from yanglao.core.choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from yanglao.core.models import User

log = logging.getLogger(__name__)


class UnscopedQueryError(RuntimeError):
    pass


def region_fields(model: type[models.Model]) -> tuple[str, ...]:
    """A row may belong to several regions at once (a transfer: the sending and the receiving community)."""
    field = getattr(model, "scope_region_field", None)
    if not field:
        return ()
    return tuple(field) if isinstance(field, tuple | list) else (field,)


class ScopeViolation(Http404):
    """A write left its object outside the actor's scope; raised inside the write's transaction, so the write
    is rolled back, and answered like any row the actor cannot see (404)."""


def ensure_in_scope(obj: models.Model, user: User, action: str = "view") -> None:
    """NetBox's check after a write: the saved row must still be one ``user`` may ``action``.

    Called by services at the end of their transaction, so a write that moved a row out of the actor's
    reach (a forged region, another organisation) is rolled back instead of committed behind a 404.
    """
    rows = type(obj)._default_manager.all()
    if not isinstance(rows, RegionScopedQuerySet):
        raise TypeError(f"{obj._meta.label} is not region-scoped")
    if not rows.for_user(user, action=action).filter(pk=obj.pk).exists():
        log.warning("scope violation: %s %s left %s's %s scope", obj._meta.label, obj.pk, user, action)
        raise ScopeViolation(f"{obj._meta.label} {obj.pk} is outside the actor's scope after the write")


def code_range_q(user: User, field: str = "code") -> Q:
    """``field`` (a 12-digit code column) lies in one of ``user``'s region ranges; everything for system
    administrators, nothing for users without regions. For tables that are not scoped models (regions) and
    for one end of a row scoped by several fields (a transfer's receiving side)."""
    if user.is_superuser:
        return Q()
    condition = Q(pk__in=[])
    for lo, hi in user.scope_ranges():
        condition |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
    return condition


def user_scope_q(model: type[models.Model], user: User) -> Q:
    """The filter for what ``user`` may see of ``model``; matches nothing when no rule applies."""
    condition = Q(pk__in=[])
    for region_field in region_fields(model):
        for lo, hi in user.scope_ranges():
            condition |= Q(**{f"{region_field}__gte": lo, f"{region_field}__lt": hi})
    org_field = getattr(model, "scope_organisation_field", None)
    if org_field and user.organisation_id:
        condition |= Q(**{org_field: user.organisation_id})
    elder_field = getattr(model, "scope_elder_field", None)
    if elder_field and user.role == Role.FAMILY:
        # A family account reaches the people linked to it (people.FamilyLink), and their rows.
        prefix = "" if elder_field == "self" else f"{elder_field}__"
        condition |= Q(**{f"{prefix}family_links__user_id": user.pk, f"{prefix}family_links__active": True})
    return condition


class RegionScopedQuerySet(models.QuerySet):
    _scope: str | None = None

    def _clone(self) -> Self:
        # QuerySet._clone is the private hook every chained call goes through; the stubs leave it out.
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._scope = self._scope
        return clone

    def for_user(self, user: User | AnonymousUser | None, action: str = "view") -> RegionScopedQuerySet:
        qs = self.all()  # what _chain() gives, under a typed name
        qs._scope = f"user:{getattr(user, 'pk', None)}:{action}"
        if user is None or not user.is_authenticated or not user.is_active:
            return qs.none()
        if user.is_superuser:
            return qs
        opts = self.model._meta
        if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return qs.none()
        return qs.filter(user_scope_q(self.model, user))

    def unscoped(self, *, reason: str) -> RegionScopedQuerySet:
        """Background and system code that must see everything says why; the reason is logged."""
        if not reason or not reason.strip():
            raise ValueError("unscoped() needs a reason")
        log.debug("unscoped query on %s: %s", self.model._meta.label, reason)
        qs = self.all()  # what _chain() gives, under a typed name
        qs._scope = f"unscoped:{reason}"
        return qs

    def in_region(self, code: str) -> RegionScopedQuerySet:
        """Narrow to one region's subtree (a code range); a malformed code matches nothing."""
        try:
            lo, hi = divisions.subtree_range(divisions.normalise(code))
        except divisions.DivisionCodeError:
            return self.none()
        condition = Q(pk__in=[])
        for field in region_fields(self.model):
            condition |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
        return self.filter(condition)

    @property
    def is_scoped(self) -> bool:
        return self._scope is not None

    def _require_scope(self) -> None:
        if self._scope is None:
            raise UnscopedQueryError(
                f"{self.model._meta.label}: call .for_user(user) or .unscoped(reason=...) before reading rows"
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        self._require_scope()
        return super().count()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def in_bulk(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
        self._require_scope()
        return super().in_bulk(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        return super().delete()


class ScopedModel(models.Model):
    """Base for every region-bound model: the scoped queryset is its default manager."""

    scope_region_field: str | None = "region"
    scope_organisation_field: str | None = None

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def region_code(self) -> str | None:
        """The 12-digit division code of a model whose region field is the ``region_code`` column."""
        return getattr(self, "region_id", None)
