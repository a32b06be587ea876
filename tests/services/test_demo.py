"""`venture demo`: migrates, seeds once (a second run adds nothing), prints the logins,
and serves a Chinese login page where the printed logins work."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from tests.services.conftest import PROJECT_ROOT, free_port, wait_for

pytestmark = pytest.mark.services


def _env(tmp_path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "SECRET_KEY"}
    }
    env["VENTURE_INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def _count_rows(tmp_path) -> dict:
    import sqlite3

    conn = sqlite3.connect(tmp_path / "instance" / "venture.db")
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def test_demo_seeds_once_and_serves_working_logins(tmp_path):
    env = _env(tmp_path)
    first = subprocess.run(
        [sys.executable, "-m", "venture", "demo", "--no-serve"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stderr[-3000:]
    assert "organizer@demo.venture" in first.stdout and "venture-demo" in first.stdout
    counts = _count_rows(tmp_path)
    assert counts["user"] >= 12

    second = subprocess.run(
        [sys.executable, "-m", "venture", "demo", "--no-serve"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert second.returncode == 0, second.stderr[-3000:]
    again = _count_rows(tmp_path)
    assert {k: v for k, v in again.items() if k != "audit_entry"} == {
        k: v for k, v in counts.items() if k != "audit_entry"
    }

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "venture", "demo", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def login_page():
            try:
                return opener.open(base + "/login", timeout=2).read().decode()
            except OSError:
                return None

        page = wait_for(login_page, timeout=120, what="the demo server")
        assert 'lang="zh-CN"' in page and "登录" in page
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrf_token": token, "email": "organizer@demo.venture", "password": "venture-demo"}
        ).encode()
        home = (
            opener.open(urllib.request.Request(base + "/login", data=data), timeout=10)
            .read()
            .decode()
        )
        assert "退出登录" in home  # logged in: the page offers to log out
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
