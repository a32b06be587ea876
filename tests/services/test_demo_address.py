"""`venture demo --port P` links to where it serves: the API's URLs and every link in the
mail log use port P (unless BASE_URL is set in the environment, which then wins)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from tests.services.conftest import PROJECT_ROOT, free_port, wait_for

pytestmark = pytest.mark.services


def _env(tmp_path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "SECRET_KEY", "BASE_URL"}
    }
    env["VENTURE_INSTANCE_PATH"] = str(tmp_path / "instance")
    return {**env, **extra}


def _urls(value) -> list[str]:
    if isinstance(value, dict):
        return [u for v in value.values() for u in _urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return [value] if isinstance(value, str) and value.startswith(("http://", "https://")) else []


def _serve_and_read_api(env, port, follow: bool = True) -> list[str]:
    """Start `venture demo --port PORT`, return the URLs in the API's competitions list."""
    server = subprocess.Popen(
        [sys.executable, "-m", "venture", "demo", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:

        def competitions():
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v1/competitions", timeout=2
                ) as response:
                    return json.load(response)
            except OSError:
                return None

        urls = _urls(wait_for(competitions, timeout=120, what="the demo server"))
        assert urls, "the API lists competitions with their links"
        if follow:
            with urllib.request.urlopen(
                urls[0], timeout=10
            ) as response:  # a link the API gives works
                assert response.status == 200
        return urls
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_the_demo_links_to_the_port_it_serves_unless_base_url_is_set(tmp_path):
    port = free_port()
    urls = _serve_and_read_api(_env(tmp_path), port)
    assert all(url.startswith(f"http://127.0.0.1:{port}/") for url in urls), urls
    mail_links = re.findall(
        r"https?://[^\s/\"'<>]+", (tmp_path / "instance" / "mail.log").read_text()
    )
    assert mail_links, "the demo's mail log holds links"
    assert set(mail_links) == {f"http://127.0.0.1:{port}"}

    explicit = "http://venture.example.org"
    urls = _serve_and_read_api(_env(tmp_path, BASE_URL=explicit), free_port(), follow=False)
    assert all(url.startswith(explicit + "/") for url in urls), urls
