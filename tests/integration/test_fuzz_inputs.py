"""A form-aware fuzzer over every state-changing route.

It learns the forms from the pages themselves: every GET route of the permission matrix is
fetched as every signed-in role of its audience (and over a draft application's sections),
and every POST form on those pages is read as a browser would submit it
(tests/formharvest.py). Then, signed in as the role that saw the form:

- every number-carrying field (number inputs, id selects and checkboxes, ``*_id``,
  ``version``) and every hidden field gets, one at a time in an otherwise plausible
  submission: a non-number, 2**31, 2**63, 10**30, a negative, an empty value and one
  more odd number (fixed seed: "²", "1.5", "١٢", ...); where the page's script also
  autosaves the form as JSON, the same fields get JSON numbers, Infinity, null, lists
  and objects there;
- every form gets hostile text in all its fields at once (fixed seed);
- every form is also sent once as the page offers it;
- every POST route gets JSON bodies nested thousands of levels deep, JSON of the wrong
  type, and deeply nested JSON text inside form fields;
- on PostgreSQL, every form (and every POST route no page offers a form for) is submitted
  twice at the same moment from two threads.

The answer is never a server error; no value reaches the database for it to refuse (the
error handlers' safety net logs those, and the test fails on them); every form was
reached at least once (not only refused for who sent it); and afterwards the audit chain
verifies and every stored file has its row (nothing half-written).
"""

from __future__ import annotations

import logging
import pathlib
import random
import re
import threading
from dataclasses import dataclass

import pytest

from tests.formharvest import Form, post_forms
from tests.integration.test_permission_matrix import AUDIENCES, MATRIX, world  # noqa: F401 - fixture
from venture.extensions import db

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "-999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "0.000000001",
    "12.345",
    "2026-02-30",
    "9999-12-31",
    "1900-01-01T25:61",
    "true",
    "null",
    "[]",
    "{}",
    "' OR 1=1 --",
    '"; DROP TABLE application; --',
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "../../etc/passwd",
    "\x00\x01\x02",
    "\u202e\u200b零宽\ufeff",
    "😀" * 50,
    "字" * 5000,
    "x" * 100_000,
    "13800000000",
    "91350100M000100Y43",
    "a@b",
    "%(name)s",
    "{{ 7*7 }}",
]
# Every number-carrying and hidden field gets each of these (2**31: beyond PostgreSQL's
# INTEGER; 2**63: beyond any column)...
NUMBERS = ["abc", str(2**31), str(2**63), str(10**30), "-1", ""]
# ...and one of these (a fixed seed picks which).
ODD_NUMBERS = [
    "1.5",
    "²",
    "١٢",
    "-9223372036854775809",
    "9223372036854775807",
    "0x10",
    "1e3",
    " 7 ",
    "NaN",
    "-0",
    "+5",
    "1_000",
]
DEEP = 5000  # levels of nesting: well past Python's recursion limit
GENERIC_FIELDS = [
    "reason",
    "note",
    "comment",
    "name",
    "email",
    "amount",
    "score",
    "deadline",
    "locale",
    "code",
    "content",
    "phone",
    "outcome",
    "approved",
    "user_id",
    "judge_id",
    "active",
    "upheld",
    "version",
]
# What a route no page offered a form for gets in a double submit.
PLAUSIBLE = {
    "reason": "测试：复核后发现材料不全，请补充。",
    "note": "测试备注",
    "comment": "测试意见",
    "name": "测试",
    "email": "fuzz@example.org",
    "amount": "1000",
    "score": "10",
    "deadline": "2026-06-01T10:00",
    "locale": "zh_CN",
    "code": "123456",
    "content": "测试内容：对评分有异议，请复核。" * 2,
    "phone": "13800000000",
    "outcome": "funded",
    "approved": "1",
    "user_id": "1",
    "judge_id": "1",
    "active": "1",
    "upheld": "1",
    "version": "1",
}
NOT_FUZZED = {"accounts.logout"}  # ends the session the rest of the run needs
# Routes that end something other routes need (a user, a draft, an open call): fuzzed last,
# so that the forms before them still find the world as the crawl saw it.
ENDS_SOMETHING = re.compile(
    r"set_active|archive|delete|remove|withdraw|reject|terminate|finalize|approve|"
    r"detach|end_flag|disable|decide|reopen|release|return_|submit|generate|pass_|open_"
)


