"""Writes of the registry: register, correct, move, record deaths, import and reveal.

Every write checks the target region against the actor's scope. Imports upsert by the ID number's blind
index (a re-import reports rows as unchanged), keep every good row and report every bad one; each import
is one batch audit entry, and every life event is a dated row with its source.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import multiprocessing
from collections.abc import Callable
from pathlib import Path

from django import db
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yanglao.core import audit, importing, masking, workflows
from yanglao.core import services as core_services
from yanglao.core.choices import Role
from yanglao.core.crypto import blind_index
from yanglao.core.errors import NotFound, RegionOutOfScope, UnknownRegion
from yanglao.core.models import Region, User
from yanglao.core.scoping import code_range_q, ensure_in_scope
from yanglao.people import columns, errors, familycodes, fastinsert, reports, rows, worker
from yanglao.people.choices import ElderStatus, EventSource, FamilyRelation, LifeEventKind, TransferStatus
from yanglao.people.dates import parse_date
from yanglao.people.identity import normalise_id
from yanglao.people.models import (
    Elder,
    ElderTransfer,
    EmergencyContact,
    FamilyCodeTry,
    FamilyInvitation,
    FamilyLink,
    Household,
    LifeEvent,
)
from yanglao.people.names import pinyin_of
from yanglao.people.schemas import ElderIn, ElderPatch

log = logging.getLogger(__name__)
ELDER_FIELDS = (
    "name",
    "name_pinyin",
    "name_initials",
    "id_number",
    "id_hash",
    "id_last4",
    "gender",
    "birth_date",
    "ethnicity",
    "phone",
    "phone_hash",
    "registered_address",
    "address",
    "region_id",
    "lat",
    "lng",
    "living_arrangement",
    "economic_status",
    "family_planning_special",
    "disability_category",
    "disability_grade",
    "medical_insurance",
    "family_doctor_signed",
    "local_hukou",
    "chronic_conditions",
    "row_hash",
)


# ---------------------------------------------------------------- values


def _contacts(elder_pk: int, contacts: list[dict]) -> list[EmergencyContact]:
    """Contacts in order, each with its phone's blind index (the alarm centre matches callers by it)."""
    return [
        EmergencyContact(elder_id=elder_pk, position=n, phone_hash=contact_phone_hash(c["phone"]), **c)
        for n, c in enumerate(contacts, start=1)
    ]


def contact_phone_hash(phone: str) -> str:
    return blind_index(phone) if phone else ""


def _region_in_scope(actor: User, code: str, field_name: str = "region_code") -> Region:
    region = core_services.region_require(code, field_name=field_name)
    if region.level not in ("township", "village"):
        message = f"{region.name}（{code}）不是街道（乡镇）或社区（村）级区划"
        raise UnknownRegion(message, fields={field_name: message})
    if not actor.in_scope(region.code):
        message = f"区划 {region.name}（{code}）不在您的管辖范围内"
        raise RegionOutOfScope(message, fields={field_name: message})
    return region


def _household(region_id: str, number: str) -> Household | None:
    if not number:
        return None
    household, _ = Household.objects.unscoped(reason="household lookup inside a scoped write").get_or_create(
        region_id=region_id, number=number
    )
    return household


def _event(
    elder: Elder,
    kind: str,
    *,
    actor: User | None,
    date: dt.date,
    source: str,
    note: str = "",
    from_region: str | None = None,
    to_region: str | None = None,
) -> LifeEvent:
    return LifeEvent.objects.create(
        elder=elder,
        kind=kind,
        date=date,
        source=source,
        note=note,
        actor=actor,
        from_region_id=from_region,
        to_region_id=to_region,
    )


# ---------------------------------------------------------------- single records


@transaction.atomic
def elder_create(*, actor: User, data: ElderIn, source: str = EventSource.FORM) -> Elder:
    """Register one person inside the actor's scope. A person registered before is refused, not merged."""
    if not actor.has_perm("people.add_elder"):
        raise PermissionDenied
    _region_in_scope(actor, data.region_code)
    values = rows.elder_values(data)
    if (
        Elder.objects.unscoped(reason="ID numbers are unique across the registry")
        .filter(id_hash=values["id_hash"])
        .exists()
    ):
        raise errors.IdNumberTaken(fields={"id_number": "该公民身份号码已登记"})
    elder = Elder(**values, household=_household(data.region_code, data.household_number))
    elder.save()
    EmergencyContact.objects.bulk_create(_contacts(elder.pk, [c.model_dump() for c in data.contacts]))
    _event(elder, LifeEventKind.REGISTERED, actor=actor, date=timezone.localdate(), source=source)
    ensure_in_scope(elder, actor)
    return elder


def _locked_elder(actor: User, elder_id: int, action: str = "change") -> Elder:
    elder = Elder.objects.for_user(actor, action=action).select_for_update().filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    return elder


