"""One tabular pipeline for every upload (the platform-kit issue, item 3).

A module registers an ``Importer`` under a kind, the way it registers an exporter with ``core/exports.py``:
its declared ``Column``s (Chinese header, accepted aliases, required or not, masked or not), how one row is
validated (through the API's own input schema), how a batch of good rows is written (the upsert rule by a
natural key), the permission it needs and the audit action it records. The pipeline does the rest the same
way for every table: read ``.xlsx``/``.xls``/``.ods`` or CSV in UTF-8 or GB18030 (``core/reading.py``), match
headers, skip blank rows, validate, report every bad row with its row number, column and reason (and into an
error workbook with the original cells), keep every good row, dry run, progress, one batch audit entry per
import, ``ANALYZE`` after a bulk load.

Large uploads run as an ``ImportJob`` in the background worker: the upload is kept owner-only for the
retention period, progress is published as a live event to its actor, and the worker's heartbeat lets a
reader (the job page, the periodic sweep) end a job whose process died instead of showing it "running" for
ever. Commands may call ``import_file`` directly, without a job.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from yanglao.core import audit, dbstats, events, reading, schemas, tabular, uploads
from yanglao.core import services as core_services
from yanglao.core.errors import DomainError, ImportFileInvalid, WrongHeaders
from yanglao.core.models import ImportJob, User
from yanglao.core.tabular import ErrorWorkbook

log = logging.getLogger(__name__)

CHUNK_ROWS = 5000
MAX_STORED_ERRORS = 1000  # kept on the result and the job; the error workbook has every one
STALE_AFTER = dt.timedelta(minutes=15)  # a running job without a heartbeat for this long has died
PROGRESS_TOPIC = "import.progress"
STALE_MESSAGE = (
    "导入进程已意外中止（超过 {minutes} 分钟没有进展），任务已结束；已写入的数据保持一致，可重新上传导入"
)
CRASH_MESSAGE = "导入因内部错误中止，已记录错误日志；已写入的数据保持一致，可修正文件后重新导入"
NO_DATA_ROWS = "文件只有表头，没有数据行"
TITLE_ROW = "第 1 行像是标题行，请删除标题行，使表头位于第一行"

Problems = list[tuple[str, str]]  # (column header, reason in Chinese)


@dataclass(frozen=True)
class Column:
    """A declared column: ``name`` is the field of the row schema, ``header`` the template's Chinese header;
    ``aliases`` are other headers accepted for it (as clerks' own sheets name it). ``required`` means the
    header must be present; ``mask`` hides the cell in error reports from users without the reveal right;
    ``secret`` (a device key) hides it from everyone, whatever their rights."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    mask: Callable[[str], str] | None = None
    secret: bool = False


@dataclass
class ImportResult:
    """Counts and problems of one import; the CLI's ``--json`` and the job both show it."""

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


# A data row as the pipeline hands it on: (row number in the file, raw cells, validated value).
Row = tuple[int, list[object], Any]
# A validated chunk: (row number, raw cells, value or None, problems).
Checked = tuple[int, list[object], Any, Problems]


@dataclass
class ImportRun:
    """What an importer's hooks see of the import under way; ``state`` is theirs to keep lookups in."""

    importer: Importer
    actor: User
    path: Path
    dry_run: bool
    headers: list[str]  # as in the file
    index: dict[str, int]  # declared header → position in the file
    result: ImportResult
    size: int = 0  # rows the file claims (blank ones included), to size the work
    report: ErrorWorkbook | None = None
    state: dict[str, Any] = field(default_factory=dict)
    _rejected_rows: set[int] = field(default_factory=set)

    def cells(self, raw: Sequence[object]) -> dict[str, object]:
        """One row as declared header → cell (only the columns the file has)."""
        return {h: (raw[i] if i < len(raw) else None) for h, i in self.index.items()}

    def reject(self, row: int | None, problems: Problems, raw: Sequence[object] = ()) -> None:
        """Report a bad row: counted once however many problems it has; each problem kept (the first
        MAX_STORED_ERRORS in memory) and written to the error workbook with the row's cells."""
        if row is None or row not in self._rejected_rows:
            if row is not None:
                self._rejected_rows.add(row)
            self.result.rejected += 1
        for column, reason in problems:
            self.result.errors_total += 1
            if len(self.result.errors) < MAX_STORED_ERRORS:
                self.result.errors.append({"row": row, "column": column, "reason": reason})
            if self.report:
                self.report.add(row, column, reason, list(raw))


@dataclass(frozen=True)
class Importer:
    """A table a module accepts. ``validate(run, cells)`` checks one row (header → cell) and returns the
    value to write or the problems; ``write(run, rows)`` writes a chunk of good rows in one transaction,
    applying the upsert rule by ``upsert_key`` and counting created/updated/unchanged on ``run.result``
    (or rejecting rows the database refuses); in a dry run it decides and counts without writing.
    ``validate_chunks`` replaces per-row validation for importers that validate in another process."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    permission: str
    model: type[Model]  # what the batch audit entry is about
    audit_action: str
    upsert_key: str  # the natural key rows are matched on (a header), shown in the docs and template
    write: Callable[[ImportRun, list[Row]], None]
    validate: Callable[[ImportRun, dict[str, object]], tuple[Any, Problems]] | None = None
    validate_chunks: (
        Callable[[ImportRun, Iterator[list[tuple[int, list[object]]]]], Iterator[list[Checked]]] | None
    ) = None
    start: Callable[[ImportRun], None] | None = None  # load lookups once (scope, operators)
    audit_detail: Callable[[ImportRun], dict] | None = None
    analyze: tuple[type[Model], ...] = ()  # tables to ANALYZE after a real import wrote rows
    reveal_permission: str = ""  # without it, masked columns are masked in the error workbook
    keep_upload: bool = True  # False: the upload holds secrets (device keys) and is deleted when its job ends
    no_rows_is_error: bool = False  # a header-only file is refused rather than reported as empty
    unreadable_row: str = ""  # if set, a row the reader cannot read is reported with this and reading stops
    chunk_rows: int = CHUNK_ROWS
    template: Callable[[], bytes] | None = None  # a richer template than the declared columns give

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def header_of(self, name: str) -> str:
        """The Chinese header of a schema field (how an error on that field is reported)."""
        return next((c.header for c in self.columns if c.name == name), name)


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    IMPORTERS[importer.kind] = importer


def importer_get(kind: str) -> Importer:
    try:
        return IMPORTERS[kind]
    except KeyError as exc:
        raise PermissionDenied from exc


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, importer.title) for kind, importer in IMPORTERS.items()]


def importers_for(user: User) -> list[Importer]:
    """The importers ``user`` may run (the import pages list these and only their jobs)."""
    return [importer for importer in IMPORTERS.values() if user.has_perm(importer.permission)]


def template_workbook(importer: Importer) -> bytes:
    """The downloadable template: the importer's own if it has one, else the declared headers (required ones
    bold on yellow, every column text so ID numbers keep their digits) and a sheet saying what each accepts."""
    if importer.template is not None:
        return importer.template()
    return tabular.template_workbook(
        importer.title,
        [(c.header, c.required, c.aliases) for c in importer.columns],
        key=importer.upsert_key,
    )


# ---------------------------------------------------------------- validation helpers


def schema_validate(
    importer: Importer, schema: type[BaseModel], data: dict[str, object]
) -> tuple[BaseModel | None, Problems]:
    """Validate one row's field values with the API's input schema; each error is reported on its column's
    Chinese header in the API's own words (``core.schemas.field_message``)."""
    try:
        return schema.model_validate(data), []
    except PydanticValidationError as exc:
        problems: Problems = []
        for err in exc.errors():
            loc = err.get("loc", ())
            column = importer.header_of(str(loc[0])) if loc else "整行"
            if all(c != column for c, _ in problems):
                problems.append((column, schemas.field_message(err)))
        return None, problems


