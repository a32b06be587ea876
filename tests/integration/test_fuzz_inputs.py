"""A form-aware fuzzer over every state-changing route: hostile values in every field a
page offers (and in JSON bodies), sent by the users allowed to post there. The answer is
never a server error, and the audit chain still verifies afterwards (nothing half-written
broke it)."""

from __future__ import annotations

import random
import re

from tests.integration.test_permission_matrix import AUDIENCES, MATRIX, world  # noqa: F401 - fixture
from venture.extensions import db

HOSTILE = [
    "", " ", "0", "-1", "-999999999999999999999", "1e309", "NaN", "Infinity", "0.000000001", "12.345",
    "2026-02-30", "9999-12-31", "1900-01-01T25:61", "true", "null", "[]", "{}",
    "' OR 1=1 --", "\"; DROP TABLE application; --", "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")",
    "../../etc/passwd", "\x00\x01\x02", "\u202e\u200b零宽\ufeff", "😀" * 50, "字" * 5000, "x" * 100_000,
    "13800000000", "91350100M000100Y43", "a@b", "%(name)s", "{{ 7*7 }}",
]
NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
GENERIC_FIELDS = ["reason", "note", "comment", "name", "email", "amount", "score", "deadline", "locale", "code",
                  "content", "phone", "outcome", "approved", "user_id", "judge_id", "active", "upheld"]


def _fields(client, url) -> list[str]:
    page = client.get(url)
    names = set(NAME.findall(page.get_data(as_text=True))) if page.status_code == 200 else set()
    return sorted((names - {"csrf_token"}) or set(GENERIC_FIELDS))


def _payload(rng: random.Random, fields: list[str]) -> dict:
    data = {}
    for field in fields:
        if rng.random() < 0.15:
            continue  # a missing field
        data[field] = rng.choice(HOSTILE)
        if rng.random() < 0.1:
            data[field] = [rng.choice(HOSTILE), rng.choice(HOSTILE)]  # a repeated field
    return data


def _json_payload(rng: random.Random):
    choices = [None, [], {}, "x" * 10_000, 12, {"fields": rng.choice(HOSTILE)},
               {"fields": {"version": rng.choice(HOSTILE), "summary": rng.choice(HOSTILE)}},
               {"version": "abc", "scores": {"1": "-5"}}, {"version": 1, "scores": [1, 2, 3]},
               {"fields": {str(i): "y" for i in range(500)}}]
    return rng.choice(choices)


def test_hostile_input_never_causes_a_server_error(app_ctx, world):  # noqa: F811 - the fixture
    from flask import url_for

    from venture.audit.services import verify_chain

    users, contexts = world
    rng = random.Random(20261126)
    errors, sent = [], 0
    for rule in sorted(app_ctx.url_map.iter_rules(), key=lambda r: r.endpoint):
        entry = MATRIX.get(rule.endpoint)
        if entry is None or "POST" not in rule.methods or rule.endpoint in ("accounts.logout",):
            continue
        roles = sorted(AUDIENCES[entry.audience] - {"anon"}) or ["organizer"]
        client = app_ctx.test_client(user=users[roles[0]])
        with app_ctx.test_request_context():
            url = url_for(rule.endpoint, **{k: contexts[entry.context][k] for k in rule.arguments})
        fields = _fields(client, url) if "GET" in rule.methods else GENERIC_FIELDS
        for _ in range(6):
            if "autosave" in rule.endpoint or rng.random() < 0.15:
                response = client.post(url, json=_json_payload(rng))
            else:
                response = client.post(url, data=_payload(rng, fields))
            sent += 1
            if response.status_code >= 500:
                errors.append(f"{rule.endpoint} {url}: {response.status_code}")
            db.session.rollback()
    assert sent > 300
    assert not errors, "\n".join(errors)
    assert verify_chain().ok


def test_malformed_uploads_are_refused_with_a_message(app_ctx, world):  # noqa: F811
    """Files that lie about their type, are empty, or are not what the route expects."""
    import io

    from flask import url_for

    users, contexts = world
    bodies = [b"", b"MZ\x90\x00" + b"\x00" * 100, b"\x7fELF" + b"\x00" * 100, b"PK\x03\x04broken zip",
              b"%PDF-" + b"\xff" * 10, "名称,代码\n城东区,1\n".encode("gbk"), b"<?php system($_GET[1]); ?>"]
    upload_routes = [("applications.attachments", "owner", {"kind": "registration"}),
                     ("orgs.import_areas", "organizer", {}), ("judging.import_judges", "organizer", {}),
                     ("judging.roadshow_paper", "organizer", {})]
    for endpoint, role, extra in upload_routes:
        client = app_ctx.test_client(user=users[role])
        entry = MATRIX[endpoint]
        rule = next(r for r in app_ctx.url_map.iter_rules() if r.endpoint == endpoint)
        with app_ctx.test_request_context():
            url = url_for(endpoint, **{k: contexts[entry.context][k] for k in rule.arguments})
        for body in bodies:
            for name in ("file.pdf", "sheet.xlsx", "x.exe", "../../evil.php"):
                response = client.post(url, data={**extra, "file": (io.BytesIO(body), name)},
                                       content_type="multipart/form-data")
                assert 400 <= response.status_code < 500, (endpoint, name, body[:10], response.status_code)
                db.session.rollback()