@transaction.atomic
def elder_update(*, actor: User, elder_id: int, patch: ElderPatch) -> Elder:
    """Correct a record. A new community goes through elder_move so the move is dated."""
    elder = _locked_elder(actor, elder_id)
    if elder.status != ElderStatus.ACTIVE:
        raise errors.ElderNotActive()
    changes = patch.model_dump(exclude_unset=True)
    region_code = changes.pop("region_code", None)
    contacts = changes.pop("contacts", None)
    household_number = changes.pop("household_number", None)
    for name, value in changes.items():
        setattr(elder, name, value)
    if "name" in changes:
        elder.name_pinyin, elder.name_initials = pinyin_of(elder.name)
    if "phone" in changes:
        elder.phone_hash = blind_index(elder.phone) if elder.phone else ""
    if household_number is not None:
        elder.household = _household(elder.region_id, household_number)
    elder.row_hash = ""  # the next import compares afresh
    elder.save()
    if contacts is not None:
        elder.contacts.all().delete()
        EmergencyContact.objects.bulk_create(_contacts(elder.pk, contacts))
    _event(
        elder,
        LifeEventKind.CORRECTION,
        actor=actor,
        date=timezone.localdate(),
        source=EventSource.FORM,
        note="、".join(sorted(changes)) or "紧急联系人",
    )
    if region_code and region_code != elder.region_id:
        elder = elder_move(actor=actor, elder_id=elder.pk, region_code=region_code, date=timezone.localdate())
    ensure_in_scope(elder, actor, "change")
    return elder


# Records that follow a person when they move (open assessments today; later modules add theirs). Each hook
# gets [(elder id, from community, to community)] inside the move's transaction (docs/decisions.md).
MOVE_HOOKS: list[Callable[[list[tuple[int, str, str]]], None]] = []


def register_move_hook(hook: Callable[[list[tuple[int, str, str]]], None]) -> None:
    if hook not in MOVE_HOOKS:
        MOVE_HOOKS.append(hook)


def _community(code: str) -> Region:
    target = core_services.region_require(code)
    if target.level not in ("township", "village"):
        message = f"{target.name} 不是街道或社区级区划，请选择社区"
        raise UnknownRegion(message, fields={"region_code": message})
    return target


def _relocate(
    elder: Elder, target: Region, *, actor: User, date: dt.date, address: str | None, note: str, source: str
) -> Elder:
    origin = elder.region_id
    elder.region = target
    if address is not None:
        elder.address = address
    elder.household = None  # a household is an address: it stays behind
    elder.status_date = date
    elder.save(update_fields=["region", "address", "household", "status_date", "updated_at"])
    _event(
        elder,
        LifeEventKind.MOVE,
        actor=actor,
        date=date,
        source=source,
        note=note,
        from_region=origin,
        to_region=target.code,
    )
    for hook in MOVE_HOOKS:
        hook([(elder.pk, origin, target.code)])
    return elder


@transaction.atomic
def elder_move(
    *, actor: User, elder_id: int, region_code: str, date: dt.date, address: str | None = None, note: str = ""
) -> Elder:
    """Move inside the actor's scope in one step; the history keeps both ends. A community outside the
    actor's scope needs the receiving street's consent: TransferRequired (use elder_transfer_request)."""
    elder = _locked_elder(actor, elder_id)
    if elder.status != ElderStatus.ACTIVE:
        raise errors.ElderNotActive()
    target = _community(region_code)
    if target.code == elder.region_id:
        return elder
    if not actor.in_scope(target.code):
        raise errors.TransferRequired(fields={"region_code": errors.TransferRequired.message})
    _relocate(elder, target, actor=actor, date=date, address=address, note=note, source=EventSource.FORM)
    ensure_in_scope(elder, actor, "change")
    return elder


@transaction.atomic
def elder_transfer_request(
    *, actor: User, elder_id: int, region_code: str, date: dt.date, address: str | None = None, note: str = ""
) -> ElderTransfer:
    """Start a transfer to a community outside the actor's scope; the person stays here until accepted."""
    if not actor.has_perm("people.add_eldertransfer"):
        raise PermissionDenied
    elder = _locked_elder(actor, elder_id)
    if elder.status != ElderStatus.ACTIVE:
        raise errors.ElderNotActive()
    target = _community(region_code)
    if actor.in_scope(target.code):
        message = "新社区在您的管辖范围内，请直接办理辖区内迁居"
        raise errors.InvalidTransfer(
            message, fields={"region_code": message}, code="people.transfer_within_scope"
        )
    if date > timezone.localdate():
        raise errors.InvalidTransfer(
            "迁居日期不能晚于今天", fields={"date": "迁居日期不能晚于今天"}, code="people.date_in_future"
        )
    if (
        ElderTransfer.objects.unscoped(reason="one pending transfer per person")
        .filter(elder=elder, status=TransferStatus.PENDING)
        .exists()
    ):
        raise errors.InvalidTransfer(
            "该老人已有待接收的迁出转移",
            fields={"region_code": "已有待接收的转移"},
            code="people.transfer_already_pending",
        )
    transfer = ElderTransfer.objects.create(
        elder=elder,
        from_region_id=elder.region_id,
        to_region=target,
        address=address or "",
        date=date,
        note=note,
        requested_by=actor,
    )
    return transfer