# ---------------------------------------------------------------- the pipeline


def _match_headers(importer: Importer, headers: list[str], rows: Iterator[list[object]]) -> dict[str, int]:
    """Declared header → position; refuse missing required headers (naming a title row above the header
    when that is the cause) and duplicated ones."""
    names: dict[str, str] = {}
    for column in importer.columns:
        for name in (column.header, *column.aliases):
            names.setdefault(name, column.header)
    index: dict[str, int] = {}
    seen: dict[str, int] = {}
    for position, text in enumerate(headers):
        header = names.get(text)
        if header is None:
            continue
        seen[header] = seen.get(header, 0) + 1
        index.setdefault(header, position)
    missing = [h for h in importer.required_headers if h not in index]
    if missing:
        following = next(rows, None) or []
        if any(names.get(str(cell or "").strip()) for cell in following):
            raise WrongHeaders(TITLE_ROW, fields={"file": "表头不在第一行"})
        optional = "、".join(h for h in importer.headers if h not in importer.required_headers)
        raise WrongHeaders(
            f"表头缺少必填列：{'、'.join(missing)}。模板要求的表头为：{'、'.join(importer.required_headers)}"
            + (f"（可选：{optional}）" if optional else ""),
            fields={"file": "表头不符合模板"},
        )
    duplicated = [h for h, n in seen.items() if n > 1]
    if duplicated:
        raise WrongHeaders(f"表头重复：{'、'.join(duplicated)}", fields={"file": "表头重复"})
    return index


