"""Phone numbers and emails as people type them, reduced to one comparable form."""
from __future__ import annotations

import re

_PHONE_NOISE = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"0\d{9,10}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalise_phone(value: str) -> str | None:
    """'+84 901 234 567' and '0901.234.567' both give '0901234567'; None if not a phone."""
    digits = _PHONE_NOISE.sub("", value.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _PHONE.fullmatch(digits) else None


def normalise_email(value: str) -> str | None:
    email = value.strip().lower()
    return email if _EMAIL.fullmatch(email) and len(email) <= 254 else None


def normalise_contact(value: str) -> str | None:
    """A login or roster contact: an email if it has '@', otherwise a phone number."""
    return normalise_email(value) if "@" in value else normalise_phone(value)