def elder_relocate(
    *, actor: User, elder_id: int, region_code: str, date: dt.date, address: str | None = None, note: str = ""
) -> Elder | ElderTransfer:
    """The move form: a community typed by name or code; inside the actor's scope the person moves now,
    outside it a transfer waits for the receiving street."""
    from yanglao.core import selectors as core_selectors

    try:
        target = core_selectors.region_lookup(text=region_code, within=_district_of(actor, elder_id))
    except core_selectors.RegionNotFound as exc:
        raise UnknownRegion(str(exc), fields={"region_code": str(exc)}) from exc
    if actor.in_scope(target.code):
        return elder_move(
            actor=actor, elder_id=elder_id, region_code=target.code, date=date, address=address, note=note
        )
    return elder_transfer_request(
        actor=actor, elder_id=elder_id, region_code=target.code, date=date, address=address, note=note
    )


def _district_of(actor: User, elder_id: int) -> str:
    elder = Elder.objects.for_user(actor).filter(pk=elder_id).values_list("region_id", flat=True).first()
    return elder[:6] + "000000" if elder else ""


def _end(side: str, verb: str) -> workflows.Guard[ElderTransfer]:
    """Only the street at one end takes a step: "to" the receiving one, "from" the sending one."""
    end = "迁入" if side == "to" else "迁出"
    return workflows.Guard[ElderTransfer](
        lambda user, t: user.in_scope(t.to_region_id if side == "to" else t.from_region_id),
        lambda: errors.InvalidTransfer(f"只能由{end}社区所在街道{verb}", code="people.transfer_wrong_end"),
    )


# Only a pending transfer moves on; repeating a finished step returns the transfer as it is.
TRANSFER_WORKFLOW = workflows.Workflow[ElderTransfer](
    model=ElderTransfer,
    noun="迁出转移",
    states=dict(TransferStatus.choices),
    state_field="status",
    error=errors.InvalidTransfer,
    transitions=(
        workflows.Transition(
            "accept",
            (TransferStatus.PENDING,),
            TransferStatus.ACCEPTED,
            scope_action="change",
            done=lambda user, t: t.status == TransferStatus.ACCEPTED,
            guards=(_end("to", "接收"),),
        ),
        workflows.Transition(
            "reject",
            (TransferStatus.PENDING,),
            TransferStatus.REJECTED,
            scope_action="change",
            done=lambda user, t: t.status == TransferStatus.REJECTED,
            guards=(_end("to", "退回"),),
        ),
        workflows.Transition(
            "cancel",
            (TransferStatus.PENDING,),
            TransferStatus.CANCELLED,
            scope_action="change",
            done=lambda user, t: t.status == TransferStatus.CANCELLED,
            guards=(_end("from", "撤回"),),
        ),
    ),
)


def _decision(actor: User, note: str) -> workflows.Changes:
    return {"decided_by": actor, "decided_at": timezone.now(), "decision_note": note[:300]}


@transaction.atomic
def elder_transfer_accept(*, actor: User, transfer_id: int, note: str = "") -> ElderTransfer:
    """The receiving street takes the person in: the move happens now, dated as requested. Idempotent."""

    def accept(transfer: ElderTransfer) -> workflows.Changes:
        elder = (
            Elder.objects.unscoped(reason="accepting a transfer into the actor's scope")
            .select_for_update()
            .get(pk=transfer.elder_id)
        )
        if elder.status != ElderStatus.ACTIVE or elder.region_id != transfer.from_region_id:
            raise errors.InvalidTransfer(
                "发起后该老人的状态或所属社区已变化，不能接收；请退回此转移，由迁出街道核实后重新发起",
                code="people.transfer_stale",
            )
        _relocate(
            elder,
            transfer.to_region,
            actor=actor,
            date=transfer.date,
            address=transfer.address or None,
            note="迁出转移：" + (transfer.note or "接收"),
            source=EventSource.FORM,
        )
        ensure_in_scope(elder, actor, "change")
        return _decision(actor, note)

    return workflows.transition(
        actor=actor, workflow=TRANSFER_WORKFLOW, obj_id=transfer_id, action="accept", changes=accept
    )