@dataclass
class Target:
    endpoint: str
    role: str
    url: str
    form: Form | None  # None: no page offers a form for this route; generic fields are posted


def _deep_json_texts() -> list[str]:
    return [
        "[" * DEEP + "]" * DEEP,
        '{"a":' * DEEP + "1" + "}" * DEEP,
        '{"fields": ' + "[" * DEEP + "]" * DEEP + "}",
    ]


def _url_for(app, endpoint, values):
    from flask import url_for

    with app.test_request_context():
        return url_for(endpoint, **values)


def _roles(entry) -> list[str]:
    return sorted(AUDIENCES[entry.audience] - {"anon"}) or ["organizer"]


def _crawl_urls(app, contexts, fresh: dict[str, int]):
    """(role, url, variant) of every page the matrix lets a signed-in role open, and of the
    same pages for the world's fresh applications (``fresh``: variant -> application id)."""
    from venture.applications.sections import SECTIONS

    seen = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        entry = MATRIX.get(rule.endpoint)
        if (
            entry is None
            or "GET" not in rule.methods
            or rule.arguments - contexts[entry.context].keys()
        ):
            continue
        values = {k: contexts[entry.context][k] for k in rule.arguments}
        variants = [("", values)]
        if "section_key" in rule.arguments:
            variants = [("", {**values, "section_key": s.key}) for s in SECTIONS]
        if "application_id" in rule.arguments and entry.context == "base":
            variants += [
                (name, {**v, "application_id": app_id})
                for name, app_id in fresh.items()
                for _, v in variants
            ]
        for role in _roles(entry):
            seen += [(role, _url_for(app, rule.endpoint, v), name) for name, v in variants]
    return list(dict.fromkeys(seen))


def _targets(app, users, contexts, fresh) -> list[Target]:
    """What to fuzz: each form found on a page (one per endpoint, set of field names and
    variant of the world), and, for POST routes no page offers a form for, the route itself."""
    adapter = app.url_map.bind("localhost")
    clients = {role: app.test_client(user=users[role]) for role in users if users[role]}
    found: dict[tuple, Target] = {}
    for role, url, variant in _crawl_urls(app, contexts, fresh):
        page = clients[role].get(url)
        db.session.rollback()
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        for form in post_forms(page.get_data(as_text=True), "http://localhost" + url):
            try:
                endpoint, _args = adapter.match(form.action, method="POST")
            except Exception:  # noqa: BLE001 - a form posting elsewhere (or a 405) is not ours to fuzz
                continue
            entry = MATRIX.get(endpoint)
            if entry is None or endpoint in NOT_FUZZED or role not in AUDIENCES[entry.audience]:
                continue
            found.setdefault(
                (endpoint, tuple(form.names()), variant), Target(endpoint, role, form.action, form)
            )
    covered = {t.endpoint for t in found.values()}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        entry = MATRIX.get(rule.endpoint)
        if entry is None or "POST" not in rule.methods or rule.endpoint in NOT_FUZZED | covered:
            continue
        url = _url_for(app, rule.endpoint, {k: contexts[entry.context][k] for k in rule.arguments})
        found[(rule.endpoint, ())] = Target(rule.endpoint, _roles(entry)[0], url, None)
    return sorted(found.values(), key=lambda t: bool(ENDS_SOMETHING.search(t.endpoint)))


def _with(pairs: list[tuple[str, str]], name: str, value) -> list[tuple[str, str]]:
    """The submission with every value of ``name`` replaced by ``value``."""
    rest = [(k, v) for k, v in pairs if k != name]
    return rest + [(name, value)]


