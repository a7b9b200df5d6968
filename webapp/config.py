"""Configuration read from the environment, checked before the app starts."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

SECRET_KEY_FILE = "secret_key"
MIN_SECRET_LENGTH = 32


class ConfigError(Exception):
    """The configuration cannot run; the message says what to set."""


def instance_path() -> Path:
    """Where the embedded database and the development secret live."""
    override = os.environ.get("CDHT_INSTANCE_PATH")
    if override:
        return Path(override).resolve()
    # Flask's rule: next to the package in a checkout, under sys.prefix/var when installed.
    return Path(Flask("webapp").instance_path)


def read_secret_file(folder: Path) -> str | None:
    path = folder / SECRET_KEY_FILE
    return path.read_text().strip() if path.is_file() else None


def from_environment(folder: Path) -> dict[str, Any]:
    """The settings of a normal run, from environment variables and the instance folder."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'cdht.sqlite3'}"
    public_url = (os.environ.get("CDHT_PUBLIC_URL") or "").strip() or None
    secure = os.environ.get("CDHT_SECURE_COOKIES") == "1" or bool(public_url and public_url.startswith("https://"))
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or read_secret_file(folder),
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        # The address people reach the app at (behind a reverse proxy): every QR code and
        # printed link is written with it. HTTPS there also means secure cookies and HSTS.
        "PUBLIC_URL": public_url,
        # How many reverse proxies in front of the app set X-Forwarded-* headers (0: trust none).
        "TRUST_PROXY": _count(os.environ.get("CDHT_TRUST_PROXY")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=60),
        # A member may spend a while on a form; the page refetches a token before sending.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        # How long signed links stay valid, in seconds.
        "MEMBER_QR_MAX_AGE": 7 * 24 * 3600,
        "CERTIFICATE_MAX_AGE": 5 * 365 * 24 * 3600,
        # A one-time password link (head's or administrator's) works this many hours.
        "PASSWORD_LINK_HOURS": _count(os.environ.get("CDHT_PASSWORD_LINK_HOURS"), "CDHT_PASSWORD_LINK_HOURS") or 4,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Optional: an SMTP server lets members with an e-mail login reset it themselves.
        "SMTP_HOST": (os.environ.get("CDHT_SMTP_HOST") or "").strip() or None,
        "SMTP_PORT": _count(os.environ.get("CDHT_SMTP_PORT"), "CDHT_SMTP_PORT") or 587,
        "SMTP_STARTTLS": os.environ.get("CDHT_SMTP_STARTTLS", "1") != "0",
        "SMTP_USER": os.environ.get("CDHT_SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("CDHT_SMTP_PASSWORD") or None,
        "MAIL_FROM": os.environ.get("CDHT_MAIL_FROM") or None,
    }


def _count(value: str | None, name: str = "CDHT_TRUST_PROXY") -> int:
    try:
        return max(0, int(value or "0"))
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (0, 1, 2…), got {value!r}.") from None


def check(config: dict[str, Any] | Any) -> None:
    """Refuse to start with a missing or short secret (tests may use a fixed one)."""
    secret = config.get("SECRET_KEY")
    if not secret or len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is missing or shorter than {MIN_SECRET_LENGTH} characters: "
            "set the SECRET_KEY environment variable (or run `cdht serve`, which creates a "
            "development key in the instance folder for the embedded database)."
        )
    public_url = config.get("PUBLIC_URL")
    if public_url and not public_url.startswith(("http://", "https://")):
        raise ConfigError(f"CDHT_PUBLIC_URL must start with http:// or https://, got {public_url!r}.")
