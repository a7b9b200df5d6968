"""Serving the app: gunicorn worker processes on Linux (every core), waitress where it must.

Python runs one thread at a time per process, so one process uses about one core; gunicorn
forks `workers` processes that each build the app from the factory (no state is shared: the
app keeps none in memory). Its threaded workers park idle keep-alive connections in a poller,
so a class of phones holding connections open cannot take every thread.
"""
from __future__ import annotations

import errno
import gc
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

from flask import Flask


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    threads: int
    connections: int  # simultaneous connections per worker before new ones wait
    timeout: int  # seconds a request may take before its worker is restarted


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def gunicorn_available() -> bool:
    try:
        import gunicorn  # noqa: F401
    except ImportError:  # Windows: gunicorn does not run there
        return False
    return os.name == "posix"


def cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, in one sentence; None when it can.

    gunicorn's workers each bind the port themselves (`reuse_port`), and a worker that cannot
    bind exits in a way its arbiter answers by starting another, forever; so `cdht serve` tries
    the address once before starting them: taken by something else (another program, another
    `cdht serve`), not an address of this machine, or not allowed.
    """
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        return f"Cannot listen on {host}: it is not an address of this machine or a name for one."
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind it
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"Port {port} on {host} is already in use: stop what listens there or choose another --port."
            return f"Cannot listen on {host} port {port}: {error.strerror}."
    return None


def freeze_startup_objects() -> None:
    """Leave what building the app created (modules, mappers, templates, compiled statements)
    out of every later garbage collection.

    A request allocates thousands of short-lived objects (ORM rows, template output), so the
    collector runs every few requests, and each full pass walked the app's hundred thousand
    startup objects again. Frozen, they are never scanned: measured in-process 3-7% less CPU
    per request (draft save 1.47-1.71 -> 1.38 ms, form page 2.13-2.16 -> 2.02-2.07 ms).
    """
    gc.collect()
    gc.freeze()


def serve_gunicorn(options: ServeOptions) -> None:
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):
        def load_config(self) -> None:
            settings: dict[str, Any] = {
                "bind": f"{options.host}:{options.port}",
                "workers": options.workers,
                "worker_class": "gthread",
                "threads": options.threads,
                "worker_connections": options.connections,
                # Each worker listens on the port itself (SO_REUSEPORT), so the kernel spreads new
                # connections over the workers. On one shared socket the worker that woke first took
                # most of a burst: 50 phones arriving at once were split 48/2, 34/16 or 30/20 between
                # two workers, and those on the busier one waited up to twice as long (p95 89-185 ms
                # for the same request, run to run; see README "Serving").
                "reuse_port": True,
                "timeout": options.timeout,
                "graceful_timeout": 20,
                "keepalive": 5,
                "proc_name": "cdht",
                "accesslog": None,
                "errorlog": "-",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            from . import create_app

            app = create_app()  # in each worker: its own engine and connection pool
            freeze_startup_objects()
            return app

    _Server().run()


def serve_waitress(app: Flask, options: ServeOptions) -> None:
    import waitress

    # Under load waitress warns once per queued task ("Task queue depth is N"): noise, not news.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    freeze_startup_objects()
    waitress.serve(app, host=options.host, port=options.port, threads=options.threads * options.workers,
                   connection_limit=options.connections * options.workers, channel_timeout=options.timeout,
                   ident="cdht")
