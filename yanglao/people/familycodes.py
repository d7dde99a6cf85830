"""Family invitation codes (家属绑定邀请码): how a code looks, how typed input is read back, and when too many
wrong tries lock an account's redeeming. Pure; the service stores only a keyed hash of the code.

A code is 7 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as ``K7Q-4MZP``:
31**7 ≈ 2.7 × 10**10 codes, and at most 5 wrong tries per 15 minutes per account.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 7
VALID_DAYS = 14
MAX_WRONG = 5
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)


def generate() -> str:
    """A new code in its display form (``K7Q-4MZP``)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return display(raw)


def display(raw: str) -> str:
    return f"{raw[:3]}-{raw[3:]}"


def normalise(typed: str) -> str:
    """What the person typed, as the code's canonical form: upper case, without spaces or dashes; look-alike
    letters read as the digits the alphabet keeps (O→0 is not in it, so O is left to fail)."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def locked_until(wrong_tries: Iterable[dt.datetime], now: dt.datetime) -> dt.datetime | None:
    """When ``MAX_WRONG`` wrong tries fall within ``WINDOW`` of each other, redeeming is locked for ``LOCK``
    from the last of them; returns the end of a lock still running at ``now``, else None."""
    tries = sorted(t for t in wrong_tries if t > now - WINDOW - LOCK)
    for i in range(len(tries) - MAX_WRONG + 1):
        first, last = tries[i], tries[i + MAX_WRONG - 1]
        if last - first <= WINDOW and now < last + LOCK:
            return last + LOCK
    return None