@transaction.atomic
def elder_transfer_reject(*, actor: User, transfer_id: int, note: str) -> ElderTransfer:
    """The receiving street refuses, with a reason the sender reads; the person stays where they were."""

    def reject(transfer: ElderTransfer) -> workflows.Changes:
        if not (note or "").strip():
            raise errors.InvalidTransfer(
                "请填写退回原因", fields={"note": "请填写退回原因"}, code="people.reason_required"
            )
        return _decision(actor, note.strip())

    return workflows.transition(
        actor=actor, workflow=TRANSFER_WORKFLOW, obj_id=transfer_id, action="reject", changes=reject
    )


@transaction.atomic
def elder_transfer_cancel(*, actor: User, transfer_id: int, note: str = "") -> ElderTransfer:
    """The sending street withdraws a transfer not yet accepted (``note``: why, optional)."""
    return workflows.transition(
        actor=actor,
        workflow=TRANSFER_WORKFLOW,
        obj_id=transfer_id,
        action="cancel",
        changes=_decision(actor, note.strip()),
    )


@transaction.atomic
def elder_move_out(
    *, actor: User, elder_id: int, date: dt.date, note: str = "", source: str = EventSource.FORM
) -> Elder:
    """Left the platform's area (迁出). The record stays; lists and counts drop it from ``date``."""
    elder = _locked_elder(actor, elder_id)
    if elder.status == ElderStatus.MOVED_OUT:
        return elder
    if elder.status == ElderStatus.DECEASED:
        raise errors.ElderNotActive()
    elder.status, elder.status_date = ElderStatus.MOVED_OUT, date
    elder.save(update_fields=["status", "status_date", "updated_at"])
    _event(
        elder,
        LifeEventKind.MOVE_OUT,
        actor=actor,
        date=date,
        source=source,
        note=note,
        from_region=elder.region_id,
    )
    return elder


def _check_death_date(elder: Elder, date: dt.date) -> None:
    if date > timezone.localdate():
        raise errors.InvalidLifeEvent("死亡日期不能晚于今天", fields={"date": "死亡日期不能晚于今天"})
    if date < elder.birth_date:
        raise errors.InvalidLifeEvent("死亡日期不能早于出生日期", fields={"date": "死亡日期不能早于出生日期"})


@transaction.atomic
def elder_record_death(
    *, actor: User, elder_id: int, date: dt.date, source: str = EventSource.FORM, note: str = ""
) -> Elder:
    """Record a death. Idempotent for the same date; the person is never deleted."""
    elder = _locked_elder(actor, elder_id)
    _check_death_date(elder, date)
    if elder.status == ElderStatus.DECEASED:
        if elder.death_date == date:
            return elder
        raise errors.InvalidLifeEvent(f"已于 {elder.death_date} 登记死亡", fields={"date": "已登记死亡"})
    elder.status, elder.status_date, elder.death_date = ElderStatus.DECEASED, date, date
    elder.save(update_fields=["status", "status_date", "death_date", "updated_at"])
    _event(elder, LifeEventKind.DEATH, actor=actor, date=date, source=source, note=note)
    return elder


@transaction.atomic
def elder_set_ability(
    *, elder_id: int, level: int, name: str, instrument: str, valid_until: dt.date
) -> Elder:
    """Record the ability level of an approved assessment (called by the assessment module only, which has
    already checked the scope and the workflow). The 失能 group follows it until ``valid_until``."""
    elder = (
        Elder.objects.unscoped(reason="ability level from an approved assessment")
        .select_for_update()
        .get(pk=elder_id)
    )
    elder.ability_level, elder.ability_level_name = level, name
    elder.ability_instrument, elder.ability_valid_until = instrument, valid_until
    elder.save(
        update_fields=[
            "ability_level",
            "ability_level_name",
            "ability_instrument",
            "ability_valid_until",
            "updated_at",
        ]
    )
    return elder


REVEALABLE = ("id_number", "phone", "address", "birth_date")


def _reveal_entry(actor: User, elder: Elder, what: str, detail: dict) -> None:
    audit.record(
        actor=actor,
        action="elder.reveal",
        obj=elder,
        object_repr=f"{elder.name}（查看{what}）",
        detail=detail,
    )


def elder_reveal(*, actor: User, elder: Elder, field_name: str) -> str:
    """Return one field in clear and leave an access entry in the audit log (who, when, which field)."""
    if field_name not in REVEALABLE or not actor.has_perm("people.reveal_elder"):
        raise PermissionDenied
    _reveal_entry(actor, elder, str(Elder._meta.get_field(field_name).verbose_name), {"reveal": field_name})
    value = getattr(elder, field_name)
    return value.isoformat() if isinstance(value, dt.date) else value


