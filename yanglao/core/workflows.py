"""Workflows: one table per model saying in which states an action may be taken, by whom, and where it leads.

A record that moves through steps (an assessment from request to approval, a bed from free to occupied)
declares its ``Workflow``: the states with their Chinese labels and one ``Transition`` per action. Pages and
the API ask ``allowed_actions(user, obj)`` which buttons to offer; services call ``transition``, which
reads the same table, so what a page offers and what a service accepts cannot drift apart.

``transition`` runs inside the caller's transaction: it locks the row through the actor's scope (missing
and out of scope are the same ``NotFound``), checks the right, the state and the transition's guards in a
fixed order, applies the changes, saves them with ``update_fields`` (django-auditlog, with which every
workflow model must be registered, records the diff as the audit entry) and, when the state moved and the
workflow names a topic, publishes a state event for the record's region after commit.

Our own small table rather than django-fsm-2 (decision 39): the rules read as data in one place, the
refusals carry the Chinese messages and error codes our API returns, and the lock, scope and audit are ours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from yanglao.core import events
from yanglao.core.errors import DomainError, NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ScopedModel

M = TypeVar("M", bound=ScopedModel)


@dataclass(frozen=True)
class Guard(Generic[M]):
    """A condition a transition needs besides the state, with the refusal raised when it fails."""

    test: Callable[[User, M], bool]
    refusal: Callable[[], Exception]


@dataclass(frozen=True)
class Transition(Generic[M]):
    """One row of the table: ``action`` moves a record in one of ``sources`` to ``target``.

    Checked in this order: ``permission`` (a model permission, before the row is read, so it reveals
    nothing), the row in the actor's scope for ``scope_action``, ``who`` (the actor's part in the record),
    ``done`` (this step already taken: repeating it returns the record unchanged), the state (refused with
    the workflow's error; ``refusals`` gives a state its own message), then ``guards``.
    """

    action: str
    sources: tuple[str, ...]
    target: str
    permission: str = ""
    who: tuple[Guard[M], ...] = ()
    guards: tuple[Guard[M], ...] = ()
    done: Callable[[User, M], bool] | None = None
    refusals: Mapping[str, str] = field(default_factory=dict)
    scope_action: str = "view"


class Stay(dict[str, Any]):
    """Changes a transition writes without moving the state (e.g. only the devices' timestamps changed)."""


Changes = Mapping[str, Any]


@dataclass(frozen=True)
class Workflow(Generic[M]):
    """A model's transitions. The state is a column (``state_field``) or derived from the row (``state_of``,
    for a bed: occupied when it has an occupant); a derived state must follow from the changes."""

    model: type[M]
    noun: str
    states: Mapping[str, str]
    transitions: tuple[Transition[M], ...]
    error: type[DomainError]
    state_field: str = ""
    state_of: Callable[[M], str] | None = None
    error_field: str = ""  # the field a state refusal names (for a form or the API's ``fields``)
    topic: str = ""  # a state event "<topic>" after each move; empty: none
    event_scope: Callable[[M], dict[str, Any]] | None = None  # region_code / organisation_id of the event

    def __post_init__(self) -> None:
        if bool(self.state_field) == (self.state_of is not None):
            raise ImproperlyConfigured(f"{self.model.__name__}: give either state_field or state_of")
        actions = [t.action for t in self.transitions]
        if len(set(actions)) != len(actions):
            raise ImproperlyConfigured(f"{self.model.__name__}: an action appears twice")
        for t in self.transitions:
            unknown = {*t.sources, t.target, *t.refusals} - set(self.states)
            if unknown:
                raise ImproperlyConfigured(f"{self.model.__name__}.{t.action}: unknown states {unknown}")

    def state(self, obj: M) -> str:
        if self.state_of is not None:
            return self.state_of(obj)
        return str(getattr(obj, self.state_field))

    def get(self, action: str) -> Transition[M]:
        for t in self.transitions:
            if t.action == action:
                return t
        raise KeyError(f"{self.model.__name__} has no action {action!r}")

    def wrong_state(self, obj: M, t: Transition[M]) -> DomainError:
        current = self.state(obj)
        message = t.refusals.get(current) or "{noun}当前为“{state}”，此操作仅适用于：{allowed}".format(
            noun=self.noun,
            state=self.states[current],
            allowed="、".join(self.states[s] for s in t.sources),
        )
        return self.error(message, fields={self.error_field: message} if self.error_field else None)

    def refusal(self, user: User, obj: M, action: str) -> Exception | None:
        """What ``transition`` would raise for ``action`` on ``obj`` as read now (None: it would not), short
        of the step's own checks of its input. ``obj`` must have been read in the user's scope."""
        t = self.get(action)
        if t.permission and not user.has_perm(t.permission):
            return PermissionDenied()
        if not user.has_perm(self._scope_permission(t)):
            return NotFound()  # for_user(action=...) would not find the row
        return self._judge(user, obj, t)[1]

    def _scope_permission(self, t: Transition[M]) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{t.scope_action}_{opts.model_name}"

    def _judge(self, user: User, obj: M, t: Transition[M]) -> tuple[bool, Exception | None]:
        """(already done, refusal) for a row in scope, in the order ``Transition`` documents."""
        for guard in t.who:
            if not guard.test(user, obj):
                return False, guard.refusal()
        if t.done is not None and t.done(user, obj):
            return True, None
        if self.state(obj) not in t.sources:
            return False, self.wrong_state(obj, t)
        for guard in t.guards:
            if not guard.test(user, obj):
                return False, guard.refusal()
        return False, None

    def allowed_actions(self, user: User, obj: M) -> list[str]:
        """The actions ``user`` may take on ``obj`` now, in the table's order; a finished step is not
        offered again."""
        return [
            t.action
            for t in self.transitions
            if self.refusal(user, obj, t.action) is None and not self._judge(user, obj, t)[0]
        ]


WORKFLOWS: dict[type[models.Model], Workflow[Any]] = {}


def register(workflow: Workflow[M]) -> Workflow[M]:
    """Make a model's workflow known to ``allowed_actions``; the model must be audited by django-auditlog."""
    from auditlog.registry import auditlog

    if not auditlog.contains(workflow.model):
        raise ImproperlyConfigured(f"{workflow.model.__name__} has a workflow but no audit log")
    WORKFLOWS[workflow.model] = workflow
    return workflow


def workflow_for(obj: models.Model) -> Workflow[Any]:
    try:
        return WORKFLOWS[type(obj)]
    except KeyError:
        raise ImproperlyConfigured(f"no workflow registered for {type(obj).__name__}") from None


def allowed_actions(user: User, obj: models.Model) -> list[str]:
    """What pages and the API offer: the actions of ``obj``'s workflow that ``user`` may take now."""
    return workflow_for(obj).allowed_actions(user, obj)


def refusal(user: User, obj: models.Model, action: str) -> Exception | None:
    """Why ``user`` may not take ``action`` on ``obj`` now (None: they may): for a page that opens a step."""
    return workflow_for(obj).refusal(user, obj, action)


def transition(
    *,
    actor: User,
    workflow: Workflow[M],
    obj_id: int,
    action: str,
    changes: Changes | Callable[[M], Changes | None] | None = None,
) -> M:
    """Take one step of ``workflow`` on the row ``obj_id``, as ``actor``, inside the caller's transaction.

    ``changes`` are the fields to write besides the state (none: only the state moves), or a function of the
    locked, checked row that returns them (and may refuse with a DomainError, or return None when there is
    nothing to write: an idempotent repeat). A ``Stay`` writes without moving the state. The state event is published only when
    the state changed. Returns the row as saved.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() runs inside the service's transaction")
    t = workflow.get(action)
    if t.permission and not actor.has_perm(t.permission):
        raise PermissionDenied
    qs = workflow.model.objects.for_user(actor, action=t.scope_action).select_for_update()
    obj = cast("M | None", qs.filter(pk=obj_id).first())
    if obj is None:
        raise NotFound()
    done, refused = workflow._judge(actor, obj, t)
    if refused is not None:
        raise refused
    if done:
        return obj
    before = workflow.state(obj)
    found = changes(obj) if callable(changes) else (changes or {})
    if found is None:
        return obj
    values = dict(found)
    moves = not isinstance(found, Stay)
    if moves and workflow.state_field:
        values[workflow.state_field] = t.target
    names = []
    for key, value in values.items():
        setattr(obj, key, value)
        names.append(obj._meta.get_field(key).name)
    if moves and workflow.state(obj) != t.target:
        raise RuntimeError(f"{workflow.model.__name__}.{action} did not reach {t.target!r}")
    if names:
        obj.save(update_fields=names)
    after = workflow.state(obj)
    if workflow.topic and after != before:
        scope = workflow.event_scope(obj) if workflow.event_scope is not None else {}
        events.publish_on_commit(workflow.topic, {"id": obj.pk, "action": action, "state": after}, **scope)
    return obj


def history_step(
    history: list[dict[str, Any]], actor: User | str, label: str, *, action: str = "", note: str = ""
) -> list[dict[str, Any]]:
    """``history`` with one more entry (办理记录: when, who, what, the opinion), as a record's ``history``
    JSON keeps it for its page; ``actor`` may be a label such as 系统 for a step nobody took by hand."""
    entry = {
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "user": str(actor),
        "action": action,
        "label": label,
        "note": note,
    }
    return [*history, entry]
