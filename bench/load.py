"""Load on the production shape: gunicorn (the Procfile's `web` command), PostgreSQL, a
private Redis and a Celery worker, all on loopback.

Phase 1 — a judging day: JUDGES concurrent judges (default 200) log in, open each
assigned sheet, autosave a draft and submit, with a short think time, while APPLICANTS
applicants autosave their drafts. It prints throughput, p50/p95/p99 latency per request
kind and errors, then counts in the database: sheets submitted per the clients vs
stored, and duplicates.

Phase 2 — throughput on the same stack, measured side by side: the same concurrency
submitting sheets as fast as the server takes them, then a bare Flask endpoint (its
own tiny app, served by the same gunicorn settings) doing one INSERT per request. It
prints both and their ratio.

Only loopback addresses are used; every loop is bounded in count and time. Not a test:
it asserts nothing. Run:  python -m bench.load [--judges 200] [--duration 120]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN = os.environ.get("VENTURE_BENCH_PG", "postgresql://root@127.0.0.1:5432/postgres")
PASSWORD = "load-test-password"
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the stack ---------------------------------------------------------------------------


class Stack:
    """PostgreSQL database, private Redis, gunicorn web, Celery worker (and the bare app)."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.db_name = f"venture_load_{uuid.uuid4().hex[:8]}"
        self.db_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + self.db_name
        self.redis_port, self.web_port, self.bare_port = free_port(), free_port(), free_port()
        self.processes: list[subprocess.Popen] = []

    @property
    def env(self) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": self.db_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "VENTURE_INSTANCE_PATH": str(self.workdir / "instance"),
            "SECRET_KEY": "load-bench",
            "BASE_URL": f"http://127.0.0.1:{self.web_port}",
            "PORT": str(self.web_port),
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
            "PYTHONPATH": str(ROOT),
            # every simulated person logs in from 127.0.0.1: the per-address login limit
            # would otherwise refuse all but the first few
            "VENTURE_LOGIN_RATE_LIMIT": "100000 per minute",
            "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        }

    def start(self) -> None:
        subprocess.run(["createdb", "-h", "127.0.0.1", self.db_name], check=True)
        self._spawn(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            "redis.log",
        )
        subprocess.run(
            [sys.executable, "-m", "venture", "db", "upgrade"],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

    def serve(self) -> None:
        procfile = dict(
            line.split(":", 1)
            for line in (ROOT / "Procfile").read_text().splitlines()
            if ":" in line and not line.startswith("#")
        )
        self._spawn(["/bin/sh", "-c", procfile["web"].strip()], "web.log")
        self._spawn(["/bin/sh", "-c", procfile["worker"].strip()], "worker.log")
        bare = (
            f"gunicorn --bind 127.0.0.1:{self.bare_port} --workers ${{WEB_CONCURRENCY:-2}} --threads 4 "
            f"--timeout 60 'bench.bare_app:create()'"
        )
        self._spawn(["/bin/sh", "-c", bare], "bare.log")
        for port, log in ((self.web_port, "web.log"), (self.bare_port, "bare.log")):
            try:
                wait_until(lambda port=port: _healthy(port), 60, f"port {port}")
            except SystemExit:
                print((self.workdir / log).read_text(errors="replace")[-3000:])
                raise

    def _spawn(self, command: list[str], log: str) -> None:
        handle = (self.workdir / log).open("ab")
        self.processes.append(
            subprocess.Popen(
                command,
                env=self.env,
                cwd=ROOT,
                stdout=handle,
                stderr=handle,
                start_new_session=True,
            )
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "--if-exists", "--force", self.db_name], check=False
        )


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


# --- the data ----------------------------------------------------------------------------


