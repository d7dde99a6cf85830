"""Files users upload (import workbooks) and the reports made from them: private, and not kept for ever.

They hold ID numbers and phones in clear, so the folder is owner-only (0700), every file owner-only (0600),
and ``purge`` deletes what has outlived the retention period (the registry's nightly
``core.tasks.purge_import_uploads`` job, which also clears background exports kept in the same folder).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)


def private_folder(folder: Path | str) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def write_private(path: Path | str, content: bytes) -> Path:
    """Create ``path`` readable by the server's user only (never world-readable, even for a moment)."""
    path = Path(path)
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, content)
    finally:
        os.close(fd)
    return path


def make_private(path: Path | str) -> None:
    if path and Path(path).exists():
        os.chmod(path, 0o600)


def delete(*paths: Path | str | None) -> None:
    for path in paths:
        if path:
            try:
                Path(path).unlink(missing_ok=True)
            except OSError:
                log.warning("could not delete upload %s", path, exc_info=True)


def purge(folder: Path | str, *, older_than_days: float, now: float | None = None) -> int:
    """Delete files in ``folder`` last modified more than ``older_than_days`` ago; returns how many."""
    folder = Path(folder)
    if not folder.exists():
        return 0
    limit = (now or time.time()) - older_than_days * 86400
    removed = 0
    for entry in folder.iterdir():
        if entry.is_file() and entry.stat().st_mtime < limit:
            delete(entry)
            removed += 1
    return removed
