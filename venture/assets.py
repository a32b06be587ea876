"""Static files: fingerprinted names, compressed, cached for a year (WhiteNoise).

At start-up the app copies its static files, and the few Bootstrap files the layout uses,
into a build folder (``STATIC_BUILD_FOLDER``, by default ``instance/static-build``): each
file under its own name and under a fingerprinted one (``css/venture.3f2a9c1e0b7d.css``,
from its content), with a gzip copy beside every text file. WhiteNoise serves that folder
before Flask sees the request: a fingerprinted name is cached for ever (``immutable``),
a plain name for a minute, and the gzip copy goes to a browser that accepts it.

``url_for('static', filename=...)`` and ``url_for('bootstrap.static', filename=...)`` give
the fingerprinted URL (a ``url_defaults`` hook), so templates need no change and a new
release is fetched at once. The build folder is keyed by the content of all the files,
so a start-up with unchanged files copies nothing, and two workers starting together
build the same folder (the second one's rename finds it done).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from whitenoise import WhiteNoise

from venture.middleware import ServerDatesOnly

# The Bootstrap files base.html links (Bootstrap-Flask's folder holds 28 MB of others,
# which stay with its own route).
BOOTSTRAP_FILES = ("css/bootstrap.min.css", "js/bootstrap.min.js", "umd/popper.min.js")
COMPRESSIBLE = (".css", ".js", ".svg", ".map", ".json", ".txt")
FINGERPRINT = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
MANIFEST = "manifest.json"
KEEP_BUILDS = 3


def init_assets(app) -> None:
    """Build the static folder, serve it with WhiteNoise, fingerprint the static URLs."""
    sources = _sources(app)
    build = Path(app.config.get("STATIC_BUILD_FOLDER") or Path(app.instance_path) / "static-build")
    folder, manifest = build_assets(sources, build)
    server = WhiteNoise(
        app.wsgi_app,
        max_age=60,
        immutable_file_test=_immutable,
        allow_all_origins=False,
        add_headers_function=_nosniff,
    )
    for endpoint in sources:
        server.add_files(str(folder / endpoint), prefix=_url_prefix(app, endpoint))
    # The outermost layer: the HTTP server adds the one Date header.
    app.wsgi_app = ServerDatesOnly(server)

    @app.url_defaults
    def _fingerprinted(endpoint: str, values: dict) -> None:
        names = manifest.get(endpoint)
        if names and values.get("filename") in names:
            values["filename"] = names[values["filename"]]


def _sources(app) -> dict[str, dict[str, Path]]:
    """endpoint → {file name in URLs: path on disk}."""
    ours = Path(app.static_folder)
    files = {
        "static": {
            p.relative_to(ours).as_posix(): p for p in sorted(ours.rglob("*")) if p.is_file()
        }
    }
    bootstrap = app.blueprints.get("bootstrap")
    if bootstrap is not None and bootstrap.static_folder:
        root = Path(bootstrap.static_folder)
        files["bootstrap.static"] = {
            name: root / name for name in BOOTSTRAP_FILES if (root / name).is_file()
        }
    return files


def build_assets(sources: dict[str, dict[str, Path]], build: Path) -> tuple[Path, dict]:
    """The build folder for these files (made if missing) and its manifest:
    endpoint → {file name → fingerprinted file name}."""
    digests = {
        endpoint: {
            name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()
        }
        for endpoint, files in sources.items()
    }
    key = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()[:16]
    folder = build / key
    if not (folder / MANIFEST).is_file():
        _build(sources, digests, build, folder)
    return folder, json.loads((folder / MANIFEST).read_text())


def _build(sources, digests, build: Path, folder: Path) -> None:
    build.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=build, prefix=".building-"))
    manifest = {}
    for endpoint, files in sources.items():
        manifest[endpoint] = {}
        for name, path in files.items():
            hashed = fingerprinted(name, digests[endpoint][name])
            manifest[endpoint][name] = hashed
            data = path.read_bytes()
            packed = _gzipped(data) if path.suffix in COMPRESSIBLE else None
            for target_name in (name, hashed):
                target = work / endpoint / target_name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                if packed is not None:
                    target.with_name(target.name + ".gz").write_bytes(packed)
    (work / MANIFEST).write_text(json.dumps(manifest, sort_keys=True, indent=1))
    try:
        os.rename(work, folder)
    except OSError:  # another process built it first: the same content
        shutil.rmtree(work, ignore_errors=True)
    _prune(build, keep=KEEP_BUILDS)


def _prune(build: Path, keep: int) -> None:
    """Remove old builds, keeping the newest few: workers of the previous release may
    still be serving theirs while they stop."""
    builds = sorted(
        (p for p in build.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in builds[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def fingerprinted(name: str, digest: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot or "/" in extension:
        return f"{name}.{digest[:12]}"
    return f"{stem}.{digest[:12]}.{extension}"


def _gzipped(data: bytes) -> bytes | None:
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    return packed if len(packed) < len(data) * 0.95 else None  # only where it helps


def _immutable(path: str, url: str) -> bool:
    return bool(FINGERPRINT.search(url))


def _nosniff(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def _url_prefix(app, endpoint: str) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, filename="-").rsplit("-", 1)[0]
