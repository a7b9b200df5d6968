"""A real server and Debian's chromium for the browser suite.

Skipped, with the reason, where /usr/bin/chromium or the playwright package is missing.
Never runs `playwright install`: the browser is the system's.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CDHT_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 800}
SECRET = "browser-suite-secret-key-long-enough-for-the-check"

HERE = Path(__file__).resolve().parent


def _missing() -> str | None:
    """Why the browser suite cannot run here, or None."""
    if not Path(CHROMIUM).is_file():
        return f"browser tests need chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the playwright package (pip install '.[test]')"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    if reason is None:
        return
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Site:
    """The running server and the people seeded into it."""

    url: str
    app: object
    ids: dict[str, int]

    def session(self):  # type: ignore[no-untyped-def]
        return self.app.extensions["cdht_db"]()  # type: ignore[attr-defined]

    def cookie_for(self, user_id: int) -> dict[str, str]:
        """A signed Flask session cookie that logs `user_id` in (the login form has its own tests)."""
        from webapp.models import User

        with self.session() as session:
            cookie_id = session.get(User, user_id).get_id()
        serializer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
        value = serializer.dumps({"_user_id": cookie_id, "_fresh": True})
        return {"name": "session", "value": value, "url": self.url}


def _seed(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from webapp.assessments import operations
    from webapp.models import (
        Area,
        AssessmentYear,
        Membership,
        Role,
        RoleGrant,
        Unit,
        UnitKind,
        User,
        YearKind,
    )

    ids: dict[str, int] = {}
    with app.extensions["cdht_db"]() as session:
        area = Area(code="HCM", name="Thành phố Hồ Chí Minh", level="Tỉnh/Thành phố")
        session.add(area)
        session.flush()
        area.set_path()
        unit = Unit(code="THPT-LQD", name="Trường THPT Lê Quý Đôn", kind=UnitKind.HIGH_SCHOOL,
                    area=area)
        today = date.today()
        year = AssessmentYear(label="2026", kind=YearKind.STAFF, is_open=True,
                              starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300))
        session.add_all([unit, year])
        session.flush()

        def person(key: str, name: str, phone: str) -> User:
            user = User(full_name=name, phone=phone, password_hash="")
            user.set_password("mat-khau-thu-nghiem")
            session.add(user)
            session.flush()
            ids[key] = user.id
            return user

        head = person("head", "Phạm Thị Hiệu Trưởng", "0900000001")
        session.add(RoleGrant(user=head, role=Role.UNIT_HEAD, unit=unit))
        for key, name, phone in [("reload", "Nguyễn Văn An", "0900000002"),
                                 ("offline", "Trần Thị Bình", "0900000003"),
                                 ("review", "Lê Văn Cường", "0900000004")]:
            member = person(key, name, phone)
            line = Membership(unit=unit, year=year, user=member, appendix="IV", contact=phone,
                              full_name=name, section="Tổ Toán")
            session.add(line)
            session.flush()
            assessment = operations.start(session, member, line)
            ids[f"{key}_assessment"] = assessment.id
            if key == "review":
                operations.submit(session, member, assessment,
                                  {str(code): 8 for code in range(1, 11)},
                                  {"1": "Đọc sách", "2": "Lớp bồi dưỡng hè 2026", "3": "CLB Toán học"})
        session.commit()
    return ids


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from werkzeug.serving import make_server

    from webapp import create_app, criteria_store, migrate

    folder = tmp_path_factory.mktemp("browser")
    app = create_app({
        "SECRET_KEY": SECRET,
        "DATABASE_URL": f"sqlite:///{folder / 'browser.sqlite3'}",
        "WTF_CSRF_ENABLED": True,
    })
    engine = app.extensions["cdht_db"].kw["bind"]
    migrate.upgrade(engine)
    with app.extensions["cdht_db"]() as session:
        criteria_store.sync_shipped(session)
        session.commit()
    ids = _seed(app)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-suite-server", daemon=True)
    thread.start()
    try:
        yield Site(url=f"http://127.0.0.1:{server.server_port}", app=app, ids=ids)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[object]:  # type: ignore[no-untyped-def]
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def profile(playwright, site: Site, tmp_path: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A persistent (not incognito) profile: what installing the app needs."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=LAUNCH_ARGS,
        base_url=site.url, viewport=PHONE, locale="vi-VN",
    )
    yield context
    context.close()


@pytest.fixture
def new_context(browser, site: Site) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """new_context(user=key, **options): a fresh profile (own worker, caches, IndexedDB)."""
    contexts = []

    def _new(user: str | None = None, **options):  # type: ignore[no-untyped-def]
        options.setdefault("viewport", PHONE)
        options.setdefault("locale", "vi-VN")
        context = browser.new_context(base_url=site.url, **options)
        context.set_default_timeout(15_000)
        if user is not None:
            context.add_cookies([site.cookie_for(site.ids[user])])
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


def wait_for_worker(page) -> None:  # type: ignore[no-untyped-def]
    """Until the service worker controls the page (it claims clients when it activates)."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def helpers():  # type: ignore[no-untyped-def]
    class _Helpers:
        wait_for_worker = staticmethod(wait_for_worker)
        screenshot = staticmethod(screenshot)

    return _Helpers


def seed_member(session, full_name: str, phone: str, section: str):  # type: ignore[no-untyped-def]
    """A new member on the seeded school's roster (group IV), with a draft started: the draft."""
    from sqlalchemy import select

    from webapp.assessments import operations
    from webapp.models import Membership, Unit, User

    line = session.scalars(select(Membership).join(Unit).where(Unit.code == "THPT-LQD")).first()
    user = User(full_name=full_name, phone=phone, password_hash="")
    user.set_password("mat-khau-thu-nghiem")
    session.add(user)
    session.flush()
    mine = Membership(unit=line.unit, year=line.year, user=user, appendix="IV", contact=user.phone,
                      full_name=user.full_name, section=section)
    session.add(mine)
    session.flush()
    return operations.start(session, user, mine)
