"""What a request may carry before any rule looks at it: text, numbers, ids, JSON.

Text: no control characters (NUL included; tab and line breaks are fine) and no lone
surrogates; PostgreSQL refuses both, and nobody types them. Numbers: ASCII digits only
(`"²".isdigit()` is true, `int("²")` fails). Ids fit the INTEGER columns they are looked up
in. JSON bodies nest at most `MAX_JSON_DEPTH` deep.
"""
from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter, ValidationError

from .errors import fail

MAX_ID = 2**31 - 1  # ids are INTEGER columns (int4 on PostgreSQL)
MAX_JSON_DEPTH = 32

BAD_TEXT = "Nội dung có ký tự không hợp lệ (ký tự điều khiển hoặc ký tự lỗi). Vui lòng xóa ký tự đó và nhập lại."
BAD_ADDRESS = "Địa chỉ trang có ký tự không hợp lệ. Vui lòng mở lại trang từ trình đơn."

_BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DIGITS = re.compile("[0-9]{1,10}")


def has_bad_characters(text: str) -> bool:
    return _BAD_CHARACTERS.search(text) is not None


def parse_id(raw: str | None) -> int | None:
    """An id from a query string or form, or None when it is not one (never an exception)."""
    if raw is None or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def parse_natural(raw: str, limit: int) -> int | None:
    """A whole number 0..limit in ASCII digits, or None."""
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= limit else None


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits within an id's range, else the URL is a 404."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> Any:
        found = parse_id(value)
        if found is None:
            raise ValidationError()
        return found


def _depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            stack.extend((child, level + 1) for child in item)
    return deepest


class BoundedJSONProvider(DefaultJSONProvider):
    """Refuses bodies nested deeper than `MAX_JSON_DEPTH` as malformed (the API answers 422)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if _depth(value) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return value


def _refuse_bad_query_string() -> None:
    for key, value in request.args.items(multi=True):
        if has_bad_characters(key) or has_bad_characters(value):
            fail(400, BAD_ADDRESS)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: rules pick up the `int` converter when added."""
    app.url_map.converters["int"] = IdConverter
    app.json = BoundedJSONProvider(app)
    app.before_request(_refuse_bad_query_string)