def _chunks(run: ImportRun, rows: Iterator[list[object]]) -> Iterator[list[tuple[int, list[object]]]]:
    """Groups of (row number, raw cells) of non-blank rows; the header is row 1. A row the reader cannot
    read either fails the import (the reader's reason) or, for importers that say so, is reported and
    ends the reading."""
    chunk: list[tuple[int, list[object]]] = []
    number = 1
    while True:
        number += 1
        try:
            raw = next(rows)
        except StopIteration:
            break
        except ImportFileInvalid:
            if not run.importer.unreadable_row:
                raise
            if chunk:
                yield chunk
                chunk = []
            run.reject(number, [("", run.importer.unreadable_row)])
            break
        if reading.is_blank(raw):
            continue
        chunk.append((number, raw))
        if len(chunk) >= run.importer.chunk_rows:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _checked(run: ImportRun, chunks: Iterator[list[tuple[int, list[object]]]]) -> Iterator[list[Checked]]:
    importer = run.importer
    if importer.validate_chunks is not None:
        yield from importer.validate_chunks(run, chunks)
        return
    assert importer.validate is not None, f"importer {importer.kind} declares neither validate hook"
    for chunk in chunks:
        yield [(number, raw, *importer.validate(run, run.cells(raw))) for number, raw in chunk]


def import_file(
    *,
    actor: User,
    kind: str,
    path: Path | str,
    dry_run: bool = False,
    report_path: Path | str | None = None,
    on_progress: Callable[[ImportResult], None] | None = None,
    options: dict[str, Any] | None = None,
) -> ImportResult:
    """Run one file through the importer registered under ``kind``: every good row written (or, in a dry
    run, only counted), every bad row reported. Chunks commit one by one, so a crash leaves a consistent
    prefix and a re-run finishes the job (writes are upserts by the importer's key). One batch audit entry
    records the import (not for a dry run). ``options`` start the importer's ``run.state``."""
    importer = importer_get(kind)
    if not actor.has_perm(importer.permission):
        raise PermissionDenied
    path = Path(path)
    headers, rows, size = reading.open_rows(path)
    index = _match_headers(importer, headers, rows)
    result = ImportResult()
    report = None
    if report_path:
        masked = bool(importer.reveal_permission) and not actor.has_perm(importer.reveal_permission)
        masks = {c.header: c.mask for c in importer.columns if c.mask and (masked or c.secret)}
        maskers = {i: masks[h] for h, i in index.items() if h in masks}
        report = ErrorWorkbook(report_path, headers, maskers=maskers)
    run = ImportRun(importer, actor, path, dry_run, headers, index, result, size, report, dict(options or {}))
    if importer.start:
        importer.start(run)
    try:
        for chunk in _checked(run, _chunks(run, rows)):
            good: list[Row] = []
            for number, raw, value, problems in chunk:
                result.rows += 1
                if value is None:
                    run.reject(number, problems, raw)
                else:
                    good.append((number, raw, value))
            if good:
                importer.write(run, good)
            if on_progress:
                on_progress(result)
    finally:
        if report:
            report.close()
    # File order (a row refused on write comes after the chunk's validation errors otherwise).
    result.errors.sort(key=lambda e: (e["row"] is None, e["row"] or 0))
    if report and result.rejected:
        result.error_path = report.path
    elif report:
        uploads.delete(report.path)
    if result.rows == 0 and not result.errors and importer.no_rows_is_error:
        raise DomainError(NO_DATA_ROWS)
    if not dry_run:
        detail = {
            "file": path.name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
        }
        if importer.audit_detail:
            detail |= importer.audit_detail(run)
        with transaction.atomic():
            core_services.audit_batch_record(
                actor=actor,
                action=importer.audit_action,
                model=importer.model,
                count=result.rows,
                detail=detail,
            )
        if importer.analyze and (result.created or result.updated):
            dbstats.analyze(*importer.analyze)
    if on_progress:
        on_progress(result)
    return result


