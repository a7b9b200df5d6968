"""What the service worker precaches, and the version that names its caches.

The version is a hash of every file the offline shell is made of (static files, the worker
itself, the shell templates) and of the shipped criteria sets, so changing any of them makes
a new worker, which the browser installs beside the old one.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

import criteria

PACKAGE = Path(__file__).resolve().parent.parent
WORKER_FILE = "js/sw.js"
# Templates whose output the worker keeps (the offline page and the shell around it).
SHELL_TEMPLATES = ("base.html", "_nav.html", "pwa/offline.html")
# Static files the phone needs offline; anything else under static/ is fetched when used.
PRECACHED_SUFFIXES = (".css", ".js", ".svg", ".png", ".webmanifest")


@dataclass(frozen=True)
class Shell:
    version: str
    criteria_keys: tuple[str, ...]
    static_files: tuple[str, ...]

    def precache_urls(self, static_url: str) -> list[str]:
        """URLs the worker stores at install: the app shell and every criteria set."""
        urls = [f"{static_url}/{name}" for name in self.static_files]
        urls += ["/offline", "/manifest.webmanifest"]
        urls += [f"/api/criteria/{key}" for key in self.criteria_keys]
        return urls


def build(app: Flask) -> Shell:
    """Read the shell's files once and hash them (called at app start, and per request in debug)."""
    static = Path(app.static_folder or PACKAGE / "static")
    templates = PACKAGE / "templates"
    digest = hashlib.sha256()
    names = []
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        name = path.relative_to(static).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        if name != WORKER_FILE and path.suffix in PRECACHED_SUFFIXES:
            names.append(name)
    for name in SHELL_TEMPLATES:
        path = templates / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    shipped = sorted(criteria.load_shipped(), key=lambda c: c.key)
    for criteria_set in shipped:
        digest.update(f"{criteria_set.key}={criteria_set.digest}\0".encode())
    return Shell(
        version=digest.hexdigest()[:12],
        criteria_keys=tuple(c.key for c in shipped),
        static_files=tuple(names),
    )


def render_worker(app: Flask, shell: Shell, static_url: str) -> str:
    """The worker's source with its version and precache list written in."""
    source = (Path(app.static_folder or PACKAGE / "static") / WORKER_FILE).read_text("utf-8")
    return source.replace('"__CDHT_VERSION__"', json.dumps(shell.version)).replace(
        '"__CDHT_PRECACHE__"', json.dumps(shell.precache_urls(static_url))
    )