def _fuzzed_fields(form: Form) -> list[str]:
    """The names of the number-carrying and hidden fields, one per kind of table row
    (``lines-3-rule_id`` is fuzzed as ``lines-0-rule_id`` is)."""
    names = {}
    for f in form.fields:
        if f.type != "file" and f.name != "csrf_token" and (f.numeric or f.hidden):
            names.setdefault(re.sub(r"-\d+-", "-N-", f.name), f.name)
    return list(names.values())


def _mutations(target: Target, rng: random.Random):
    """(label, data) pairs to post as form data to the target's URL."""
    if target.form is None:
        for _ in range(3):
            yield (
                "generic",
                [(f, rng.choice(HOSTILE)) for f in GENERIC_FIELDS if rng.random() > 0.15],
            )
        for value in NUMBERS:
            yield f"generic numbers {value!r}", [(f, value) for f in GENERIC_FIELDS]
        return
    base = target.form.baseline()
    for field in _fuzzed_fields(target.form):
        for value in [*NUMBERS, rng.choice(ODD_NUMBERS)]:
            yield f"{field}={value!r}", _with(base, field, value)
    names = target.form.names()
    yield (
        "hostile text",
        [(n, rng.choice(HOSTILE)) for n in names if rng.random() > 0.1]
        + [(n, rng.choice(HOSTILE)) for n in names if rng.random() < 0.1],
    )  # some fields twice
    yield "deep JSON text in every field", [(n, _deep_json_texts()[0]) for n in [*names, "payload"]]
    yield "the form as the page offers it", base


# In a JSON body a number field may also hold a JSON number, or a value of the wrong type.
JSON_VALUES = ["abc", "", 2**31, 2**63, 10**30, -1, float("inf"), None, [], {"a": 1}]


def _json_mutations(form: Form):
    """(label, body) pairs for a page whose script sends the form's fields as JSON, shaped
    as the script shapes them."""
    import json

    def shaped(data):
        return json.dumps({"fields": data} if form.json_wrapped else data)

    base = dict(form.baseline())
    for field in _fuzzed_fields(form):
        for value in JSON_VALUES:
            yield f"JSON {field}={value!r}", shaped({**base, field: value})
    wrong = {name: [[], {}, 12, None][i % 4] for i, name in enumerate(form.names())}
    yield "JSON every field of the wrong type", shaped(wrong)
    yield (
        "JSON fields of the wrong type",
        json.dumps({"fields": wrong} if not form.json_wrapped else wrong),
    )


def _json_bodies(rng: random.Random):
    """(label, raw body) pairs sent as application/json to every POST route."""
    import json

    for text in _deep_json_texts():
        yield f"deep JSON {text[:8]}…", text
    wrong = [
        None,
        [],
        "x",
        12,
        True,
        {"fields": "x"},
        {"fields": [1, 2]},
        {"fields": {"version": "abc"}},
        {"fields": {"version": 2**63, "period_months": 10**30}},
        {"version": "abc", "scores": {"1": "-5"}},
        {"version": 10**30, "scores": [1, 2, 3]},
        {"version": [], "comment": {}, "confidence": 2**63},
        {"fields": {str(i): "y" for i in range(500)}},
    ]
    for body in rng.sample(wrong, 3):
        yield f"JSON {json.dumps(body)[:40]}", json.dumps(body)


def _attempts(target: Target, rng: random.Random, first_of_its_route: bool):
    """(label, url, form data or None, JSON body or None) for one target."""
    for label, data in _mutations(target, rng):
        yield label, target.url, data, None
    if first_of_its_route:
        for label, body in _json_bodies(rng):
            yield label, target.url, None, body
    if target.form is not None and target.form.json_url:
        for label, body in _json_mutations(target.form):
            yield label, target.form.json_url, None, body
        for text in _deep_json_texts()[:1]:
            yield (
                "deep JSON text as the beacon's payload",
                target.form.json_url,
                [("payload", text)],
                None,
            )