def seed(
    stack: Stack, judges: int, sheets_per_judge: int, applicants: int, spare_per_judge: int
) -> dict:
    """Judges with assignments (already confirmed: no conflict), applicants with drafts."""
    os.environ.update(
        {
            k: v
            for k, v in stack.env.items()
            if k in ("DATABASE_URL", "VENTURE_INSTANCE_PATH", "SECRET_KEY", "REDIS_URL")
        }
    )
    from tests import factories as make
    from venture import create_app
    from venture.accounts.services import hash_password
    from venture.extensions import db

    app = create_app()
    with app.app_context():
        password = hash_password(PASSWORD)
        make._hash_cache[PASSWORD] = password
        comp = make.competition()
        stage = make.review_stage(comp, open_now=True, blind=True, k=1)
        org = make.organization()
        total = judges * (sheets_per_judge + spare_per_judge)
        apps = _bulk_applications(comp, org, total)
        plan: dict[str, list[int]] = {}
        spare: dict[str, list[int]] = {}
        from venture.accounts.models import Role, User
        from venture.judging.models import Assignment

        now = make.utcnow()
        users = [
            User(
                email=f"judge{i}@load.example.org",
                name=f"评审{i}",
                role=Role.JUDGE,
                password_hash=password,
                email_verified_at=now,
            )
            for i in range(judges)
        ]
        db.session.add_all(users)
        db.session.flush()
        for i, user in enumerate(users):
            mine = apps[
                i * (sheets_per_judge + spare_per_judge) : (i + 1)
                * (sheets_per_judge + spare_per_judge)
            ]
            plan[user.email], spare[user.email] = mine[:sheets_per_judge], mine[sheets_per_judge:]
            db.session.add_all(
                Assignment(
                    stage_id=stage.id,
                    application_id=a,
                    judge_id=user.id,
                    no_conflict_confirmed_at=now,
                )
                for a in mine
            )
        open_comp = make.competition()
        drafts = {}
        for i in range(applicants):
            member = User(
                email=f"applicant{i}@load.example.org",
                name=f"申报人{i}",
                role=Role.APPLICANT,
                password_hash=password,
                email_verified_at=now,
            )
            db.session.add(member)
            db.session.flush()
            own = make.organization(members=[member])
            drafts[member.email] = make.application(open_comp, own, status="draft").id
        db.session.commit()
        criteria = [(c.id, float(c.max_score)) for c in stage.rubric.criteria]
        return {
            "stage": stage.id,
            "plan": plan,
            "spare": spare,
            "drafts": drafts,
            "criteria": criteria,
        }


def _bulk_applications(comp, org, count: int) -> list[int]:
    import sqlalchemy as sa

    from venture.applications.models import Application, ApplicationStatus
    from venture.extensions import db

    now = __import__("venture.db", fromlist=["utcnow"]).utcnow()
    rows = [
        {
            "competition_id": comp.id,
            "organization_id": org.id,
            "category_id": comp.categories[i % 2].id,
            "code": f"{comp.code_prefix}-{i + 1:05d}",
            "status": ApplicationStatus.PASSED,
            "project_name": f"项目{i}",
            "requested_fen": 8_000_000,
            "created_at": now,
            "updated_at": now,
            "submitted_at": now,
        }
        for i in range(count)
    ]
    return list(
        db.session.execute(
            sa.insert(Application).returning(Application.id, sort_by_parameter_order=True), rows
        ).scalars()
    )


# --- clients -----------------------------------------------------------------------------


