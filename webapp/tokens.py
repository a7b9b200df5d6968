"""Signed, expiring tokens for links carried by QR codes.

Each purpose has its own salt, so a token made for one purpose never opens another. Tokens
are stateless (signed with SECRET_KEY), so any app server can check them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

MEMBER_QR = "member-qr"        # a head scans it to open an assessment for confirmation
CERTIFICATE = "certificate"    # anyone scans it to verify a title
DRIVE = "drive"                # a class scans the poster to join a unit and assess


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"cdht.{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def read_token_and_time(purpose: str, token: str, max_age: int) -> tuple[Any, datetime] | None:
    """The payload and when it was signed, or None like `read_token`."""
    try:
        payload, signed_at = _serializer(purpose).loads(token, max_age=max_age, return_timestamp=True)
    except BadSignature:
        return None
    return payload, signed_at


def read_token(purpose: str, token: str, max_age: int) -> Any | None:
    """The payload, or None when the token is tampered with, foreign or older than max_age."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
