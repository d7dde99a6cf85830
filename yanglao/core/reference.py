"""Reference data every database holds (divisions, role groups, the service catalogue …). Migrations load it
once; modules also register a loader here so a database emptied between browser tests gets it back."""

from __future__ import annotations

from collections.abc import Callable

LOADERS: dict[str, Callable[[], object]] = {}


def register(name: str, loader: Callable[[], object]) -> None:
    LOADERS[name] = loader


def load_all() -> None:
    for loader in LOADERS.values():
        loader()