def elder_contact_reveal(*, actor: User, elder: Elder, position: int) -> str:
    """An emergency contact's phone in clear ("call the family"), audited like the person's own."""
    if not actor.has_perm("people.reveal_elder"):
        raise PermissionDenied
    contact = elder.contacts.filter(position=position).first()
    if contact is None:
        raise NotFound()
    _reveal_entry(actor, elder, f"紧急联系人{position}电话", {"reveal": "contact_phone", "contact": position})
    return contact.phone


# ---------------------------------------------------------------- imports

# The registry's importers run on core's pipeline (core/importing.py); these hooks are their rules.
ImportResult = importing.ImportResult
PARALLEL_FROM_ROWS = 20_000  # below this, starting a validation process costs more than it saves
IN_FLIGHT_CHUNKS = 3


def _scope_regions(actor: User) -> dict[str, str]:
    """Community-level codes the actor may file people under → level."""
    regions = Region.objects.filter(code_range_q(actor), level__in=("township", "village"))
    return dict(regions.values_list("code", "level"))


def _elders_start(run: importing.ImportRun) -> None:
    run.state["allowed"] = _scope_regions(run.actor)
    run.state["known"] = None  # loaded lazily: only for the "does not exist" vs "out of scope" wording
    run.state["first_row_of"] = {}
    if run.state.get("parallel") is None:  # the fast hand-over is COPY lines, so PostgreSQL only
        run.state["parallel"] = (
            run.size >= PARALLEL_FROM_ROWS
            and db.connection.vendor == "postgresql"
            and not db.connection.in_atomic_block
        )


def _elders_validate(run: importing.ImportRun, chunks):
    """Yield chunks of (number, raw, ready | None, problems) in file order; ready is
    (id_hash, row_hash, region, copy line | None, Prepared | None) as rows.prepare_chunk makes it.

    With ``parallel`` a spawned process validates while this one writes the previous chunk, so both
    cores work (validation is pure Python; writing is COPY and the database). A bounded window of chunks
    in flight keeps memory flat however long the file is.
    """
    if not run.state["parallel"]:
        for chunk in chunks:
            outcome = rows.prepare_chunk(run.index, [raw for _, raw in chunk])
            yield [(n, raw, *out) for (n, raw), out in zip(chunk, outcome, strict=True)]
        return
    context = multiprocessing.get_context("spawn")
    copy = db.connection.vendor == "postgresql"  # elsewhere rows come back whole (slower, still correct)
    with context.Pool(1, initializer=worker.init) as pool:
        pending: collections.deque = collections.deque()
        for chunk in chunks:
            job = pool.apply_async(worker.prepare_chunk, (run.index, [raw for _, raw in chunk], copy))
            pending.append((chunk, job))
            if len(pending) >= IN_FLIGHT_CHUNKS:
                done, job = pending.popleft()
                yield [(n, raw, *out) for (n, raw), out in zip(done, job.get(), strict=True)]
        while pending:
            done, job = pending.popleft()
            yield [(n, raw, *out) for (n, raw), out in zip(done, job.get(), strict=True)]


def _elders_write(run: importing.ImportRun, good: list[importing.Row]) -> None:
    """Refuse rows outside the actor's communities and repeats of an earlier row's ID number, then decide
    create / update / unchanged / refuse against the registry and write the chunk in one transaction."""
    allowed, first_row_of = run.state["allowed"], run.state["first_row_of"]
    batch = []
    for number, raw, ready in good:
        code = ready[2]
        if code not in allowed:
            if run.state["known"] is None:
                run.state["known"] = set(Region.objects.values_list("code", flat=True))
            reason = (
                f"区划代码 {code} 不在您的管辖范围内或不是社区级区划"
                if code in run.state["known"]
                else f"区划代码 {code} 不存在"
            )
            run.reject(number, [("社区代码", reason)], raw)
            continue
        first = first_row_of.setdefault(ready[0], number)
        if first != number:
            run.reject(number, [("公民身份号码", f"与第 {first} 行重复（保留第 {first} 行）")], raw)
            continue
        batch.append((number, raw, ready))
    _flush(run, batch)


def _flush(run: importing.ImportRun, batch: list[tuple]) -> None:
    """Upsert by the ID number's blind index: new rows are COPYed or inserted, changed rows updated, equal
    rows (same fingerprint) left alone; deceased people and people of other areas are refused."""
    if not batch:
        return
    actor, result = run.actor, run.result
    existing = {
        row["id_hash"]: row
        for row in Elder.objects.unscoped(reason="import upsert by ID number across the registry")
        .filter(id_hash__in=[ready[0] for _, _, ready in batch])
        .values("pk", "id_hash", "row_hash", "region_id", "status")
    }
    lines: list[bytes] = []
    creates: list[rows.Prepared] = []
    updates: list[tuple[rows.Prepared, dict]] = []
    for number, raw, (id_hash, fingerprint, _, line, prepared) in batch:
        current = existing.get(id_hash)
        if current is None:
            if line is not None:
                lines.append(line)
            else:
                creates.append(prepared)
        elif current["status"] == ElderStatus.DECEASED:
            run.reject(number, [("公民身份号码", "该人员已登记死亡，不能通过导入恢复在册")], raw)
        elif not actor.in_scope(current["region_id"]):
            run.reject(number, [("公民身份号码", "该人员已在其他辖区登记，请由现辖区办理迁出后再导入")], raw)
        elif current["row_hash"] == fingerprint and current["status"] == ElderStatus.ACTIVE:
            result.unchanged += 1
        else:
            updates.append((prepared or rows.prepare(rows.cells_of(run.index, raw))[0], current))
    result.created += len(lines) + len(creates)
    result.updated += len(updates)
    if run.dry_run:
        return
    with transaction.atomic():
        fastinsert.copy_lines(lines)
        _write(actor, creates, updates)


