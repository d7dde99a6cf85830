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
from dataclasses import dataclass, field
from pathlib import Path

from django import db
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yanglao.core import audit, dbstats, events, masking, uploads
from yanglao.core import services as core_services
from yanglao.core.crypto import blind_index
from yanglao.core.errors import NotFound, RegionOutOfScope, UnknownRegion
from yanglao.core.models import Region, User
from yanglao.core.scoping import code_range_q, ensure_in_scope
from yanglao.people import columns, errors, fastinsert, reading, rows, worker
from yanglao.people.choices import ElderStatus, EventSource, LifeEventKind, TransferStatus
from yanglao.people.identity import normalise_id
from yanglao.people.models import Elder, ElderTransfer, EmergencyContact, Household, ImportJob, LifeEvent
from yanglao.people.names import pinyin_of
from yanglao.people.reports import ErrorWorkbook
from yanglao.people.schemas import ElderIn, ElderPatch

log = logging.getLogger(__name__)
CHUNK_ROWS = 5000
MAX_STORED_ERRORS = 1000
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
    "chronic_conditions",
    "row_hash",
)


# ---------------------------------------------------------------- values


def _contacts(elder_pk: int, contacts: list[dict]) -> list[EmergencyContact]:
    return [EmergencyContact(elder_id=elder_pk, position=n, **c) for n, c in enumerate(contacts, start=1)]


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
        EmergencyContact.objects.bulk_create(
            EmergencyContact(elder=elder, position=n, **c) for n, c in enumerate(contacts, start=1)
        )
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
        raise errors.InvalidTransfer(message, fields={"region_code": message})
    if date > timezone.localdate():
        raise errors.InvalidTransfer("迁居日期不能晚于今天", fields={"date": "迁居日期不能晚于今天"})
    if (
        ElderTransfer.objects.unscoped(reason="one pending transfer per person")
        .filter(elder=elder, status=TransferStatus.PENDING)
        .exists()
    ):
        raise errors.InvalidTransfer("该老人已有待接收的迁出转移", fields={"region_code": "已有待接收的转移"})
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


