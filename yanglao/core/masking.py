"""How personal data looks to someone who may not reveal it: one rule for pages, API, exports and audit.

The rule (docs/decisions.md, "Masking"): nobody who cannot reveal a number may be able to rebuild it from
what else they see. An ID number's hidden middle is the birth date, so a masked ID keeps only the last four
characters (which searches use) and the birth date itself is shown as an age; the first six (the place of
birth registration) are hidden too, so age + last four leave thousands of candidates. Phones keep the
first three and last four digits, addresses their first six characters. Pure Python: no Django.
"""

from __future__ import annotations

import re

ID_MASK_STARS = 14
_ID = re.compile(r"\d{17}[\dXx]|\d{15}")
_PHONE = re.compile(r"\+?[\d\-\s]{7,20}")
_DATE = re.compile(r"(\d{4})-\d{2}-\d{2}")


def mask_id(number_or_last4: str) -> str:
    """``**************123X``: the last four characters only; empty stays empty."""
    if not number_or_last4:
        return ""
    return "*" * ID_MASK_STARS + number_or_last4[-4:]


def mask_phone(phone: str) -> str:
    """138****5678 for mobiles; landlines and short numbers keep only their last four digits."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_name(name: str) -> str:
    """张*明: the first and last characters of a name, the middle starred; 张* for two characters."""
    text = (name or "").strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_address(text: str) -> str:
    """The first six characters (district and street, not the door) and four stars."""
    if not text:
        return ""
    return text[:6] + "****" if len(text) > 6 else "****"


def mask_birth_date(value: str) -> str:
    """A birth date in an audit entry keeps its year only (the age is public within scope anyway)."""
    match = _DATE.fullmatch(value.strip())
    return f"{match.group(1)}-**-**" if match else "****"


def mask_value(value: str) -> str:
    """Mask a value whose kind is known only by its shape (django-auditlog's mask callable)."""
    text = str(value or "").strip()
    if not text or text == "None":
        return text
    if _ID.fullmatch(text):
        return mask_id(text)
    if _DATE.fullmatch(text):
        return mask_birth_date(text)
    if _PHONE.fullmatch(text) and sum(c.isdigit() for c in text) >= 7:
        return mask_phone(re.sub(r"[\s\-]", "", text))
    return mask_address(text)


def mask_search_text(text: str) -> str:
    """A search box's text as it may be kept in an audit entry: ID numbers and phones masked, names kept."""
    stripped = str(text or "").strip().replace(" ", "")
    if _ID.fullmatch(stripped):
        return mask_id(stripped)
    if re.fullmatch(r"[\d\-]{7,16}", stripped):
        return mask_phone(stripped.replace("-", ""))
    return text
