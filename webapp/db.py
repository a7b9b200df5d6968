"""Database engine and the per-request session.

One `Database` object is bound to the app with `init_app`. Each request gets one session,
committed once at the end when the response is a success and rolled back otherwise
(see `webapp.__init__._bind_session_lifecycle`). A request that only reads writes nothing
(refused) and, on PostgreSQL, runs without a transaction, as do the JSON saves, whose writes
are each one statement complete by itself (`Database._begin_for_request`).
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Execution option: this transaction will write, take SQLite's write lock up front (PostgreSQL
# locks rows as it goes). A deferred BEGIN that read first cannot wait for another writer.
WRITE_LOCK = "cdht_write_lock"
# Session info key: this SQLite session began reading without the write lock (`reads_first`);
# `take_write_lock` takes it before the first write.
READS_FIRST = "cdht_reads_first"
# Session info key: the session of a request that only reads (GET, HEAD, OPTIONS); a write in
# it is refused (`refuse_writes_when_reading`).
READING = "cdht_reading"


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain PostgreSQL URLs (Heroku-style ones too)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _configure_sqlite(engine: Engine, busy_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and real transactions (so savepoints work).

    `synchronous=NORMAL` is WAL's recommended level: a commit no longer waits for the disk
    (an fsync took 2.5 ms here, longer than the rest of a draft save, while every other
    writer waited for the lock). A killed server loses nothing; only a power cut or an
    operating-system crash can undo the last commits before the next checkpoint, and the
    file is never corrupted. PostgreSQL, the production database, is unaffected.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT;
        # SQLAlchemy documents switching it off and emitting BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_LOCK):
            _begin_immediate(connection, busy_ms)
        else:
            connection.exec_driver_sql("BEGIN")


# How often a writer asks again for SQLite's write lock while another holds it. A draft save
# holds it about 1.5 ms; at 2 ms the lock sat idle between writers (measured with 50 phones:
# 0.5 ms served a third more saves, p95 107 instead of 160 ms; a miss costs microseconds).
LOCK_POLL_SECONDS = 0.0005


def _begin_immediate(connection: Any, busy_ms: int) -> None:
    """BEGIN IMMEDIATE, asking again every 0.5 ms until the busy timeout has passed.

    SQLite's own busy handler sleeps longer after each miss (up to 100 ms), so under a steady
    stream of writers a request that has waited a while sleeps through every release and loses
    the lock to newcomers, until its timeout ends in a 503. Asking at one short interval gives
    every waiter the same chance, and the lock is never left idle for long.
    """
    raw = connection.connection.dbapi_connection
    deadline = time.monotonic() + busy_ms / 1000
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    break
            time.sleep(LOCK_POLL_SECONDS)
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the last try fails as SQLAlchemy reports it
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(busy_ms)}")


def reads_first(view: F) -> F:
    """Mark a writing view whose writes are guarded by what it read (an UPDATE … WHERE version =
    the version read), each one statement that is all or nothing by itself
    (`assessments.writes`). On SQLite it reads without the write lock and calls
    `take_write_lock` before its first write: other writers no longer wait while it loads and
    checks. On PostgreSQL it runs without a transaction around its statements (autocommit), as
    a reading request does: a save is two round trips, its read and its write."""
    view.reads_first = True  # type: ignore[attr-defined]
    return view


class WriteWhileReading(RuntimeError):
    """A GET (or HEAD, OPTIONS) request tried to write: a bug, since its statements are not one
    transaction on PostgreSQL (`Database.session`), and a GET must not change anything anyway."""


def refuse_writes_when_reading(maker: sessionmaker[Session]) -> None:
    """Raise `WriteWhileReading` when a reading request's session flushes a change or runs an
    INSERT, UPDATE or DELETE (on every database, so a test on SQLite catches it too)."""

    @event.listens_for(maker, "before_flush")
    def _flush(session: Session, _context: Any, _instances: Any) -> None:
        if session.info.get(READING) and (session.new or session.deleted or session.dirty):
            raise WriteWhileReading(f"{request.method} {request.path} tried to write")

    @event.listens_for(maker, "do_orm_execute")
    def _execute(state: Any) -> None:
        if state.session.info.get(READING) and (state.is_insert or state.is_update or state.is_delete):
            raise WriteWhileReading(f"{request.method} {request.path} tried to write")


def take_write_lock(session: Session) -> None:
    """End the session's read and take SQLite's write lock for the writes and the commit.

    Only for a session begun by a `reads_first` view on SQLite; elsewhere nothing (PostgreSQL
    locks rows as it writes; other sessions took the lock when they began). The read ends first
    because in WAL mode a transaction that read cannot start writing once another connection
    has committed ("database is locked" at once, whatever the busy timeout). What was read may
    then be stale, so the caller's writes must be guarded by it: a row changed meanwhile is a
    conflict that writes nothing.
    """
    if not session.info.pop(READS_FIRST, False):
        return
    # Nothing is written yet: the commit only ends the read, and objects stay loaded
    # (expire_on_commit=False); a rollback would expire them all.
    session.commit()
    session.connection(execution_options={WRITE_LOCK: True})


def make_engine(url: str, busy_ms: int = 5000, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets the pragmas the app relies on."""
    url = normalise_url(url)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_ms)
    return engine


