"""List exports: one writer behind every list, inline or as a background job.

A module declares a ``ListExport``: its kind, its filter set (the list's own, so the file holds exactly what
the page shows), its columns masked and in clear, the rights, and a row function. The kit does the rest:
``.xlsx`` in constant memory split across sheets past Excel's row limit, or streamed CSV with a BOM, cells made
formula-safe (core.tabular), one audit entry with the filter (search text masked) and the row count. Up to
``INLINE_MAX_ROWS`` rows download in the request; more become an ``ExportJob`` whose page shows progress and
then a download link. The file is owner-only and deleted with the uploads after the retention period.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from yanglao.core import audit, lists, tabular, uploads
from yanglao.core.models import ExportJob, User

log = logging.getLogger(__name__)
INLINE_MAX_ROWS = 20_000
PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class ListExport:
    """A list's export, declared once. ``row(obj, clear, context)`` gives the cells in ``headers(clear)``
    order; ``context`` is what ``prepare_context(user)`` built once per file (today's date, lookups)."""

    kind: str
    title: str
    filename: str  # ASCII stem of the downloaded file
    filterset: type[lists.ScopedFilterSet]
    masked_headers: tuple[str, ...]
    clear_headers: tuple[str, ...]
    row: Callable[..., list]
    permission: str | tuple[str, ...]  # every one is needed
    reveal_permission: str = ""  # empty: this list has nothing to reveal, so no clear export
    prepare: Callable[[QuerySet, bool], QuerySet] = lambda qs, clear: qs
    prepare_context: Callable[[User], dict] = field(default=lambda user: {})
    audit_action: str = ""  # the audit entry's name; "<kind>.export" unless declared

    def headers(self, clear: bool) -> list[str]:
        return list(self.clear_headers if clear else self.masked_headers)

    def check(self, user: User, clear: bool) -> None:
        needed = (self.permission,) if isinstance(self.permission, str) else self.permission
        if not user.has_perms(needed):
            raise PermissionDenied
        if clear and not (self.reveal_permission and user.has_perm(self.reveal_permission)):
            raise PermissionDenied

    def filterset_for(self, user: User, params: QueryDict) -> lists.ScopedFilterSet:
        return self.filterset(params, user=user)

    def count(self, user: User, params: QueryDict) -> int:
        return self.filterset_for(user, params).qs.order_by().count()

    def rows(self, user: User, fs: lists.ScopedFilterSet, clear: bool) -> Iterator[list]:
        context = self.prepare_context(user)
        for obj in self.prepare(fs.qs, clear).iterator(chunk_size=2000):
            yield self.row(obj, clear, context)

    def audit(self, user: User, fs: lists.ScopedFilterSet, fmt: str, count: int, clear: bool) -> None:
        from yanglao.core import services

        with transaction.atomic():
            services.audit_batch_record(
                actor=user,
                action=self.audit_action or f"{self.kind}.export",
                model=fs._meta.model,
                count=count,
                detail={"format": fmt, "clear": clear, "filters": fs.describe()},
            )

    def write(
        self,
        user: User,
        params: QueryDict,
        clear: bool,
        fmt: str,
        handle: IO[bytes],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the whole file to ``handle``; the job's and the inline download's one writer."""
        self.check(user, clear)
        fs = self.filterset_for(user, params)
        written = 0

        def counted() -> Iterator[list]:
            nonlocal written
            for written, row in enumerate(self.rows(user, fs, clear), start=1):
                if progress and written % PROGRESS_EVERY == 0:
                    progress(written)
                yield row

        if fmt == "csv":
            for block in tabular.csv_stream(self.headers(clear), counted()):
                handle.write(block)
        else:
            tabular.write_xlsx(handle, sheet_name=self.title, headers=self.headers(clear), rows=counted())
        self.audit(user, fs, fmt, written, clear)
        return written

    def csv_stream(self, user: User, params: QueryDict, clear: bool) -> Iterator[bytes]:
        """Stream CSV in the request; the audit entry (with the count) is written before the first byte."""
        self.check(user, clear)
        fs = self.filterset_for(user, params)
        self.audit(user, fs, "csv", fs.qs.order_by().count(), clear)
        return tabular.csv_stream(self.headers(clear), self.rows(user, fs, clear))

    def respond(self, request: HttpRequest) -> HttpResponseBase:
        """The export link's view: the current filter, inline when small, a background job when large."""
        user = request.user
        assert isinstance(user, User)
        clear = request.GET.get("clear") == "1"
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        self.check(user, clear)
        params = QueryDict(lists.query_without(request.GET, *lists.NOT_FILTERS))
        total = self.count(user, params)
        if total > INLINE_MAX_ROWS:
            job = export_job_create(
                actor=user, kind=self.kind, params=params.urlencode(), fmt=fmt, clear=clear, total=total
            )
            return redirect("core:export_detail", pk=job.pk)
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        if fmt == "csv":
            response = StreamingHttpResponse(
                self.csv_stream(user, params, clear), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{self.filename}-{stamp}.csv"'
            return response
        handle = tempfile.TemporaryFile()
        self.write(user, params, clear, "xlsx", handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"{self.filename}-{stamp}.xlsx")


EXPORTERS: dict[str, ListExport] = {}


def register(exporter: ListExport) -> ListExport:
    EXPORTERS[exporter.kind] = exporter
    return exporter


def _exporter(kind: str) -> ListExport:
    try:
        return EXPORTERS[kind]
    except KeyError as exc:
        raise PermissionDenied from exc


def export_job_create(*, actor: User, kind: str, params: str, fmt: str, clear: bool, total: int) -> ExportJob:
    """Queue a large export after commit; the rights are checked now and again when it runs."""
    exporter = _exporter(kind)
    exporter.check(actor, clear)
    job = ExportJob.objects.create(
        actor=actor,
        kind=kind,
        title=exporter.title,
        params=params[:2000],
        fmt="csv" if fmt == "csv" else "xlsx",
        clear=clear,
        total=total,
    )
    from yanglao.core import tasks

    transaction.on_commit(lambda: tasks.run_export_job.enqueue(job.pk))
    return job


@audit.as_job_owner(ExportJob)
def export_job_run(*, job_id: int) -> ExportJob:
    """Write the file with progress; any failure ends the job as failed with a Chinese reason."""
    job = ExportJob.objects.select_related("actor").get(pk=job_id)
    if job.state in (ExportJob.State.DONE, ExportJob.State.FAILED):
        return job
    job.state = ExportJob.State.RUNNING
    job.save(update_fields=["state"])

    def progress(written: int) -> None:
        job.written = written
        job.save(update_fields=["written"])

    path = uploads.private_folder(Path(settings.IMPORT_DIR)) / f"export-{job.pk}.{job.fmt}"
    try:
        exporter = _exporter(job.kind)
        exporter.check(job.actor, job.clear)
        with open(path, "wb") as handle:
            uploads.make_private(path)
            written = exporter.write(job.actor, QueryDict(job.params), job.clear, job.fmt, handle, progress)
        job.written, job.path, job.state = written, str(path), ExportJob.State.DONE
    except PermissionDenied:
        uploads.delete(path)
        job.state, job.message = ExportJob.State.FAILED, "您已没有导出权限"
    except Exception:  # a job must end; the traceback goes to the log
        log.exception("export job %s failed", job.pk)
        uploads.delete(path)
        job.state, job.message = ExportJob.State.FAILED, "导出因内部错误中止，已记录错误日志，请稍后重试"
    job.finished_at = timezone.now()
    job.save()
    return job


def export_jobs(*, user: User) -> QuerySet[ExportJob]:
    qs = ExportJob.objects.all() if user.is_superuser else ExportJob.objects.filter(actor=user)
    return qs.order_by("-created_at")


def export_job_get(*, user: User, job_id: int) -> ExportJob:
    return get_object_or_404(export_jobs(user=user), pk=job_id)
