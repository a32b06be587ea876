"""HTTP details: 405 says what is allowed, the open API exposes its ETag to other sites,
one Date header per response, and static files fingerprinted, compressed and cached."""

from __future__ import annotations

import gzip
import http.client
import re
import threading

import pytest
from werkzeug.serving import make_server


def test_a_405_names_the_allowed_methods(client):
    for url in ("/api/v1/competitions", "/login"):
        response = client.open(url, method="DELETE")
        assert response.status_code == 405
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert "GET" in allowed and "DELETE" not in allowed


def test_the_api_lets_other_sites_read_its_etag(client):
    response = client.get("/api/v1/competitions")
    assert response.headers["ETag"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {
        h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert "etag" in exposed


def _asset_urls(client) -> list[str]:
    page = client.get("/login").get_data(as_text=True)
    return re.findall(r'(?:href|src)="(/[^"]*static/[^"]+)"', page)


def test_pages_link_fingerprinted_assets_cached_for_ever(client):
    urls = _asset_urls(client)
    assert any(u.endswith(".css") for u in urls) and any(u.endswith(".js") for u in urls)
    for url in urls:
        assert re.search(r"\.[0-9a-f]{12}\.[a-z]+$", url), url
        response = client.get(url)
        assert response.status_code == 200, url
        cache = {d.strip() for d in response.headers["Cache-Control"].split(",")}
        assert "immutable" in cache and "public" in cache
        assert int(next(d for d in cache if d.startswith("max-age="))[8:]) >= 365 * 24 * 3600
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_stylesheet_comes_compressed_to_a_browser_that_accepts_it(client):
    url = next(u for u in _asset_urls(client) if "bootstrap" in u and u.endswith(".css"))
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] in ("gzip", "br")
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    if packed.headers["Content-Encoding"] == "gzip":
        assert gzip.decompress(packed.get_data()) == plain.get_data()


def test_a_changed_asset_gets_a_new_name(app_ctx, tmp_path):
    from venture.assets import build_assets

    source = tmp_path / "site.css"
    source.write_text("body { color: black }")
    _, first = build_assets({"static": {"site.css": source}}, tmp_path / "build")
    source.write_text("body { color: navy }")
    _, second = build_assets({"static": {"site.css": source}}, tmp_path / "build")
    assert first["static"]["site.css"] != second["static"]["site.css"]


@pytest.fixture
def served(app_ctx):
    """The app behind werkzeug's HTTP server, as `venture demo` serves it."""
    server = make_server("127.0.0.1", 0, app_ctx, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()


def test_every_response_has_one_date_header(served, client):
    urls = [
        *_asset_urls(client),
        "/login",
        "/api/v1/competitions",
        "/no-such-page",
        # served by Flask, not the static folder: a conditional response sets its own Date
        "/bootstrap/static/css/bootstrap.min.css.map",
    ]
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=10)
    for method, url in [("GET", u) for u in urls] + [("DELETE", "/login")]:
        connection.request(method, url)
        response = connection.getresponse()
        response.read()
        assert len(response.msg.get_all("Date") or []) == 1, (
            method,
            url,
            response.msg.get_all("Date"),
        )
        connection.close()