def _write(actor: User, creates: list[rows.Prepared], updates: list[tuple[rows.Prepared, dict]]) -> None:
    today = timezone.localdate()
    households = _households_for([p for p in creates] + [p for p, _ in updates])
    for prepared in creates:
        household = households.get((prepared.values["region_id"], prepared.household_number))
        prepared.values["household_id"] = household.pk if household else None
    with_contacts = {p.values["id_hash"] for p in creates if p.contacts}
    new_keys = fastinsert.insert_elders([p.values for p in creates], return_keys_for=with_contacts)
    elders = []
    for prepared, current in updates:
        elder = Elder(pk=current["pk"], **prepared.values)
        elder.household = households.get((prepared.values["region_id"], prepared.household_number))
        elder.status = ElderStatus.ACTIVE
        elders.append(elder)
    Elder.objects.unscoped(reason="import upsert").bulk_update(
        elders,
        [f for f in ELDER_FIELDS if f != "region_id"] + ["region", "household", "status"],
        batch_size=1000,
    )
    contacts, events = [], []
    for prepared in creates:
        if prepared.contacts:
            contacts += _contacts(new_keys[prepared.values["id_hash"]], prepared.contacts)
    if updates:
        EmergencyContact.objects.filter(elder_id__in=[current["pk"] for _, current in updates]).delete()
    for prepared, current in updates:
        pk, region = current["pk"], prepared.values["region_id"]
        contacts += _contacts(pk, prepared.contacts)
        event = {"elder_id": pk, "date": today, "source": EventSource.IMPORT, "actor": actor}
        if current["region_id"] != region:
            events.append(
                LifeEvent(
                    kind=LifeEventKind.MOVE, from_region_id=current["region_id"], to_region_id=region, **event
                )
            )
        if current["status"] == ElderStatus.MOVED_OUT:
            events.append(LifeEvent(kind=LifeEventKind.MOVE_IN, to_region_id=region, **event))
        elif current["region_id"] == region:
            events.append(LifeEvent(kind=LifeEventKind.CORRECTION, note="批量导入更新", **event))
    EmergencyContact.objects.bulk_create(contacts, batch_size=2000)
    LifeEvent.objects.bulk_create(events, batch_size=2000)
    moves = [(e.elder_id, e.from_region_id, e.to_region_id) for e in events if e.kind == LifeEventKind.MOVE]
    if moves:
        for hook in MOVE_HOOKS:
            hook(moves)


def _households_for(prepared: list[rows.Prepared]) -> dict[tuple[str, str], Household]:
    wanted = {(p.values["region_id"], p.household_number) for p in prepared if p.household_number}
    if not wanted:
        return {}
    qs = Household.objects.unscoped(reason="household lookup inside an import")
    found = {(h.region_id, h.number): h for h in qs.filter(number__in={n for _, n in wanted})}
    missing = [Household(region_id=r, number=n) for r, n in wanted if (r, n) not in found]
    for household in Household.objects.bulk_create(missing):
        found[(household.region_id, household.number)] = household
    return found


def _deaths_validate(run: importing.ImportRun, cells: dict[str, object]) -> tuple[tuple | None, list]:
    try:
        id_number = normalise_id(cells["公民身份号码"], today=run.state["today"])
    except ValueError as exc:
        return None, [("公民身份号码", str(exc))]
    try:
        date = parse_date(cells["死亡日期"])
    except ValueError as exc:
        return None, [("死亡日期", str(exc))]
    return (id_number, date), []