def _locked_transfer(actor: User, transfer_id: int) -> ElderTransfer:
    transfer = (
        ElderTransfer.objects.for_user(actor, action="change")
        .select_for_update()
        .select_related("elder")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None:
        raise NotFound()
    return transfer


def _transfer_step(
    actor: User, transfer_id: int, *, to: str, side: str, verb: str
) -> tuple[ElderTransfer, bool]:
    """Lock a transfer for one step of its workflow: (transfer, already done). Only a pending transfer moves
    on, and only by the street on ``side`` ("to": the receiving one, "from": the sending one)."""
    transfer = _locked_transfer(actor, transfer_id)
    if transfer.status == to:
        return transfer, True
    if transfer.status != TransferStatus.PENDING:
        raise errors.InvalidTransfer(f"该转移已{transfer.get_status_display()}，不能{verb}")
    region, end = (transfer.to_region_id, "迁入") if side == "to" else (transfer.from_region_id, "迁出")
    if not actor.in_scope(region):
        raise errors.InvalidTransfer(f"只能由{end}社区所在街道{verb}")
    return transfer, False


def _decide(transfer: ElderTransfer, actor: User, status: str, note: str) -> ElderTransfer:
    transfer.status, transfer.decided_by, transfer.decided_at = status, actor, timezone.now()
    transfer.decision_note = note[:300]
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return transfer


@transaction.atomic
def elder_transfer_accept(*, actor: User, transfer_id: int, note: str = "") -> ElderTransfer:
    """The receiving street takes the person in: the move happens now, dated as requested. Idempotent."""
    transfer, done = _transfer_step(actor, transfer_id, to=TransferStatus.ACCEPTED, side="to", verb="接收")
    if done:
        return transfer
    elder = (
        Elder.objects.unscoped(reason="accepting a transfer into the actor's scope")
        .select_for_update()
        .get(pk=transfer.elder_id)
    )
    if elder.status != ElderStatus.ACTIVE or elder.region_id != transfer.from_region_id:
        _decide(transfer, actor, TransferStatus.CANCELLED, "发起后该老人的状态或社区已变化，转移自动撤回")
        raise errors.InvalidTransfer("发起后该老人的状态或所属社区已变化，此转移已撤回，请重新发起")
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
    return _decide(transfer, actor, TransferStatus.ACCEPTED, note)


@transaction.atomic
def elder_transfer_reject(*, actor: User, transfer_id: int, note: str) -> ElderTransfer:
    """The receiving street refuses, with a reason the sender reads; the person stays where they were."""
    transfer, done = _transfer_step(actor, transfer_id, to=TransferStatus.REJECTED, side="to", verb="退回")
    if done:
        return transfer
    if not (note or "").strip():
        raise errors.InvalidTransfer("请填写退回原因", fields={"note": "请填写退回原因"})
    return _decide(transfer, actor, TransferStatus.REJECTED, note.strip())


@transaction.atomic
def elder_transfer_cancel(*, actor: User, transfer_id: int, note: str = "") -> ElderTransfer:
    """The sending street withdraws a transfer not yet accepted (``note``: why, optional)."""
    transfer, done = _transfer_step(actor, transfer_id, to=TransferStatus.CANCELLED, side="from", verb="撤回")
    if done:
        return transfer
    return _decide(transfer, actor, TransferStatus.CANCELLED, note.strip())


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


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    error_path: str = ""
    errors_total: int = 0  # every problem found; ``errors`` keeps the first MAX_STORED_ERRORS

    @property
    def errors_truncated(self) -> bool:
        return self.errors_total > len(self.errors)

    def as_json(self) -> dict:
        """The CLI's and the API's shape; ``errors_truncated`` says when only the first errors are listed."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": self.errors,
            "errors_truncated": self.errors_truncated,
            "errors_total": self.errors_total,
        }


class _Rejections:
    """Collects bad rows: all into the error workbook, the first MAX_STORED_ERRORS in memory."""

    def __init__(self, result: ImportResult, headers: list[str], report: ErrorWorkbook | None):
        self.result, self.headers, self.report = result, headers, report
        self.rows_seen: set[int] = set()

    def add(self, row_number: int, problems: list[tuple[str, str]], cells: list[object]) -> None:
        if row_number not in self.rows_seen:
            self.rows_seen.add(row_number)
            self.result.rejected += 1
        for column, reason in problems:
            self.result.errors_total += 1
            if len(self.result.errors) < MAX_STORED_ERRORS:
                self.result.errors.append({"row": row_number, "column": column, "reason": reason})
            if self.report:
                self.report.add(row_number, column, reason, cells)


def _check_headers(headers: list[str], required: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    missing = [h for h in required if h not in headers]
    if missing:
        raise errors.WrongHeaders(
            f"表头缺少：{'、'.join(missing)}。模板要求的表头为：{'、'.join(required)}"
            f"（可选：{'、'.join(h for h in allowed if h not in required)}）",
            fields={"file": "表头不符合模板"},
        )
    duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicated:
        raise errors.WrongHeaders(f"表头重复：{'、'.join(duplicated)}", fields={"file": "表头重复"})


def _scope_regions(actor: User) -> dict[str, str]:
    """Community-level codes the actor may file people under → level."""
    regions = Region.objects.filter(code_range_q(actor), level__in=("township", "village"))
    return dict(regions.values_list("code", "level"))


PARALLEL_FROM_ROWS = 20_000  # below this, starting a validation process costs more than it saves
IN_FLIGHT_CHUNKS = 3


def _chunks(row_iter):
    """Groups of (row number, raw cells) of CHUNK_ROWS non-blank rows."""
    chunk = []
    for number, raw in enumerate(row_iter, start=2):
        if reading.is_blank(raw):
            continue
        chunk.append((number, raw))
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepared(row_iter, index: dict[str, int], parallel: bool):
    """Yield chunks of (number, raw, ready | None, problems) in file order; ready is
    (id_hash, row_hash, region, copy line | None, Prepared | None) as rows.prepare_chunk makes it.

    With ``parallel`` a spawned process validates while this one writes the previous chunk, so both
    cores work (validation is pure Python; writing is COPY and the database). A bounded window of chunks
    in flight keeps memory flat however long the file is.
    """
    if not parallel:
        for chunk in _chunks(row_iter):
            outcome = rows.prepare_chunk(index, [raw for _, raw in chunk])
            yield [(n, raw, *out) for (n, raw), out in zip(chunk, outcome, strict=True)]
        return
    context = multiprocessing.get_context("spawn")
    copy = db.connection.vendor == "postgresql"  # elsewhere rows come back whole (slower, still correct)
    with context.Pool(1, initializer=worker.init) as pool:
        pending: collections.deque = collections.deque()
        for chunk in _chunks(row_iter):
            job = pool.apply_async(worker.prepare_chunk, (index, [raw for _, raw in chunk], copy))
            pending.append((chunk, job))
            if len(pending) >= IN_FLIGHT_CHUNKS:
                done, job = pending.popleft()
                yield [(n, raw, *out) for (n, raw), out in zip(done, job.get(), strict=True)]
        while pending:
            done, job = pending.popleft()
            yield [(n, raw, *out) for (n, raw), out in zip(done, job.get(), strict=True)]


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

    Chunks commit one by one, so a crash leaves a consistent prefix and a re-run finishes the job (the
    upsert is idempotent). ``dry_run`` validates and compares without writing. ``parallel`` (default: for
    large files, outside a transaction) validates in a second process.
    """
    if not actor.has_perm("people.add_elder"):
        raise PermissionDenied
    headers, row_iter, size = reading.open_rows(path)
    _check_headers(headers, columns.REQUIRED_HEADERS, columns.ALL_HEADERS)
    index = {h: i for i, h in enumerate(headers) if h in columns.ALL_HEADERS}
    if parallel is None:  # the fast hand-over is COPY lines, so PostgreSQL only
        parallel = (
            size >= PARALLEL_FROM_ROWS
            and db.connection.vendor == "postgresql"
            and not db.connection.in_atomic_block
        )
    allowed = _scope_regions(actor)
    known = None  # loaded lazily: only for the "does not exist" vs "out of scope" wording
    result = ImportResult()
    masked = not actor.has_perm("people.reveal_elder")
    report = ErrorWorkbook(report_path, headers, masked=masked) if report_path else None
    reject = _Rejections(result, headers, report)
    first_row_of: dict[str, int] = {}
    for chunk in _prepared(row_iter, index, parallel):
        batch = []
        for number, raw, ready, problems in chunk:
            result.rows += 1
            if ready is not None and ready[2] not in allowed:
                if known is None:
                    known = set(Region.objects.values_list("code", flat=True))
                code = ready[2]
                reason = (
                    f"区划代码 {code} 不在您的管辖范围内或不是社区级区划"
                    if code in known
                    else f"区划代码 {code} 不存在"
                )
                ready, problems = None, [("社区代码", reason)]
            if ready is None:
                reject.add(number, problems, raw)
                continue
            first = first_row_of.setdefault(ready[0], number)
            if first != number:
                reject.add(number, [("公民身份号码", f"与第 {first} 行重复（保留第 {first} 行）")], raw)
                continue
            batch.append((number, raw, ready))
        _flush(actor, batch, index, result, reject, dry_run)
        if on_progress:
            on_progress(result)
    if report:
        result.error_path = report.close() if result.rejected else ""
    if not dry_run:
        with transaction.atomic():
            core_services.audit_batch_record(
                actor=actor,
                action="elder.import",
                model=Elder,
                count=result.rows,
                detail={
                    "file": Path(path).name,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "rejected": result.rejected,
                },
            )
        if result.created or result.updated:
            dbstats.analyze(Elder, Household, EmergencyContact, LifeEvent)
    if on_progress:
        on_progress(result)
    return result


def _flush(
    actor: User,
    batch: list[tuple],
    index: dict[str, int],
    result: ImportResult,
    reject: _Rejections,
    dry_run: bool,
) -> None:
    """Decide create / update / unchanged / refuse for one chunk against the registry, then write it."""
    if not batch:
        return
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
            reject.add(number, [("公民身份号码", "该人员已登记死亡，不能通过导入恢复在册")], raw)
        elif not actor.in_scope(current["region_id"]):
            reject.add(number, [("公民身份号码", "该人员已在其他辖区登记，请由现辖区办理迁出后再导入")], raw)
        elif current["row_hash"] == fingerprint and current["status"] == ElderStatus.ACTIVE:
            result.unchanged += 1
        else:
            updates.append((prepared or rows.prepare(rows.cells_of(index, raw))[0], current))
    result.created += len(lines) + len(creates)
    result.updated += len(updates)
    if dry_run:
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


def death_list_import(
    *, actor: User, path: Path | str, source: str = EventSource.PUBLIC_SECURITY, dry_run: bool = False
) -> ImportResult:
    """A death-list exchange file (公民身份号码, 姓名, 死亡日期): mark the listed people deceased.

    IDs the registry does not hold, or holds outside the actor's scope, are reported as unmatched.
    """
    from yanglao.people.dates import parse_date

    if not actor.has_perm("people.change_elder"):
        raise PermissionDenied
    headers, row_iter, _ = reading.open_rows(path)
    _check_headers(headers, columns.DEATH_HEADERS, columns.DEATH_HEADERS)
    index = {h: headers.index(h) for h in columns.DEATH_HEADERS}
    result = ImportResult()
    reject = _Rejections(result, headers, None)
    today = timezone.localdate()
    for number, raw in enumerate(row_iter, start=2):
        if reading.is_blank(raw):
            continue
        result.rows += 1
        cell = {h: raw[i] if i < len(raw) else None for h, i in index.items()}
        try:
            id_number = normalise_id(cell["公民身份号码"], today=today)
        except ValueError as exc:
            reject.add(number, [("公民身份号码", str(exc))], raw)
            continue
        try:
            date = parse_date(cell["死亡日期"])
        except ValueError as exc:
            reject.add(number, [("死亡日期", str(exc))], raw)
            continue
        elder = Elder.objects.for_user(actor, action="change").filter(id_hash=blind_index(id_number)).first()
        if elder is None:
            result.unmatched.append(masking.mask_id(id_number))
            continue
        if elder.status == ElderStatus.DECEASED and elder.death_date == date:
            result.unchanged += 1
            continue
        if dry_run:
            result.updated += 1
            continue
        try:
            elder_record_death(actor=actor, elder_id=elder.pk, date=date, source=source, note="死亡名单交换")
            result.updated += 1
        except errors.InvalidLifeEvent as exc:
            reject.add(number, [("死亡日期", exc.message)], raw)
    if not dry_run:
        with transaction.atomic():
            core_services.audit_batch_record(
                actor=actor,
                action="elder.death_list",
                model=Elder,
                count=result.rows,
                detail={
                    "file": Path(path).name,
                    "marked": result.updated,
                    "unmatched": len(result.unmatched),
                },
            )
    return result


# ---------------------------------------------------------------- background import jobs


def import_job_create(
    *, actor: User, kind: str, filename: str, content: bytes, dry_run: bool = False
) -> ImportJob:
    """Keep the upload owner-only under var/imports and queue the job after commit."""
    from yanglao.people import tasks

    if not actor.has_perm("people.add_elder"):
        raise PermissionDenied
    suffix = Path(filename).suffix.lower()[:8]
    job = ImportJob.objects.create(actor=actor, kind=kind, filename=filename[:255], path="", dry_run=dry_run)
    target = uploads.write_private(Path(settings.IMPORT_DIR) / f"{job.pk}{suffix}", content)
    job.path = str(target)
    job.save(update_fields=["path"])
    transaction.on_commit(lambda: tasks.run_import_job.enqueue(job.pk))
    return job


@audit.as_job_owner(ImportJob)
def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job, writing progress per chunk. A refused file ends the job with its reason; any other
    failure ends it as failed too (logged in English with the traceback), so no job stays "running"."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
        return job
    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state"])
    _import_job_publish(job)

    def progress(result: ImportResult) -> None:
        job.rows, job.processed = result.rows, result.rows
        job.created, job.updated, job.unchanged, job.rejected = (
            result.created,
            result.updated,
            result.unchanged,
            result.rejected,
        )
        job.save(update_fields=["rows", "processed", "created", "updated", "unchanged", "rejected"])
        _import_job_publish(job)

    try:
        if job.kind == ImportJob.Kind.DEATHS:
            result = death_list_import(actor=job.actor, path=job.path, dry_run=job.dry_run)
            job.message = f"未匹配 {len(result.unmatched)} 人" if result.unmatched else ""
        else:
            result = elder_import_file(
                actor=job.actor,
                path=job.path,
                dry_run=job.dry_run,
                on_progress=progress,
                report_path=Path(job.path).with_suffix(".errors.xlsx"),
            )
        progress(result)
        job.errors = result.errors + [
            {"row": None, "column": "公民身份号码", "reason": f"未匹配：{u}"}
            for u in result.unmatched[:MAX_STORED_ERRORS]
        ]
        job.error_path = result.error_path
        uploads.make_private(job.error_path)
        job.state = ImportJob.State.DONE
        if result.rows == 0:
            job.message = "文件只有表头，没有数据行"
    except (errors.ImportFileInvalid, errors.WrongHeaders) as exc:
        job.state, job.message = ImportJob.State.FAILED, exc.message
    except Exception:  # a job must end; the reason is logged with its traceback
        log.exception("import job %s failed", job.pk)
        job.state = ImportJob.State.FAILED
        job.message = "导入因内部错误中止，已记录错误日志；已写入的数据保持一致，可修正文件后重新导入"
    job.finished_at = timezone.now()
    if job.dry_run or settings.IMPORT_RETENTION_DAYS <= 0:
        uploads.delete(job.path)
        job.path = ""
    job.save()
    _import_job_publish(job)
    return job


def _import_job_publish(job: ImportJob) -> None:
    """The live page's wake-up: the job's id, state and counts (no names or numbers), to its actor only."""
    events.publish_on_commit(
        "people.import.progress",
        {
            "job": job.pk,
            "state": job.state,
            "percent": job.percent,
            "rows": job.rows,
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
        },
        user_id=job.actor_id,
    )


def import_uploads_purge(*, now: dt.datetime | None = None) -> int:
    """Delete uploads and error reports older than the retention period; jobs keep their counts."""
    removed = uploads.purge(
        settings.IMPORT_DIR,
        older_than_days=settings.IMPORT_RETENTION_DAYS,
        now=(now or timezone.now()).timestamp(),
    )
    return removed
