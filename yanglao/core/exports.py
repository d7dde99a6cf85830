"""Exports too large to write inside a web request run as a background job (issue 9, 6.4).

A module registers an exporter under a kind: ``count(user, params)`` sizes the work and ``write(user, params,
clear, fmt, handle, progress)`` writes it (the same function an inline download uses). Up to ``INLINE_MAX_ROWS``
rows are streamed in the request; more become an ``ExportJob`` whose page shows progress and then a download
link. The file is owner-only and deleted with the uploads after the retention period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yanglao.core import audit, uploads
from yanglao.core.models import ExportJob, User

log = logging.getLogger(__name__)
INLINE_MAX_ROWS = 20_000


@dataclass(frozen=True)
class Exporter:
    title: str
    count: Callable[[User, QueryDict], int]
    write: Callable[..., int]  # (user, params, clear, fmt, handle, progress) -> rows written
    check: Callable[[User, bool], None]  # raises PermissionDenied


EXPORTERS: dict[str, Exporter] = {}


def register(kind: str, exporter: Exporter) -> None:
    EXPORTERS[kind] = exporter


def _exporter(kind: str) -> Exporter:
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