# ---------------------------------------------------------------- background jobs


def _precheck(importer: Importer, path: Path) -> None:
    """What the upload page can refuse at once, on the form: an empty, unreadable or wrongly headed file, and
    a header-only one for importers that refuse it. Larger files are read once, by the job."""
    if path.stat().st_size > settings.IMPORT_PRECHECK_BYTES:
        return
    try:
        headers, rows, _size = reading.open_rows(path)
        _match_headers(importer, headers, rows)
        if importer.no_rows_is_error and all(reading.is_blank(raw) for raw in rows):
            raise DomainError(NO_DATA_ROWS)
    except DomainError as exc:
        raise type(exc)(exc.message, fields={"file": exc.message}, code=exc.code) from exc


def import_job_create(
    *,
    actor: User,
    kind: str,
    filename: str,
    content: bytes,
    dry_run: bool = False,
    check: bool = False,
) -> ImportJob:
    """Keep the upload owner-only under the import folder and queue the job after commit. With ``check``
    (the upload page) a file the job would refuse at once is refused here, on the file field, and no job
    is left behind."""
    importer = importer_get(kind)
    if not actor.has_perm(importer.permission):
        raise PermissionDenied
    suffix = Path(filename).suffix.lower()[:8]
    with transaction.atomic():
        job = ImportJob.objects.create(
            actor=actor, kind=kind, title=importer.title, filename=filename[:255], path="", dry_run=dry_run
        )
        target = uploads.write_private(Path(settings.IMPORT_DIR) / f"{job.pk}{suffix}", content)
        if check:
            try:
                _precheck(importer, target)
            except DomainError:
                uploads.delete(target)
                raise
        job.path = str(target)
        job.save(update_fields=["path"])
    from yanglao.core import tasks

    transaction.on_commit(lambda: tasks.run_import_job.enqueue(job.pk))
    return job