def _deaths_write(run: importing.ImportRun, good: list[importing.Row]) -> None:
    """Mark the listed people deceased (each through ``elder_record_death``, with its life event). IDs the
    registry does not hold, or holds outside the actor's scope, are reported as unmatched."""
    result = run.result
    hashes = {blind_index(id_number) for _, _, (id_number, _) in good}
    found = {
        elder.id_hash: elder
        for elder in Elder.objects.for_user(run.actor, action="change").filter(id_hash__in=hashes)
    }
    for number, raw, (id_number, date) in good:
        elder = found.get(blind_index(id_number))
        if elder is None:
            result.unmatched.append(masking.mask_id(id_number))
            continue
        if elder.status == ElderStatus.DECEASED and elder.death_date == date:
            result.unchanged += 1
            continue
        if run.dry_run:
            result.updated += 1
            continue
        try:
            elder_record_death(
                actor=run.actor, elder_id=elder.pk, date=date, source=run.state["source"], note="死亡名单交换"
            )
            result.updated += 1
        except errors.InvalidLifeEvent as exc:
            run.reject(number, [("死亡日期", exc.message)], raw)


ELDERS_IMPORTER = importing.Importer(
    kind="elders",
    title="老年人信息",
    columns=columns.COLUMNS,
    permission="people.add_elder",
    model=Elder,
    audit_action="elder.import",
    upsert_key="公民身份号码",
    validate_chunks=_elders_validate,
    write=_elders_write,
    start=_elders_start,
    analyze=(Elder, Household, EmergencyContact, LifeEvent),
    reveal_permission="people.reveal_elder",
    template=reports.template_workbook,  # with an example row and the accepted words
)
DEATHS_IMPORTER = importing.Importer(
    kind="deaths",
    title="死亡名单交换",
    columns=columns.DEATH_COLUMNS,
    permission="people.change_elder",
    model=Elder,
    audit_action="elder.death_list",
    upsert_key="公民身份号码",
    validate=_deaths_validate,
    write=_deaths_write,
    start=lambda run: run.state.setdefault("today", timezone.localdate()),
    audit_detail=lambda run: {"marked": run.result.updated, "unmatched": len(run.result.unmatched)},
    reveal_permission="people.reveal_elder",
)


