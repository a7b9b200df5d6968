"""Vietnamese names as class lists order and find them.

A class list is ordered by given name (the last word), then by family and middle names, with
the letters in Vietnamese order (a ă â b c d đ e ê … o ô ơ … u ư …) and the tones compared only
when the letters are equal (ngang, huyền, hỏi, ngã, sắc, nặng, as CLDR's Vietnamese collation
does). Neither SQLite nor a PostgreSQL built with any locale knows that order, so `sort_key`
writes it as a string of digits: every collation orders digit strings the same way, and the
database can sort and paginate on a plain indexed column.
"""
from __future__ import annotations

import unicodedata

SORT_KEY_LIMIT = 400

_LETTERS = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Two digits per letter, from 10 up, so "00" (end of a word) sorts before every letter.
_CODES = {letter: f"{10 + i:02d}" for i, letter in enumerate(_LETTERS)}
_WORD_END = "00"
# Combining marks that are tones; breve, circumflex and horn make letters of their own.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_WITH_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_WITH_HORN = {"o": "ơ", "u": "ư"}


def _letters_and_tone(word: str) -> tuple[list[str], str]:
    """The word's Vietnamese letters (ư, not u + horn) and its tone digit ("0": no tone)."""
    letters: list[str] = []
    tone = "0"
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONES:
            tone = _TONES[char] if tone == "0" else tone
        elif char == "\u0306" and letters and letters[-1] == "a":
            letters[-1] = "ă"
        elif char == "\u0302" and letters and letters[-1] in _WITH_CIRCUMFLEX:
            letters[-1] = _WITH_CIRCUMFLEX[letters[-1]]
        elif char == "\u031b" and letters and letters[-1] in _WITH_HORN:
            letters[-1] = _WITH_HORN[letters[-1]]
        elif char in _CODES:
            letters.append(char)
    return letters, tone


def _ordered_words(full_name: str) -> list[str]:
    """Given name first, then family and middle names in their order."""
    words = full_name.split()
    return words[-1:] + words[:-1]


def sort_key(full_name: str) -> str:
    """A digit string whose plain order is Vietnamese class-list order of the names."""
    letters_part, tones_part = [], []
    for word in _ordered_words(full_name):
        letters, tone = _letters_and_tone(word)
        letters_part.append("".join(_CODES[letter] for letter in letters) + _WORD_END)
        tones_part.append(tone)
    key = "".join(letters_part) + _WORD_END + "".join(tones_part)
    return key[:SORT_KEY_LIMIT]


def search_text(text: str) -> str:
    """Lower case without diacritics ("nguyen van a"), so people can type without them."""
    plain = "".join(
        char for char in unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
        if not unicodedata.combining(char)
    )
    return " ".join(plain.split())
