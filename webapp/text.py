"""Text as people type it, reduced to one stored form."""
from __future__ import annotations

import unicodedata


def clean_text(value: str | None) -> str:
    """NFC (Excel on Windows/macOS may give decomposed diacritics), trimmed, single spaces."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())
