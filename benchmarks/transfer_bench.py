"""Bytes a member's phone downloads for the assessment form, first and repeat visit.

    python benchmarks/transfer_bench.py [--chromium /usr/bin/chromium]

Starts the app on a temporary SQLite database with one member and a started assessment,
opens the form in Debian's chromium at 360x800, and prints what crossed the network
(compressed, headers included), measured two ways:
  - by the browser: CDP Network.loadingFinished encodedDataLength of the page's requests
    (requests answered by the service worker from its cache count 0);
  - by the server: bytes of every response body it sent, the worker's precache included.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from webapp import create_app, criteria_store, migrate  # noqa: E402
from webapp.assess import operations  # noqa: E402
from webapp.models import (  # noqa: E402
    Area,
    AssessmentYear,
    Membership,
    Unit,
    UnitKind,
    User,
    YearKind,
)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class ByteCounter:
    """WSGI middleware: adds up the response bodies the server sends, per path."""

    def __init__(self, app):  # type: ignore[no-untyped-def]
        self.app = app
        self.sent: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        path = environ.get("PATH_INFO", "")
        total = 0
        for chunk in self.app(environ, start_response):
            total += len(chunk)
            yield chunk
        with self.lock:
            self.sent.append((path, total))

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            sent, self.sent = self.sent, []
        return sent


def seed(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with app.extensions["cdht_db"]() as session:
        criteria_store.sync_shipped(session)
        area = Area(code="BENCH", name="Khu vực thử", level="Tỉnh/Thành phố")
        session.add(area)
        session.flush()
        area.set_path()
        unit = Unit(code="U-BENCH", name="Trường THPT Thử", kind=UnitKind.HIGH_SCHOOL, area=area)
        today = date.today()
        year = AssessmentYear(label="2026", kind=YearKind.STAFF, is_open=True,
                              starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=300))
        member = User(full_name="Nguyễn Văn Thử", phone="0900000099", password_hash="")
        member.set_password("mat-khau-thu-nghiem")
        session.add_all([unit, year, member])
        session.flush()
        line = Membership(unit=unit, year=year, user=member, appendix="IV", contact="0900000099",
                          full_name=member.full_name)
        session.add(line)
        session.flush()
        assessment = operations.start(session, member, line)
        session.commit()
        return member.id, assessment.id


def measure(chromium: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="cdht-bench-"))
    app = create_app({"SECRET_KEY": "benchmark-secret-key-long-enough-for-the-check",
                      "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}"})
    migrate.upgrade(app.extensions["cdht_db"].kw["bind"])
    member_id, assessment_id = seed(app)
    counter = ByteCounter(app.wsgi_app)
    app.wsgi_app = counter  # type: ignore[method-assign]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    cookie = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": str(member_id), "_fresh": True})
    form = f"{base}/assess/{assessment_id}"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
        context.add_cookies([{"name": "session", "value": cookie, "url": base}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        sizes: dict[str, int] = {}
        urls: dict[str, str] = {}
        cdp.on("Network.responseReceived",
               lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
        cdp.on("Network.loadingFinished",
               lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))

        def visit(label: str) -> None:
            sizes.clear()
            counter.take()
            page.goto(form, wait_until="networkidle")
            time.sleep(0.5)
            browser_bytes = sum(sizes.values())
            served = counter.take()
            print(f"\n{label}")
            print(f"  browser (CDP encodedDataLength): {browser_bytes / 1024:7.1f} KB "
                  f"in {len(sizes)} responses")
            for rid, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
                print(f"    {size:8d}  {urls.get(rid, '?').replace(base, '')}")
            print(f"  server (bodies sent, worker included): {sum(s for _, s in served) / 1024:7.1f} KB "
                  f"in {len(served)} responses")

        visit("First visit (no service worker yet)")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        time.sleep(1)
        precache = counter.take()
        print(f"  service worker install, after load: {sum(s for _, s in precache) / 1024:.1f} KB "
              f"in {len(precache)} responses")
        visit("Repeat visit (shell from the service worker; the page itself network-first)")
        browser.close()
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    measure(parser.parse_args().chromium)


if __name__ == "__main__":
    main()
