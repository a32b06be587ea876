"""Real services for tests: a private Redis, a loopback SMTP server (aiosmtpd), a fresh
PostgreSQL database migrated with Alembic, and a real Celery worker process.

Each fixture skips with a clear reason when its service cannot be had, unless
VENTURE_REQUIRE_SERVICES=1 (CI), where it fails instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from email import policy as email_policy
from email.message import Message
from pathlib import Path

import pytest

from tests.conftest import unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# --- Redis -------------------------------------------------------------------------------


def wait_for_job_done(job_id: int, what: str, timeout: float = 120.0) -> None:
    """Poll the job's row (in the current app context) until a worker has finished it."""
    from venture.extensions import db
    from venture.jobs.models import Job, JobStatus

    def done():
        db.session.expire_all()
        return db.session.get(Job, job_id).status == JobStatus.DONE

    wait_for(done, timeout=timeout, interval=0.2, what=what)


def wait_for_idle_worker(broker_url: str, timeout: float = 60.0) -> None:
    """Wait until no task is left anywhere: the broker's queue is empty and the Celery
    worker runs, holds and schedules (retries with a countdown) nothing. From then on no
    task already asked for can still send a mail, so a test counts the mails it got
    instead of sleeping "long enough" for a duplicate to arrive."""
    from celery import Celery

    client = Celery(broker=broker_url, set_as_current=False)

    def holds_nothing() -> bool:
        inspect = client.control.inspect(timeout=1.0, limit=1)
        replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
        # None: no worker answered (a solo worker inside a task cannot), so it is busy.
        return all(reply is not None and not any(reply.values()) for reply in replies)

    def queue_empty() -> bool:
        with client.connection_for_read() as connection:
            return connection.default_channel.queue_declare("celery").message_count == 0

    try:
        # Idle on both sides of the queue's check: a task taken from the queue meanwhile
        # is seen held by the worker the second time.
        wait_for(
            lambda: holds_nothing() and queue_empty() and holds_nothing(),
            timeout=timeout,
            interval=0.2,
            what="the Celery worker to finish every task",
        )
    finally:
        client.close()


class RedisServer:
    """A redis-server of our own on a free port, so a test may stop and restart it."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=10, what="redis-server to answer")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


# --- SMTP --------------------------------------------------------------------------------


class Mailbox:
    def __init__(self):
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler API
        with self.lock:
            self.messages.append(
                message_from_bytes(
                    envelope.original_content or envelope.content, policy=email_policy.default
                )
            )
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if address in (m["To"] or "")]


@pytest.fixture
def smtp_server():
    try:
        from aiosmtpd.controller import Controller
    except ImportError:  # pragma: no cover
        unavailable("aiosmtpd is not installed")
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


def body_text(message: Message) -> str:
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    if part is None:
        for candidate in message.walk():
            if candidate.get_content_type() == "text/plain":
                part = candidate
                break
    payload = (part or message).get_payload(decode=True)
    return payload.decode((part or message).get_content_charset() or "utf-8")


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.fixture
def pg_url(pg_databases):
    return pg_databases("venture_svc")


def migrate(env: dict) -> None:
    """Run `venture db upgrade` as the release step does."""
    result = subprocess.run(
        [sys.executable, "-m", "venture", "db", "upgrade"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]


# --- the production shape --------------------------------------------------------------------


@pytest.fixture
def stack_env(tmp_path, pg_url, redis_server, smtp_server):
    """Environment of the production shape: PostgreSQL, Redis broker, SMTP on loopback."""
    instance = tmp_path / "instance"
    instance.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": pg_url,
        "REDIS_URL": redis_server.url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "VENTURE_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "services-test-secret",
        "BASE_URL": "http://127.0.0.1:5999",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    migrate(env)
    return env


class Worker:
    """A real `celery worker` process running the project's tasks."""

    def __init__(self, env: dict, logfile: Path):
        self.env = env
        self.logfile = logfile
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = self.logfile.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workers.worker:celery",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"test-{os.getpid()}-{time.time_ns()}@%h",
            ],
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

        def ready():
            if self.process.poll() is not None:
                raise AssertionError("the Celery worker exited:\n" + self.log()[-3000:])
            return b"ready" in self.logfile.read_bytes()

        wait_for(ready, timeout=60, what="the Celery worker to be ready")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None):
            self._log.close()

    def log(self) -> str:
        return self.logfile.read_text(errors="replace")


@pytest.fixture
def worker(stack_env, tmp_path):
    w = Worker(stack_env, tmp_path / "worker.log")
    w.start()
    yield w
    w.stop()


@pytest.fixture
def stack_app(stack_env):
    """The web app in this process, configured like the production shape."""
    from venture import create_app

    saved = {k: os.environ.get(k) for k in stack_env}
    os.environ.update({k: v for k, v in stack_env.items() if k != "PYTHONPATH"})
    try:
        app = create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "NOTICE_SWEEP_AGE_SECONDS": 0,
            }
        )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    yield app
    from venture.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
