"""The `cdht` command: serve the app, migrate, check criteria files, score answers, export."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from . import config as app_config
from . import create_app
from .db import db


def _create_app() -> Flask:
    """The app for a command; on the embedded database a development secret is made first."""
    folder = app_config.instance_path()
    if _embedded_database():
        folder.mkdir(parents=True, exist_ok=True)
        ensure_development_secret(folder)
    try:
        return create_app()
    except app_config.ConfigError as error:
        raise click.ClickException(str(error)) from None


def _embedded_database() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return not url or url.startswith("sqlite")


main = FlaskGroup(
    name="cdht",
    create_app=_create_app,
    load_dotenv=False,
    set_debug_flag=False,
    help="Công dân học tập: self-assessment for the learning citizen title.",
)


def ensure_development_secret(folder: Path) -> None:
    """Create a random secret in the instance folder for the embedded database.

    A production deployment (DATABASE_URL set) runs several servers that must share one
    secret, so there it has to come from the environment.
    """
    if os.environ.get("SECRET_KEY"):
        return
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        raise click.ClickException("SECRET_KEY must be set when DATABASE_URL points at a server.")
    path = folder / app_config.SECRET_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
        click.echo(f"Created a development secret key in {path}", err=True)


def prepare_database() -> None:
    """Migrate the schema and store the shipped criteria sets (inside an app context)."""
    from criteria import CriteriaError

    from . import criteria_store, migrate

    migrate.upgrade(db.engine)
    try:
        versions = criteria_store.sync_shipped(db.session)
    except (CriteriaError, criteria_store.CriteriaChanged) as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo("Database ready; criteria sets: " + ", ".join(v.key for v in versions))


@main.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 lets phones on the same network connect.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes (default: one per CPU core). Each uses about one core.")
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker: requests one worker serves at once (they share one core; "
                   "raise it when slow downloads should not hold up a worker).")
@click.option("--connections", default=1000, show_default=True, type=click.IntRange(10, 100000),
              help="Open connections per worker (idle phones included) before new ones wait.")
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(5, 600),
              help="Seconds a request may run before its worker is restarted.")
@click.option("--server", type=click.Choice(["auto", "gunicorn", "waitress"]), default="auto", show_default=True,
              help="gunicorn (Linux, several processes) or waitress (one process; runs on Windows).")
@click.option("--demo", is_flag=True, help="Load demo areas, units and one login per role.")
def serve_command(host: str, port: int, workers: int | None, threads: int, connections: int, timeout: int,
                  server: str, demo: bool) -> None:
    """Migrate the database, optionally load the demo, and serve."""
    from .serving import (
        ServeOptions,
        cannot_listen,
        default_workers,
        gunicorn_available,
        serve_gunicorn,
        serve_waitress,
    )

    problem = cannot_listen(host, port)
    if problem:
        raise click.ClickException(problem)
    app = _create_app()
    with app.app_context():
        prepare_database()
        if demo:
            _load_demo(app, host, port)
        db.remove(commit=False)
    db.engine_of(app).dispose()  # the workers open their own connections after the fork
    options = ServeOptions(host, port, workers or default_workers(), threads, connections, timeout)
    use_gunicorn = server == "gunicorn" or (server == "auto" and gunicorn_available())
    click.echo(f"Serving on http://{host}:{port}/ with {'gunicorn' if use_gunicorn else 'waitress'}, "
               f"{options.workers if use_gunicorn else 1} process(es)  (Ctrl+C to stop)")
    if use_gunicorn:
        serve_gunicorn(options)
    else:
        serve_waitress(app, options)


def _load_demo(app: Flask, host: str, port: int) -> None:
    from . import tokens
    from .demo import load_demo, open_drive, print_logins

    print_logins(load_demo(db.session))
    db.session.commit()
    drive = open_drive(db.session)
    if drive is not None:
        base = (app.config.get("PUBLIC_URL") or f"http://{host}:{port}").rstrip("/")
        link = f"{base}/join/{tokens.make_token(tokens.DRIVE, drive.id)}"
        click.echo(f"Class 10A1 drive link (open it to join as a new student): {link}")


@main.group("db")
def db_group() -> None:
    """Database schema migrations."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade_command() -> None:
    """Apply pending migrations and store the shipped criteria sets."""
    prepare_database()


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_appcontext
def db_revision_command(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from . import migrate

    migrate.make_revision(db.engine, message)


def _register_commands() -> None:
    from .commands.criteria import criteria_group, score_command

    main.add_command(criteria_group)
    main.add_command(score_command)
    from .commands.export import export_group
    main.add_command(export_group)


_register_commands()
