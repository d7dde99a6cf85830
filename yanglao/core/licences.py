"""The one licence rule (许可或备案) for organisations and facilities: none, expired, due soon or valid.

Pure: no Django. Pages style a licence by its ``kind``, never by comparing the Chinese label.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WARNING_DAYS = 90  # 即将到期: within this many days of expiry (a renewal takes about a quarter)


@dataclass(frozen=True)
class LicenceState:
    kind: str  # "none" | "expired" | "due" | "valid"
    label: str

    @property
    def expired(self) -> bool:
        return self.kind == "expired"


NONE = LicenceState("none", "未登记")
EXPIRED = LicenceState("expired", "已过期")
DUE = LicenceState("due", "即将到期")
VALID = LicenceState("valid", "有效")


def licence_state(number: str, expiry: dt.date | None, today: dt.date) -> LicenceState:
    """Without a number there is no licence; without an expiry date it does not lapse."""
    if not number:
        return NONE
    if expiry is None:
        return VALID
    if expiry < today:
        return EXPIRED
    return DUE if (expiry - today).days <= WARNING_DAYS else VALID
