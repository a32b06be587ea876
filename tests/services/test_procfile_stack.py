"""The production shape, started from the Procfile's own commands (as honcho would):
gunicorn and a Celery worker against PostgreSQL, Redis and SMTP on loopback."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shlex
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.services.conftest import (
    PROJECT_ROOT,
    body_text,
    free_port,
    wait_for,
    wait_for_idle_worker,
)

pytestmark = pytest.mark.services


def procfile() -> dict[str, str]:
    entries = {}
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if ":" in line and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def start(command: str, env: dict, log: Path) -> subprocess.Popen:
    bin_dir = str(Path(os.sys.executable).parent)
    env = {**env, "PATH": bin_dir + os.pathsep + env.get("PATH", "")}
    return subprocess.Popen(
        ["/bin/sh", "-c", command],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_procfile_has_the_four_processes():
    entries = procfile()
    assert set(entries) == {"web", "worker", "beat", "release"}
    assert shlex.split(entries["release"])[-3:] == ["venture", "db", "upgrade"]


def test_honcho_as_the_readme_runs_it_needs_no_activated_virtualenv(tmp_path):
    """`.venv/bin/honcho start web` from a shell whose PATH is the system's default: the
    Procfile's commands are found in the project's virtualenv."""
    honcho = PROJECT_ROOT / ".venv" / "bin" / "honcho"
    if not honcho.exists():
        pytest.skip("no virtualenv at .venv in the project root (the README's layout)")
    port = free_port()
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "VENTURE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    log = tmp_path / "honcho.log"
    process = subprocess.Popen(
        [str(honcho), "start", "web"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(
            lambda: _get(f"http://127.0.0.1:{port}/healthz") or process.poll() is not None,
            timeout=60,
            what="honcho's gunicorn to serve",
        )
        assert process.poll() is None, log.read_text(errors="replace")
        assert _get(f"http://127.0.0.1:{port}/login")
    finally:
        stop(process)


def test_signup_email_reaches_smtp_exactly_once_on_the_procfile_stack(
    stack_env, smtp_server, tmp_path
):
    port = free_port()
    env = {
        **stack_env,
        "PORT": str(port),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    entries = procfile()
    web = start(entries["web"], env, tmp_path / "web.log")
    worker = start(entries["worker"], env, tmp_path / "worker.log")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _get(base + "/healthz"), timeout=60, what="gunicorn to serve")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(base + "/signup").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {
                "csrf_token": token,
                "name": "赵六",
                "email": "zhao@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
            }
        ).encode()
        page = opener.open(urllib.request.Request(base + "/signup", data=data)).read().decode()
        assert "zhao@example.org" in page
        wait_for(
            lambda: smtp_server.to("zhao@example.org"), timeout=60, what="the verification email"
        )
        wait_for(
            lambda: b"succeeded" in (tmp_path / "worker.log").read_bytes(),
            timeout=30,
            what="task done",
        )
        wait_for_idle_worker(env["REDIS_URL"])  # a duplicate would have arrived by now
        messages = smtp_server.to("zhao@example.org")
        assert len(messages) == 1
        link = re.search(r"(/verify/\S+)", body_text(messages[0])).group(1)
        assert opener.open(base + link).status == 200  # redirected to the login page
    finally:
        stop(web)
        stop(worker)


def _get(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