@audit.as_job_owner(ImportJob)
def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job, writing counts and the heartbeat per chunk. A refused file ends the job with its
    reason; any other failure ends it as failed too (logged in English with the traceback)."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
        return job
    job.state = ImportJob.State.RUNNING
    job.heartbeat_at = timezone.now()
    job.worker_host, job.worker_pid = socket.gethostname()[:255], os.getpid()
    job.save(update_fields=["state", "heartbeat_at", "worker_host", "worker_pid"])
    _publish(job)

    def progress(result: ImportResult) -> None:
        job.rows = job.processed = result.rows
        job.created, job.updated, job.unchanged, job.rejected = (
            result.created,
            result.updated,
            result.unchanged,
            result.rejected,
        )
        job.heartbeat_at = timezone.now()
        job.save(
            update_fields=["rows", "processed", "created", "updated", "unchanged", "rejected", "heartbeat_at"]
        )
        _publish(job)

    try:
        result = import_file(
            actor=job.actor,
            kind=job.kind,
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
            job.message = NO_DATA_ROWS
        elif result.unmatched:
            job.message = f"未匹配 {len(result.unmatched)} 人"
    except DomainError as exc:
        job.state, job.message = ImportJob.State.FAILED, exc.message
    except PermissionDenied:
        job.state, job.message = ImportJob.State.FAILED, "您已没有导入权限"
    except Exception:  # a job must end; the reason is logged with its traceback
        log.exception("import job %s failed", job.pk)
        job.state, job.message = ImportJob.State.FAILED, CRASH_MESSAGE
    job.finished_at = timezone.now()
    if job.dry_run or settings.IMPORT_RETENTION_DAYS <= 0 or not _keeps_upload(job.kind):
        uploads.delete(job.path)
        job.path = ""
    job.save()
    _publish(job)
    return job


def _keeps_upload(kind: str) -> bool:
    importer = IMPORTERS.get(kind)
    return importer is None or importer.keep_upload


def _publish(job: ImportJob) -> None:
    """The live page's wake-up: the job's id, state and counts (no names or numbers), to its actor only."""
    events.publish_on_commit(
        PROGRESS_TOPIC,
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


def _process_gone(job: ImportJob) -> bool:
    """The job's worker ran on this machine and its process no longer exists."""
    if not job.worker_pid or job.worker_host != socket.gethostname()[:255]:
        return False
    try:
        os.kill(job.worker_pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def _stale(jobs: Iterable[ImportJob], now: dt.datetime) -> list[ImportJob]:
    limit = now - STALE_AFTER
    return [
        job
        for job in jobs
        if job.state == ImportJob.State.RUNNING
        and ((job.heartbeat_at or job.created_at) < limit or _process_gone(job))
    ]


def import_jobs_expire(*, jobs: Iterable[ImportJob] | None = None, now: dt.datetime | None = None) -> int:
    """End running jobs whose worker died (no heartbeat for ``STALE_AFTER``, or its process is gone) as
    failed with a Chinese reason; their rows so far are committed and consistent. Idempotent: only a
    still-running row is changed, so a worker that was merely slow and finishes later wins."""
    now = now or timezone.now()
    if jobs is None:
        jobs = ImportJob.objects.filter(state=ImportJob.State.RUNNING)
    ended = 0
    message = STALE_MESSAGE.format(minutes=int(STALE_AFTER.total_seconds() // 60))
    for job in _stale(jobs, now):
        changed = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
            state=ImportJob.State.FAILED, message=message, finished_at=now
        )
        if changed:
            log.warning("import job %s ended: worker gone or silent since %s", job.pk, job.heartbeat_at)
            job.state, job.message, job.finished_at = ImportJob.State.FAILED, message, now
            ended += 1
    return ended


def import_jobs(*, user: User) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.all() if user.is_superuser else ImportJob.objects.filter(actor=user)
    return qs.order_by("-created_at")


def import_jobs_own(*, user: User) -> QuerySet[ImportJob]:
    """The job list's rows: the user's own jobs of the kinds they may still import, newest first (keyset
    ``-created_at, -pk``)."""
    kinds = [importer.kind for importer in importers_for(user)]
    return ImportJob.objects.filter(actor=user, kind__in=kinds).order_by("-created_at", "-pk")


def import_job_get(*, user: User, job_id: int) -> ImportJob:
    """The job as its actor may see it; a job whose worker died is ended here, on read, so the page never
    shows "running" for a job nobody runs."""
    job = get_object_or_404(import_jobs(user=user), pk=job_id)
    import_jobs_expire(jobs=[job])
    return job


def import_uploads_purge(*, now: dt.datetime | None = None) -> int:
    """Delete uploads, error reports and background exports older than the retention period (jobs keep
    their counts); end jobs whose worker died."""
    now = now or timezone.now()
    import_jobs_expire(now=now)
    return uploads.purge(
        settings.IMPORT_DIR, older_than_days=settings.IMPORT_RETENTION_DAYS, now=now.timestamp()
    )
