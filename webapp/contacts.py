"""Phone numbers and emails as people type them, reduced to one comparable form.

Every input is bounded before it is looked at (254 characters, the longest e-mail address)
and checked in linear time: a login field is the first thing a stranger can send.
"""
from __future__ import annotations

import re

MAX_LENGTH = 254
_PHONE_NOISE = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"0\d{9,10}")


def normalise_phone(value: str) -> str | None:
    """'+84 901 234 567' and '0901.234.567' both give '0901234567'; None if not a phone."""
    if len(value) > MAX_LENGTH:
        return None
    digits = _PHONE_NOISE.sub("", value.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _PHONE.fullmatch(digits) else None


def normalise_email(value: str) -> str | None:
    """'Ten@Gmail.com ' gives 'ten@gmail.com'; None unless it looks like name@domain.tld."""
    if len(value) > MAX_LENGTH:
        return None
    email = value.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "@" in domain or any(ch.isspace() for ch in email):
        return None
    name, dot, tld = domain.rpartition(".")
    return email if dot and name and tld else None


def normalise_contact(value: str) -> str | None:
    """A login or roster contact: an email if it has '@', otherwise a phone number."""
    if len(value) > MAX_LENGTH:
        return None
    return normalise_email(value) if "@" in value else normalise_phone(value)
