"""The shipped instruments, read once from instruments/*.json. Pure Python, no Django."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "instruments"


class UnknownInstrument(KeyError):
    pass


@cache
def all_instruments() -> dict[str, dict]:
    found = {}
    for path in sorted(FOLDER.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["code"]] = data
    return found


def get(code: str) -> dict:
    try:
        return all_instruments()[code]
    except KeyError:
        raise UnknownInstrument(code) from None