class Client:
    """One person's browser: a keep-alive connection, cookies and the CSRF token."""

    def __init__(self, port: int, stats: Stats):
        self.port, self.stats = port, stats
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.location = ""

    def request(
        self, kind: str, method: str, path: str, body=None, headers=None
    ) -> tuple[int, str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as error:
                # The server closed an idle keep-alive connection: a browser reconnects.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2 or not isinstance(
                    error, (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected)
                ):
                    self.stats.record(
                        kind, time.perf_counter() - started, ok=False, detail=type(error).__name__
                    )
                    return 0, ""
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        self.location = response.getheader("Location") or ""
        ok = response.status < 400
        if response.status == 400 and os.environ.get("LOAD_DEBUG"):
            print(
                "DEBUG 400", kind, path, text[:300].replace("\n", " "), self.csrf[:10], flush=True
            )
        self.stats.record(kind, time.perf_counter() - started, ok=ok, detail=str(response.status))
        token = CSRF.search(text) if method == "GET" else None
        if token:
            self.csrf = token.group(1)  # the session's token (a new session begins at login)
        return response.status, text

    def form(self, kind: str, path: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({"csrf_token": self.csrf, **fields})
        return self.request(
            kind, "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def json(self, kind: str, path: str, payload: dict) -> tuple[int, str]:
        return self.request(
            kind,
            "POST",
            path,
            json.dumps(payload),
            {"Content-Type": "application/json", "X-CSRFToken": self.csrf},
        )

    def login(self, email: str) -> bool:
        status, page = self.request("login page", "GET", "/login")
        match = CSRF.search(page)
        if not match:
            return False
        self.csrf = match.group(1)
        status, _ = self.form("login", "/login", {"email": email, "password": PASSWORD})
        if status != 302 or "/login" in self.location:
            return False
        self.request("home", "GET", "/")  # the new session's CSRF token
        return True


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.when: dict[str, list[float]] = defaultdict(list)
        self.started = time.monotonic()

    def record(self, kind: str, seconds: float, *, ok: bool, detail: str) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.when[kind].append(time.monotonic())
            if not ok:
                self.errors[kind][detail] += 1

    def report(self, elapsed: float, after: float | None = None) -> None:
        total = sum(len(v) for v in self.latency.values())
        print(f"  {total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
        print(f"  {'kind':<16}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  errors")
        for kind, values in sorted(self.latency.items()):
            self._line(kind, values, dict(self.errors.get(kind, {})))
        if after is not None:
            print(f"  after the arrivals ({after:.0f} s on):")
            for kind, values in sorted(self.latency.items()):
                later = [
                    v
                    for v, t in zip(values, self.when[kind], strict=True)
                    if t - self.started >= after
                ]
                if later:
                    self._line(kind, later, None)

    @staticmethod
    def _line(kind: str, values: list[float], errors) -> None:
        q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
        print(
            f"  {kind:<16}{len(values):>8}{q[49] * 1000:>9.1f}{q[94] * 1000:>9.1f}{q[98] * 1000:>9.1f}"
            + (f"  {errors or 0}" if errors is not None else "")
        )


def sheet_fields(criteria, rng: random.Random) -> dict:
    fields = {
        "confidence": str(rng.randint(3, 5)),
        "recommendation": rng.choice(["fund", "maybe", "reject"]),
    }
    for cid, maximum in criteria:
        fields[f"score-{cid}"] = str(round(rng.uniform(0.5, 1) * maximum * 2) / 2)
    return fields


def judge_session(
    port: int,
    email: str,
    apps: list[int],
    data: dict,
    stats: Stats,
    submitted: list,
    deadline: float,
    think: tuple[float, float],
    seed_value: int,
    delay: float = 0,
) -> None:
    rng = random.Random(seed_value)
    time.sleep(delay)  # judges arrive over the first minute, not in one instant
    client = Client(port, stats)
    if not client.login(email):
        return
    stage = data["stage"]
    for app_id in apps:
        if time.monotonic() > deadline:
            break
        path = f"/judging/stages/{stage}/applications/{app_id}"
        status, page = client.request("open sheet", "GET", path)
        if status != 200:
            continue
        time.sleep(rng.uniform(*think))
        fields = sheet_fields(data["criteria"], rng)
        status, body = client.json("autosave", f"{path}/autosave", {**fields, "version": 0})
        version = json.loads(body).get("version", 0) if status == 200 else 0
        time.sleep(rng.uniform(*think))
        status, _ = client.form(
            "submit sheet", path, {**fields, "version": str(version), "action": "submit"}
        )
        if status == 302 and client.location.rstrip("/").endswith("/judging"):
            submitted.append((email, app_id))


def applicant_session(
    port: int,
    email: str,
    application_id: int,
    stats: Stats,
    deadline: float,
    think: tuple[float, float],
    seed_value: int,
    delay: float = 0,
) -> None:
    rng = random.Random(seed_value)
    time.sleep(delay)
    client = Client(port, stats)
    if not client.login(email):
        return
    version = 1
    while time.monotonic() < deadline:
        payload = {
            "fields": {
                "project_name": f"草稿{rng.randint(1, 10**6)}",
                "summary": "保存中" * 20,
                "version": str(version),
            }
        }
        status, body = client.json(
            "draft autosave", f"/applications/{application_id}/autosave/project", payload
        )
        if status == 200:
            version = json.loads(body).get("version", version)
        time.sleep(rng.uniform(*think))  # the page autosaves after a pause in typing


def run_threads(targets: list) -> float:
    threads = [threading.Thread(target=fn, args=args, daemon=True) for fn, args in targets]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    return time.monotonic() - started


# --- the phases ----------------------------------------------------------------------------


def judging_day(
    stack: Stack, data: dict, duration: float, think: tuple[float, float], ramp: float
) -> list:
    stats, submitted = Stats(), []
    deadline = time.monotonic() + duration
    rng = random.Random(1)
    targets = [
        (
            judge_session,
            (
                stack.web_port,
                email,
                apps,
                data,
                stats,
                submitted,
                deadline,
                think,
                i,
                rng.uniform(0, ramp),
            ),
        )
        for i, (email, apps) in enumerate(data["plan"].items())
    ]
    targets += [
        (
            applicant_session,
            (
                stack.web_port,
                email,
                app_id,
                stats,
                deadline,
                think,
                10_000 + i,
                rng.uniform(0, ramp),
            ),
        )
        for i, (email, app_id) in enumerate(data["drafts"].items())
    ]
    elapsed = run_threads(targets)
    print("\nPhase 1: a judging day")
    stats.report(elapsed, after=ramp + 15)
    return submitted


def count_sheets(stack: Stack, stage_id: int) -> tuple[int, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(stack.db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text(
                "SELECT COUNT(*) FROM score_sheet WHERE stage_id = :s AND status = 'submitted'"
            ),
            {"s": stage_id},
        ).scalar()
        duplicates = conn.execute(
            sa.text(
                "SELECT COUNT(*) FROM (SELECT 1 FROM score_sheet GROUP BY stage_id, application_id, judge_id "
                "HAVING COUNT(*) > 1) d"
            )
        ).scalar()
    engine.dispose()
    return stored, duplicates


def throughput(port: int, clients: int, seconds: float, work) -> float:
    """Requests completed per second with ``clients`` threads running ``work`` in a loop."""
    done = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(i: int):
        for _ in work(i, deadline):
            with lock:
                done[0] += 1

    elapsed = run_threads([(loop, (i,)) for i in range(clients)])
    return done[0] / elapsed


def submit_flood(stack: Stack, data: dict, clients: int, seconds: float) -> float:
    emails = list(data["spare"])[:clients]
    rng = random.Random(7)
    sessions = {}
    for email in emails:
        c = Client(stack.web_port, Stats())
        c.login(email)
        sessions[email] = c

    def work(i, deadline):
        email = emails[i % len(emails)]
        client = sessions[email]
        for app_id in data["spare"][email]:
            if time.monotonic() > deadline:
                return
            path = f"/judging/stages/{data['stage']}/applications/{app_id}"
            status, _ = client.form(
                "flood submit",
                path,
                {**sheet_fields(data["criteria"], rng), "version": "0", "action": "submit"},
            )
            if status == 302 and client.location.rstrip("/").endswith("/judging"):
                yield 1

    return throughput(stack.web_port, len(emails), seconds, work)


def bare_flood(stack: Stack, clients: int, seconds: float) -> float:
    def work(i, deadline):
        conn = http.client.HTTPConnection("127.0.0.1", stack.bare_port, timeout=30)
        n = 0
        while time.monotonic() < deadline and n < 100_000:
            n += 1
            conn.request(
                "POST",
                "/insert",
                body=f"judge={i}&n={n}",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                yield 1

    return throughput(stack.bare_port, clients, seconds, work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=int, default=200)
    parser.add_argument("--sheets", type=int, default=5, help="sheets per judge in phase 1")
    parser.add_argument("--applicants", type=int, default=20)
    parser.add_argument("--duration", type=float, default=300, help="seconds at most for phase 1")
    parser.add_argument("--flood-seconds", type=float, default=20)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(4.0, 16.0),
        metavar=("MIN", "MAX"),
        help="seconds a person pauses between two requests",
    )
    parser.add_argument(
        "--ramp", type=float, default=60, help="people arrive over this many seconds"
    )
    args = parser.parse_args()
    if not shutil.which("redis-server") or not shutil.which("createdb"):
        raise SystemExit("needs redis-server and PostgreSQL's createdb on this machine")

    with tempfile.TemporaryDirectory(prefix="venture-load-") as folder:
        stack = Stack(Path(folder))
        try:
            stack.start()
            data = seed(stack, args.judges, args.sheets, args.applicants, spare_per_judge=40)
            stack.serve()
            print(
                f"stack: gunicorn (WEB_CONCURRENCY={stack.env['WEB_CONCURRENCY']}, 4 threads each), "
                f"PostgreSQL {stack.db_name}, Redis :{stack.redis_port}, one Celery worker"
            )
            submitted = judging_day(stack, data, args.duration, tuple(args.think), args.ramp)
            stored, duplicates = count_sheets(stack, data["stage"])
            print(
                f"  sheets submitted (clients saw success): {len(submitted)}; stored: {stored}; "
                f"lost: {len(submitted) - stored if stored <= len(submitted) else 0}; "
                f"unexpected extra: {max(stored - len(submitted), 0)}; duplicates: {duplicates}"
            )

            print(
                f"\nPhase 2: throughput with {args.judges} concurrent clients, {args.flood_seconds:.0f} s each"
            )
            venture_rate = submit_flood(stack, data, args.judges, args.flood_seconds)
            bare_rate = bare_flood(stack, args.judges, args.flood_seconds)
            print(f"  sheet submissions (venture):   {venture_rate:8.1f} /s")
            print(f"  single INSERT (bare Flask):    {bare_rate:8.1f} /s")
            print(f"venture/bare ratio: {venture_rate / bare_rate:.2f}")
        finally:
            if os.environ.get("LOAD_KEEP_LOGS"):
                for log in ("web.log", "worker.log"):
                    shutil.copy(Path(folder) / log, Path(os.environ["LOAD_KEEP_LOGS"]) / log)
            stack.stop()


if __name__ == "__main__":
    main()