def elder_import_file(
    *,
    actor: User,
    path: Path | str,
    dry_run: bool = False,
    on_progress: Callable[[ImportResult], None] | None = None,
    report_path: Path | str | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Import an elders workbook or CSV: upsert by ID number, keep good rows, report every bad one.

    ``parallel`` (default: for large files on PostgreSQL, outside a transaction) validates in a second
    process. The pipeline commits chunk by chunk and audits once (core/importing.py).
    """
    return importing.import_file(
        actor=actor,
        kind=ELDERS_IMPORTER.kind,
        path=path,
        dry_run=dry_run,
        report_path=report_path,
        on_progress=on_progress,
        options={"parallel": parallel},
    )


def death_list_import(
    *,
    actor: User,
    path: Path | str,
    source: str = EventSource.PUBLIC_SECURITY,
    dry_run: bool = False,
    report_path: Path | str | None = None,
) -> ImportResult:
    """A death-list exchange file (公民身份号码, 姓名, 死亡日期): mark the listed people deceased."""
    return importing.import_file(
        actor=actor,
        kind=DEATHS_IMPORTER.kind,
        path=path,
        dry_run=dry_run,
        report_path=report_path,
        options={"source": source},
    )


# ---------------------------------------------------------------- family accounts (家属绑定)


def _family_elder(actor: User, elder_id: int) -> Elder:
    """A person the actor may link family to: community staff (a street or community GOVERNMENT or ADVISOR
    user holding ``people.add_familylink``) and the person inside one of their street-level regions."""
    if not actor.has_perm("people.add_familylink"):
        raise PermissionDenied
    elder = Elder.objects.for_user(actor).filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    # A district office does not hand codes out: the street or community that knows the family does.
    local = [r.code for r in actor.regions.all() if r.code[6:9] != "000"]
    if not actor.is_superuser and not any(elder.region_id.startswith(c[:9]) for c in local):
        raise errors.InvalidFamilyLink(
            "家属绑定由老人所在街道、社区工作人员或养老顾问办理",
            code="people.family_not_community",
        )
    if elder.status != ElderStatus.ACTIVE:
        raise errors.ElderNotActive()
    return elder


def _relation(value: str) -> str:
    if value not in FamilyRelation.values:
        raise errors.InvalidFamilyLink(
            "请选择与老人的关系", fields={"relation": "取值无效"}, code="people.family_relation_invalid"
        )
    return value


def _link(*, actor: User, user: User, elder: Elder, relation: str) -> FamilyLink:
    link, created = FamilyLink.objects.unscoped(reason="one link per account and person").get_or_create(
        user=user, elder=elder, defaults={"relation": relation, "created_by": actor}
    )
    if not created and (not link.active or link.relation != relation):
        link.active, link.relation = True, relation
        link.save(update_fields=["active", "relation"])
    # Read unscoped (an ended link is nobody's to see); the callers checked the person (staff) or the code
    # (family), and the link must now be in the actor's reach, or the write rolls back.
    ensure_in_scope(link, actor)
    audit.record(
        actor=actor,
        action="family.link",
        obj=link,
        object_repr=f"{elder.name} ← {user.username}",
        detail={"elder": elder.pk, "user": user.pk, "relation": relation},
    )
    return link


@transaction.atomic
def family_invite(*, actor: User, elder_id: int) -> tuple[FamilyInvitation, str]:
    """A new one-time code for the person's family, valid 14 days. Returns the invitation and the code in
    clear, which is shown once and never stored (only its keyed hash is)."""
    elder = _family_elder(actor, elder_id)
    code = familycodes.generate()
    invitation = FamilyInvitation.objects.create(
        elder=elder,
        region_id=elder.region_id,
        code_hash=blind_index(familycodes.normalise(code)),
        expires_at=timezone.now() + dt.timedelta(days=familycodes.VALID_DAYS),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="family.invite",
        obj=invitation,
        object_repr=f"{elder.name}的家属绑定邀请码",
        detail={"elder": elder.pk, "expires": invitation.expires_at.isoformat()},
    )
    return invitation, code


@transaction.atomic
def family_link(*, actor: User, elder_id: int, username: str, relation: str) -> FamilyLink:
    """The community links an existing family account to the person directly (the family is at the desk).
    Linking again reactivates an ended link."""
    elder = _family_elder(actor, elder_id)
    relation = _relation(relation)
    user = User.objects.filter(username=(username or "").strip(), role=Role.FAMILY, is_active=True).first()
    if user is None:
        raise errors.InvalidFamilyLink(
            "没有该家属账号（请确认账号已开通且角色为家属）",
            fields={"username": "未找到"},
            code="people.family_account_unknown",
        )
    return _link(actor=actor, user=user, elder=elder, relation=relation)


def _wrong_tries(user: User, now: dt.datetime) -> list[dt.datetime]:
    since = now - familycodes.WINDOW - familycodes.LOCK
    return list(
        FamilyCodeTry.objects.filter(user=user, tried_at__gt=since, tried_at__lte=now).values_list(
            "tried_at", flat=True
        )
    )


def family_join(*, actor: User, code: str, relation: str, now: dt.datetime | None = None) -> FamilyLink:
    """A signed-in family account redeems a code: it links the account to the code's person and uses the code
    up. Wrong, expired and used codes are refused each with its own message; 5 refusals within 15 minutes lock
    the account's redeeming for 15 minutes (recorded after the redeem's own transaction, so a refusal still counts)."""
    now = now or timezone.now()
    if actor.role != Role.FAMILY:
        raise PermissionDenied
    until = familycodes.locked_until(_wrong_tries(actor, now), now)
    if until is not None:
        raise errors.FamilyJoinLocked(f"邀请码输错次数过多，请于 {timezone.localtime(until):%H:%M} 后再试")
    try:
        return _family_redeem(actor=actor, code=code, relation=_relation(relation), now=now)
    except (errors.FamilyCodeInvalid, errors.FamilyCodeExpired, errors.FamilyCodeUsed):
        FamilyCodeTry.objects.create(user=actor, tried_at=now)  # after the redeem's rollback: it counts
        raise


@transaction.atomic
def _family_redeem(*, actor: User, code: str, relation: str, now: dt.datetime) -> FamilyLink:
    typed = familycodes.normalise(code)
    if not familycodes.well_formed(typed):
        raise errors.FamilyCodeInvalid()
    invitation = (
        FamilyInvitation.objects.unscoped(reason="a family account redeems a code for someone not yet linked")
        .select_for_update()
        .select_related("elder")
        .filter(code_hash=blind_index(typed))
        .first()
    )
    if invitation is None:
        raise errors.FamilyCodeInvalid()
    if invitation.used_at is not None:
        raise errors.FamilyCodeUsed()
    if invitation.expires_at <= now:
        raise errors.FamilyCodeExpired()
    if invitation.elder.status != ElderStatus.ACTIVE:
        raise errors.ElderNotActive()
    invitation.used_by, invitation.used_at = actor, now
    invitation.save(update_fields=["used_by", "used_at"])
    return _link(actor=actor, user=actor, elder=invitation.elder, relation=relation)


@transaction.atomic
def family_unlink(*, actor: User, link_id: int) -> FamilyLink:
    """End a link (the community, or the family account itself). Repeating is harmless."""
    link = (
        FamilyLink.objects.for_user(actor)
        .select_for_update()
        .select_related("elder")
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise NotFound()
    if link.user_id != actor.pk:
        _family_elder(actor, link.elder_id)  # staff: the same checks as linking
    if link.active:
        link.active = False
        link.save(update_fields=["active"])
        audit.record(
            actor=actor,
            action="family.unlink",
            obj=link,
            object_repr=f"{link.elder.name} ← {link.user_id}",
            detail={"elder": link.elder_id, "user": link.user_id},
        )
    return link