# A pooled server connection unused for longer than this is tested before a request gets it.
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN_AT = "cdht_checked_in_at"


def ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection as it is taken only when it sat unused a while.

    What drops a connection waiting in the pool (a server restart, a proxy's idle timeout) takes
    longer than a request; one handed back a moment ago is alive, and if the server went away
    since, the request fails as it would have mid-query: 503, try again (`errors`). Testing
    every checkout (`pool_pre_ping`) cost a round trip per request: 0.12 ms of the app's CPU
    here, as much as the whole commit. A connection that fails the test is replaced.
    """

    @event.listens_for(engine, "checkin")
    def _note(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _test(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_CHECKED_IN_AT, 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError() from error  # the pool replaces it and tries again


NOT_FOUND = "Không tìm thấy nội dung này; có thể nó đã bị xóa."


class Database:
    """Gives views and commands the session of the current app and request.

    The engine and session factory live in `app.extensions`, so two apps in one process
    (tests, a live server for the browser suite) never share a connection pool.
    """

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        engine = make_engine(url, busy_ms=app.config.get("SQLITE_BUSY_MS", 5000))
        if engine.dialect.name != "sqlite":  # a file cannot drop
            ping_when_idle(engine)
        maker = sessionmaker(bind=engine, expire_on_commit=False)
        refuse_writes_when_reading(maker)
        app.extensions["cdht_db"] = maker

    @staticmethod
    def sessionmaker_for(app: Flask) -> sessionmaker[Session]:
        return app.extensions["cdht_db"]

    @property
    def engine(self) -> Engine:
        return self.engine_of(current_app)

    def engine_of(self, app: Flask) -> Engine:
        return self.sessionmaker_for(app).kw["bind"]

    @property
    def session(self) -> Session:
        """The session of the current request (or app context), created on first use."""
        if "db_session" not in g:
            session = self.sessionmaker_for(current_app)()
            if has_request_context():
                self._begin_for_request(session)
            g.db_session = session
        return g.db_session

    def _begin_for_request(self, session: Session) -> None:
        """How a request's session begins, by what the request does."""
        if request.method not in WRITING_METHODS:
            self._read_only(session)
        elif g.get("db_gave_up"):
            return  # the pages shown after a lock timeout only read: they do not wait again
        elif self._reads_first_view():
            if session.get_bind().dialect.name == "sqlite":
                session.info[READS_FIRST] = True  # the lock waits for `take_write_lock`
            else:
                self._without_transaction(session)
        else:
            # A request that writes takes SQLite's write lock when it begins, so writers
            # queue behind the busy timeout instead of failing when they first write.
            session.connection(execution_options={WRITE_LOCK: True})

    @staticmethod
    def _reads_first_view() -> bool:
        """The request's view is marked `reads_first`."""
        return getattr(current_app.view_functions.get(request.endpoint or ""), "reads_first", False)

    @staticmethod
    def stream_rows_later() -> None:
        """This request's response reads rows in batches as it is sent (`reports.queries.stream`),
        through a server-side cursor on PostgreSQL, which lives only inside a transaction: the
        sessions it opens from now on keep one (see `_read_only`)."""
        g.db_streams_rows = True

    def _read_only(self, session: Session) -> None:
        """A request that only reads; on PostgreSQL its statements run without a transaction
        around them (autocommit), unless its response streams rows (`stream_rows_later`).

        Read committed, PostgreSQL's level, gives each statement its own snapshot anyway, so
        nothing changes for what a page sees; what goes are BEGIN and COMMIT, two of a form
        page's three round trips (measured: 0.12 ms of the app's CPU and 0.12 ms of the
        server's per page).
        """
        session.info[READING] = True
        if not g.get("db_streams_rows"):
            self._without_transaction(session)

    @staticmethod
    def _without_transaction(session: Session) -> None:
        """PostgreSQL: run the session's statements in autocommit (no BEGIN, no COMMIT). A test
        session bound to a connection (savepoint-isolated) keeps its transaction."""
        bind = session.get_bind()
        if isinstance(bind, Engine) and bind.dialect.name != "sqlite":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    def get_or_404(self, model: type[T], object_id: int, message: str | None = None, **get: Any) -> T:
        """The row with this id, or a Vietnamese 404 page (JSON under /api/).

        `get` goes to `Session.get` (`options=` loader options, `with_for_update=`).
        """
        found = self.session.get(model, object_id, **get)
        if found is None:
            from .errors import fail

            fail(404, message or NOT_FOUND)
        return found

    def give_up_writing(self) -> None:
        """Drop the request's session after the write lock could not be had; pages rendered
        afterwards (the error page, who is logged in) only read, so they do not wait again."""
        g.db_gave_up = True
        self.remove(commit=False)

    def rollback(self) -> None:
        """Undo the request's changes, keeping the session (and the logged-in user) usable."""
        session: Session | None = g.get("db_session")
        if session is not None:
            session.rollback()

    def remove(self, commit: bool) -> None:
        """End the current session: commit or roll back, then close."""
        session: Session | None = g.pop("db_session", None)
        if session is None:
            return
        try:
            if session.info.get(READING):
                pass  # nothing to commit or undo (`refuse_writes_when_reading`): close ends it
            elif commit:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()


db = Database()