def _reached(response) -> bool:
    """The route looked at the input: not refused for who sent it or for what it points at."""
    login = response.status_code in (302, 303) and "/login" in response.headers.get("Location", "")
    return response.status_code not in (401, 403, 404) and not login


def _post(client, url, data=None, body=None):
    from werkzeug.datastructures import MultiDict

    if body is not None:
        return client.post(url, data=body, content_type="application/json")
    return client.post(url, data=MultiDict(data))


@pytest.fixture
def fuzz_world(app_ctx, world, make):  # noqa: F811 - the fixture
    """The permission matrix's world, plus applications in states its own is not in: a
    draft of the same organization (the application form), and an application judge_a
    is assigned to but has not opened (a first save of a new sheet)."""
    from venture.applications.models import Application, ApplicationStatus
    from venture.competitions.models import Stage
    from venture.orgs.models import Organization

    users, contexts = world
    app = db.session.get(Application, contexts["base"]["application_id"])
    draft = make.complete_draft(app.competition, db.session.get(Organization, app.organization_id))
    member = make.applicant()
    unscored = make.submitted_application(
        app.competition, make.organization(members=[member]), member
    )
    unscored.status = ApplicationStatus.PASSED
    make.confirmed_assignment(
        db.session.get(Stage, contexts["base"]["stage_id"]), unscored, users["judge_a"]
    )
    db.session.commit()
    return users, contexts, {"draft": draft.id, "unscored": unscored.id}


