"""Browser tests: the app served on loopback, driven by Playwright in Debian's Chromium.

- ``live_server`` (per module): a fresh SQLite database migrated with Alembic in a
  temporary instance folder, served by werkzeug in a background thread; tasks run
  in-process in a Celery worker thread (memory broker), so a computation runs while its
  progress page polls, and mail is written to ``instance/mail.log``.
- ``browser``: one Chromium for the session; ``desktop`` / ``phone`` open a context per
  person (the phone is a 390 × 844 touch screen).
- ``check_page(page)``: the accessibility basics, console errors, CSP violations and
  axe-core on the page shown; ``shot(page, name)`` saves a numbered screenshot in
  ``test-artifacts/screenshots/``; ``readme_shot`` refreshes ``docs/screenshots/`` only
  when VENTURE_UPDATE_SCREENSHOTS=1.

Without Chromium (or when Playwright cannot launch it) the tests skip with the reason,
unless VENTURE_REQUIRE_SERVICES=1, where they fail.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import socket
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.browser.checks import PageWatch, axe_problems, axe_source, page_problems
from tests.conftest import REQUIRE_SERVICES, unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("VENTURE_CHROMIUM") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
README_SHOTS = PROJECT_ROOT / "docs" / "screenshots"
UPDATE_README_SHOTS = os.environ.get("VENTURE_UPDATE_SCREENSHOTS") == "1"
README_SHOT_BYTES = 200_000
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
TIMEOUT_MS = 15_000


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable(
            f"Chromium not found at {CHROMIUM} (set VENTURE_CHROMIUM or install the chromium package)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    except Exception as exc:  # pragma: no cover - depends on the machine
        playwright.stop()
        unavailable(f"Playwright cannot launch {CHROMIUM}: {str(exc).splitlines()[0]}")
    yield chromium
    chromium.close()
    playwright.stop()


# --- the app on loopback ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app in a werkzeug thread on a fresh, migrated SQLite database."""

    def __init__(self, instance: Path):
        self.instance = instance
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from flask_migrate import upgrade
        from werkzeug.serving import make_server

        from venture import create_app

        # The instance folder comes from the environment in create_app (secret key, mail.log).
        saved = os.environ.get("VENTURE_INSTANCE_PATH")
        os.environ["VENTURE_INSTANCE_PATH"] = str(self.instance)
        try:
            self.app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.instance / 'venture.db'}",
                    "INSTANCE_PATH": str(self.instance),
                    "UPLOAD_FOLDER": str(self.instance / "uploads"),
                    "EXPORT_FOLDER": str(self.instance / "exports"),
                    "SECRET_KEY": "browser-tests",
                    "REDIS_URL": "",
                    "MAIL_SERVER": "",
                    "BASE_URL": self.url,
                    "RATELIMIT_ENABLED": False,
                }
            )
        finally:
            if saved is None:
                os.environ.pop("VENTURE_INSTANCE_PATH", None)
            else:
                os.environ["VENTURE_INSTANCE_PATH"] = saved
        with self.app.app_context():
            upgrade()
        self._start_worker()
        logging.getLogger("werkzeug").setLevel(
            logging.WARNING
        )  # one line per request is noise here
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="live-server", daemon=True
        )
        self.thread.start()

    def _start_worker(self) -> None:
        """A Celery worker thread on an in-memory broker: tasks run in this process, but
        after the request that queued them, as a real worker would run them."""
        from celery import signals
        from celery.contrib.testing.worker import start_worker

        self._lock = threading.Lock()
        self._published = self._finished = 0

        def published(**_kw):
            with self._lock:
                self._published += 1

        def finished(**_kw):
            with self._lock:
                self._finished += 1

        self._gates: dict[str, threading.Event] = {}

        def gate(task=None, **_kw):
            held = self._gates.get(getattr(task, "name", ""))
            if held is not None:
                held.wait(timeout=60)

        self._signals = [
            (signals.after_task_publish, published),
            (signals.task_postrun, finished),
            (signals.task_prerun, gate),
        ]
        for signal, handler in self._signals:
            signal.connect(handler, weak=False)
        celery = self.app.extensions["celery"]
        celery.conf.update(
            task_always_eager=False,
            broker_url="memory://",
            broker_transport_options={"polling_interval": 0.1},
        )
        self._worker = start_worker(
            celery,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=10,
        )
        self._worker.__enter__()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self._worker.__exit__(None, None, None)
        for signal, handler in self._signals:
            signal.disconnect(handler)
        from venture.extensions import db

        with self.app.app_context():
            db.engine.dispose()

    @contextmanager
    def ctx(self):
        """An app context for services the test calls between browser steps."""
        from venture.extensions import db

        with self.app.app_context():
            try:
                yield
                db.session.commit()
            finally:
                db.session.remove()

    @contextmanager
    def hold(self, task_name: str):
        """Keep the worker from starting ``task_name`` until the test sets the event it
        gets (a busy worker, made predictable): pages show the job waiting, then running."""
        released = threading.Event()
        self._gates[task_name] = released
        try:
            yield released
        finally:
            released.set()
            self._gates.pop(task_name, None)

    def wait_for_tasks(self, timeout: float = 30) -> None:
        """Wait until the worker has run every task queued so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._finished >= self._published:
                    return
            time.sleep(0.05)
        raise AssertionError(
            f"the worker ran {self._finished} of {self._published} tasks in {timeout}s"
        )

    def mail_log(self) -> str:
        path = self.instance / "mail.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def latest_link(self, email: str, kind: str) -> str:
        """The link of the newest notice of ``kind`` to ``email`` (from the Notice table)."""
        import sqlalchemy as sa

        from venture.extensions import db
        from venture.notices.models import Notice

        with self.app.app_context():
            link = db.session.scalar(
                sa.select(Notice.link)
                .where(Notice.email == email, Notice.kind == kind)
                .order_by(Notice.id.desc())
                .limit(1)
            )
            db.session.remove()
        assert link, f"no {kind} notice for {email}"
        assert link.startswith(self.url), link
        return link


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, browser):
    server = LiveServer(tmp_path_factory.mktemp("browser-instance"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo(live_server):
    """The demo (`venture demo`'s seeders) in this module's live server, and the ids its pages need."""
    import sqlalchemy as sa

    from venture.accounts.models import User
    from venture.applications.models import Application
    from venture.competitions.models import Competition, StageKind
    from venture.demo import seed_demo
    from venture.extensions import db
    from venture.followup.models import ProgressReport, Project
    from venture.judging.models import RoadshowSession, RoadshowStatus
    from venture.orgs.models import Membership
    from venture.rankings.services import latest_final_snapshot

    with live_server.ctx():
        seed_demo()
    with live_server.ctx():
        by_prefix = {c.code_prefix: c for c in db.session.scalars(sa.select(Competition))}
        applicant = db.session.scalar(sa.select(User).where(User.email == "applicant@demo.venture"))
        org_ids = sa.select(Membership.organization_id).where(Membership.user_id == applicant.id)
        application = db.session.scalar(
            sa.select(Application)
            .where(
                Application.organization_id.in_(org_ids),
                Application.competition_id == by_prefix["GY2027"].id,
            )
            .order_by(Application.id)
            .limit(1)
        )
        project = db.session.scalar(
            sa.select(Project)
            .where(Project.organization_id.in_(org_ids))
            .order_by(Project.id)
            .limit(1)
        )
        report = db.session.scalar(
            sa.select(ProgressReport)
            .where(ProgressReport.project_id == project.id)
            .order_by(ProgressReport.id)
            .limit(1)
        )
        roadshow = by_prefix["WCT2026"].stage(StageKind.ROADSHOW)
        session = db.session.scalar(
            sa.select(RoadshowSession).where(
                RoadshowSession.stage_id == roadshow.id,
                RoadshowSession.status == RoadshowStatus.SCHEDULED,
            )
        )
        return {
            "gy2025": by_prefix["GY2025"].id,
            "wct2026": by_prefix["WCT2026"].id,
            "gy2027": by_prefix["GY2027"].id,
            "application": application.id,
            "project": project.id,
            "report": report.id,
            "final_snapshot": latest_final_snapshot(by_prefix["GY2025"]).id,
            "session": session.id,
        }


# --- people in their own browser contexts --------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture(scope="module")
def watches():
    """The PageWatch of every page opened, by page."""
    return {}


@pytest.fixture(autouse=True)
def _screens_on_failure(request, watches):
    """When a test fails, every page still open is saved as a screenshot (CI artifacts)."""
    yield
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for n, page in enumerate(watches):
            if not page.is_closed():
                # a page that cannot draw itself any more leaves nothing to keep
                with suppress(Exception):
                    page.screenshot(
                        path=str(ARTIFACTS / f"failure-{_slug(request.node.name)}-{n}.png"),
                        full_page=True,
                    )


def _open_context(browser, live_server, watches, **options):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)

    def _on_page(page):
        watches[page] = PageWatch(page)
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm buttons ask first

    context.on("page", _on_page)
    return context


@pytest.fixture(scope="module")
def desktop(browser, live_server, watches):
    """desktop() -> a new context with a 1280 × 800 window (one per person)."""
    contexts = []

    def _new():
        context = _open_context(
            browser, live_server, watches, viewport={"width": 1280, "height": 800}
        )
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def phone(browser, live_server, watches):
    """phone() -> a new context like a phone: 390 × 844, touch, 2× pixels, a mobile browser."""
    contexts = []

    def _new():
        context = _open_context(
            browser,
            live_server,
            watches,
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
            user_agent=PHONE_UA,
        )
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


# --- checks on every page ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe():
    source = axe_source()
    if source is None:
        if REQUIRE_SERVICES:
            pytest.fail("axe-core is not installed: run `npm ci` (package.json lists it)")
        print(
            "\n[browser tests] axe-core not installed (npm ci): contrast and ARIA checks skipped; "
            "the basic checks still run"
        )
    return source


_axed: set[tuple] = set()  # page kinds axe has checked in this session


def page_kind(page) -> tuple:
    """A page's kind: its path with the ids taken out, the window width and the language."""
    path = re.sub(
        r"/\d+", "/N", re.sub(r"[?#].*", "", page.url.split("://", 1)[-1].split("/", 1)[-1])
    )
    return (
        path,
        page.viewport_size["width"] if page.viewport_size else 0,
        page.evaluate("document.documentElement.lang"),
    )


@pytest.fixture(scope="module")
def check_page(watches, axe):
    """check_page(page): fails with every problem of the page shown.

    The basic checks, console errors and CSP violations are checked on every page;
    axe-core (0.3–0.5 s a page on a small machine) runs once per page kind, and again
    when ``full=True`` (a page whose content changed in a way that matters).
    """
    checked = []

    def _check(page, *, full: bool = False):
        page.wait_for_load_state("load")
        watch = watches.get(page)
        problems = watch.take() if watch else []
        problems += page_problems(page)
        kind = page_kind(page)
        if axe and (full or kind not in _axed):
            _axed.add(kind)
            problems += axe_problems(page, axe)
        checked.append(page.url)
        if problems:
            raise AssertionError(f"problems on {page.url}:\n  " + "\n  ".join(problems))

    _check.checked = checked
    return _check


# --- screenshots -------------------------------------------------------------------------------

_shot_numbers = itertools.count(1)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")


@pytest.fixture(scope="session")
def shot():
    """shot(page, name): a full-page screenshot, numbered in the order taken; in a parallel
    run the name starts with the worker (gw0-001-login.png), whose numbers they are."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    prefix = f"{worker}-" if worker else ""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # A run's artifacts are that run's only. A worker removes its own old ones and a serial
    # run's, not another worker's (they may be this run's).
    for old in ARTIFACTS.glob("*.png"):
        if not prefix or old.name.startswith(prefix) or old.name[0].isdigit():
            old.unlink()

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{prefix}{next(_shot_numbers):03d}-{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture(scope="session")
def readme_shot():
    """readme_shot(page, name): the visible part at 1 CSS pixel per pixel, into
    docs/screenshots/ — only with VENTURE_UPDATE_SCREENSHOTS=1 (CI leaves them alone)."""

    def _shot(page, name: str, *, full_page: bool = False) -> Path | None:
        if not UPDATE_README_SHOTS:
            return None
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        path = README_SHOTS / f"{_slug(name)}.png"
        page.screenshot(path=str(path), scale="css", animations="disabled", full_page=full_page)
        # The repository keeps them small (≤ 200 KB): a busy page is cut shorter.
        height = (
            page.evaluate("document.documentElement.scrollHeight")
            if full_page
            else page.viewport_size["height"]
        )
        while path.stat().st_size > README_SHOT_BYTES and height > 300:
            height = int(height * 0.85)
            page.screenshot(
                path=str(path),
                scale="css",
                animations="disabled",
                full_page=full_page,
                clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height},
            )
        assert path.stat().st_size <= README_SHOT_BYTES, f"{path.name} is larger than 200 KB"
        return path

    return _shot