def _files_on_disk() -> set[str]:
    from flask import current_app

    folder = pathlib.Path(current_app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def _assert_nothing_half_written(files_before: set[str]):
    """The audit chain verifies, and every file stored since ``files_before`` has its row
    (an upload whose transaction failed leaves no file behind)."""
    from venture.audit.services import verify_chain
    from venture.files.models import StoredFile

    assert verify_chain().ok
    stored = set(db.session.scalars(db.select(StoredFile.stored_name)))
    orphans = sorted(_files_on_disk() - files_before - stored)
    assert not orphans, f"files without a row: {orphans[:5]}"


def test_hostile_input_never_causes_a_server_error(app_ctx, fuzz_world, caplog):
    """Not a 500, and not saved by the error handlers' safety net either: a value the
    database refused (a number beyond its columns, a duplicate row) got past a form or a
    service that should have named the problem beside its field."""
    users, contexts, fresh = fuzz_world
    caplog.set_level(logging.WARNING, logger="venture.errors")
    rng = random.Random(20261207)
    targets = _targets(app_ctx, users, contexts, fresh)
    files_before = _files_on_disk()
    clients = {role: app_ctx.test_client(user=users[role]) for role in users if users[role]}
    errors, sent, routes, unreached = [], 0, set(), []
    for target in targets:
        client = clients[target.role]
        reached = False
        for label, url, data, body in _attempts(target, rng, target.endpoint not in routes):
            response = _post(client, url, data, body)
            sent += 1
            reached = reached or _reached(response)
            if response.status_code >= 500:
                errors.append(
                    f"{target.endpoint} {url} as {target.role}, {label}: {response.status_code}"
                )
            db.session.rollback()
        routes.add(target.endpoint)
        if target.form is not None and not reached and not ENDS_SOMETHING.search(target.endpoint):
            # (a route that ends something may find its object ended by another such route)
            unreached.append(f"{target.endpoint} {target.url} as {target.role}")
    fields = {(t.endpoint, name) for t in targets if t.form for name in _fuzzed_fields(t.form)}
    print(
        f"fuzzer: {sent} requests to {len(targets)} targets ({sum(1 for t in targets if t.form)} forms "
        f"of {len({t.endpoint for t in targets if t.form})} routes, {len(fields)} number or hidden fields, "
        f"{sum(1 for t in targets if t.form and t.form.json_url)} autosaved as JSON)"
    )
    assert not errors, f"{len(errors)} of {sent} requests failed:\n" + "\n".join(errors)
    netted = sorted({r.getMessage()[:200] for r in caplog.records if r.name == "venture.errors"})
    assert not netted, "input only the database refused:\n" + "\n".join(netted)
    # A form whose every answer was "sign in" or "not yours" tested nothing: an earlier
    # route changed the world under it (fuzz that route later).
    assert not unreached, "forms the fuzzer never got through to:\n" + "\n".join(unreached)
    assert len({t.endpoint for t in targets if t.form is not None}) > 60, (
        "the crawl found too few forms"
    )
    assert len(fields) > 60, "the crawl found too few number or hidden fields"
    assert sent > 2000
    _assert_nothing_half_written(files_before)


def test_a_double_submit_never_causes_a_server_error(app_ctx, fuzz_world, caplog):
    """Each form sent twice at the same moment (two threads, two connections). Both
    answers are below 500: the loser of a race is told (409) rather than shown a crash."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite runs one writer at a time")
    caplog.set_level(logging.WARNING, logger="venture.errors")
    users, contexts, fresh = fuzz_world
    targets = _targets(app_ctx, users, contexts, fresh)
    files_before = _files_on_disk()
    errors = []
    for target in targets:
        data = target.form.baseline() if target.form else list(PLAUSIBLE.items())
        clients = [app_ctx.test_client(user=users[target.role]) for _ in range(2)]
        db.session.commit()  # the test's own session holds no lock while the two run
        barrier = threading.Barrier(2)
        statuses = [None, None]

        def send(i, clients=clients, data=data, barrier=barrier, statuses=statuses, target=target):
            from werkzeug.datastructures import MultiDict

            barrier.wait()
            try:
                statuses[i] = clients[i].post(target.url, data=MultiDict(data)).status_code
            except Exception as error:  # noqa: BLE001 - reported below
                statuses[i] = repr(error)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if any(not isinstance(s, int) or s >= 500 for s in statuses):
            errors.append(f"{target.endpoint} {target.url} as {target.role}: {statuses}")
    print(
        f"double submit: {2 * len(targets)} requests to {len(targets)} forms; races the database settled:",
        *sorted({r.getMessage()[:160] for r in caplog.records if r.name == "venture.errors"}),
        sep="\n",
    )
    assert len(targets) > 100
    assert not errors, "\n".join(errors)
    _assert_nothing_half_written(files_before)


def test_malformed_uploads_are_refused_with_a_message(app_ctx, world):  # noqa: F811
    """Files that lie about their type, are empty, or are not what the route expects."""
    import io

    from flask import url_for

    users, contexts = world
    bodies = [
        b"",
        b"MZ\x90\x00" + b"\x00" * 100,
        b"\x7fELF" + b"\x00" * 100,
        b"PK\x03\x04broken zip",
        b"%PDF-" + b"\xff" * 10,
        "名称,代码\n城东区,1\n".encode("gbk"),
        b"<?php system($_GET[1]); ?>",
    ]
    upload_routes = [
        ("applications.attachments", "owner", {"kind": "registration"}),
        ("orgs.import_areas", "organizer", {}),
        ("judging.import_judges", "organizer", {}),
        ("judging.roadshow_paper", "organizer", {}),
    ]
    for endpoint, role, extra in upload_routes:
        client = app_ctx.test_client(user=users[role])
        entry = MATRIX[endpoint]
        rule = next(r for r in app_ctx.url_map.iter_rules() if r.endpoint == endpoint)
        with app_ctx.test_request_context():
            url = url_for(endpoint, **{k: contexts[entry.context][k] for k in rule.arguments})
        for body in bodies:
            for name in ("file.pdf", "sheet.xlsx", "x.exe", "../../evil.php"):
                response = client.post(
                    url,
                    data={**extra, "file": (io.BytesIO(body), name)},
                    content_type="multipart/form-data",
                )
                assert 400 <= response.status_code < 500, (
                    endpoint,
                    name,
                    body[:10],
                    response.status_code,
                )
                db.session.rollback()
