"""The cases the outside fuzzer found, one by one (tests/integration/test_fuzz_inputs.py
looks for their siblings everywhere): numbers beyond 64 bits, JSON nested thousands of
levels deep, a version that is not a number, refusals only the database made."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from flask_babel import gettext

from venture.extensions import db

DEEP = 5000


def _netted(caplog) -> list[str]:
    """What only the error handlers' safety net caught (it logs on venture.errors)."""
    return [r.getMessage() for r in caplog.records if r.name == "venture.errors"]


@pytest.fixture
def draft(make):
    owner = make.applicant()
    comp = make.competition()
    org = make.organization(members=[owner])
    return owner, make.complete_draft(comp, org)


def test_a_json_body_nested_thousands_deep_is_a_400_with_a_message(app_ctx, login, draft):
    owner, app = draft
    client = login(owner)
    for body in ("[" * DEEP + "]" * DEEP, '{"fields": ' + '{"a":' * DEEP + "1" + "}" * DEEP + "}"):
        response = client.post(
            f"/applications/{app.id}/autosave/need",
            data=body,
            content_type="application/json",
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 400
        with app_ctx.test_request_context():
            assert response.get_json()["error"]["message"] == gettext(
                "The request is nested too deeply to be understood."
            )
    shallow = client.post(
        f"/applications/{app.id}/autosave/need",
        json={"fields": {"summary": "x", "version": app.version}},
    )
    assert shallow.status_code == 200


def test_a_deeply_nested_beacon_payload_is_a_400(app_ctx, login, make):
    """The score sheet's last save on leaving the page is a form field holding JSON."""
    organizer, judge, member = make.organizer(), make.judge_with_profile(), make.applicant()
    comp = make.competition(organizer=organizer)
    app = make.submitted_application(comp, make.organization(members=[member]), member)
    stage = make.review_stage(comp)
    make.confirmed_assignment(stage, app, judge)
    response = login(judge).post(
        f"/judging/stages/{stage.id}/applications/{app.id}/autosave",
        data={"payload": "[" * DEEP + "]" * DEEP},
    )
    assert response.status_code == 400


def test_a_version_that_is_not_a_number_is_refused_and_nothing_is_saved(app_ctx, login, draft):
    owner, app = draft
    version, summary = app.version, app.summary
    client = login(owner)
    for bad in ("abc", str(2**63), str(10**30), "1.5"):
        response = client.post(
            f"/applications/{app.id}/edit/need", data={"version": bad, "summary": "改过的摘要"}
        )
        assert response.status_code == 422, bad
        autosave = client.post(
            f"/applications/{app.id}/autosave/need",
            json={"fields": {"version": bad, "summary": "改过的摘要"}},
        )
        assert autosave.status_code == 400 and autosave.get_json()["error"]["field"] == "version"
    db.session.refresh(app)
    assert (app.version, app.summary) == (version, summary)


def test_numbers_beyond_64_bits_in_ids_pages_and_urls_are_not_errors(app_ctx, login, make, caplog):
    caplog.set_level(logging.WARNING, logger="venture.errors")
    organizer, judge, member = make.organizer(), make.judge_with_profile(), make.applicant()
    comp = make.competition(organizer=organizer)
    app = make.submitted_application(comp, make.organization(members=[member]), member)
    stage = make.review_stage(comp)
    client = login(organizer)
    for huge in (str(2**63), str(10**30)):
        response = client.post(
            f"/judging/stages/{stage.id}/applications/{app.id}/judges",
            data={"action": "add", "judge_id": huge},
        )
        assert response.status_code == 302  # "Choose a judge." on the assignments page
        assert client.get(f"/applications/{huge}").status_code == 404
        assert client.get(f"/inbox?page={huge}").status_code == 200
        assert client.get(f"/admin/audit/?page={huge}").status_code == 200
        panels = client.post(
            f"/judging/stages/{stage.id}/panels", data={"category_id": huge, "judge_id": huge}
        )
        assert panels.status_code == 302
    assert (
        login(judge).get(f"/judging/stages/{stage.id}/applications/{app.id}?x=1").status_code < 500
    )
    assert not _netted(caplog)


def test_deleting_a_rubric_that_was_copied_keeps_the_copy(app_ctx, login, make):
    from venture.competitions.models import Rubric

    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    original_id = make.rubric(comp, name="备用评分表").id
    client = login(organizer)
    assert (
        client.post(f"/competitions/{comp.id}/setup/rubrics/{original_id}/copy").status_code == 302
    )
    copy = db.session.scalar(sa.select(Rubric).where(Rubric.copied_from_id == original_id))
    response = client.post(f"/competitions/{comp.id}/setup/rubrics/{original_id}/delete")
    assert response.status_code == 302
    assert db.session.get(Rubric, original_id) is None
    db.session.refresh(copy)
    assert copy.copied_from_id is None and copy.name == "备用评分表"


def test_the_database_refusals_a_request_can_meet_are_named(app_ctx, make):
    """Duplicate, missing reference and CHECK refusals are told apart on both databases
    (the error pages answer 409 or 400 for them, not 500)."""
    from sqlalchemy.exc import IntegrityError

    from venture.accounts.models import User
    from venture.errorpages import DUPLICATE, MISSING, OUT_OF_RANGE, database_refusal
    from venture.files.models import StoredFile

    user = make.applicant()
    if db.engine.dialect.name == "sqlite":
        # conftest's empty_all_tables turns foreign keys back on inside its transaction,
        # where SQLite ignores the pragma: turn them on again, outside any transaction.
        db.session.commit()
        db.session.connection().exec_driver_sql("PRAGMA foreign_keys=ON")
    statements = {
        DUPLICATE: sa.insert(User).values(email=user.email, name="又一个", role=user.role),
        MISSING: sa.insert(StoredFile).values(
            original_name="a",
            stored_name="x1",
            content_type="a",
            kind="pdf",
            size=1,
            sha256="0",
            uploaded_by_id=user.id + 1000,
        ),
        OUT_OF_RANGE: sa.insert(StoredFile).values(
            original_name="a", stored_name="x2", content_type="a", kind="pdf", size=-1, sha256="0"
        ),
    }
    for kind, statement in statements.items():
        with pytest.raises(IntegrityError) as caught:
            db.session.execute(statement)
        db.session.rollback()
        assert database_refusal(caught.value) == kind


def test_a_double_click_on_notice_preferences_saves_once_without_a_conflict(app_ctx, make):
    """Two saves of a new person's preferences at the same moment (the first adds the
    rows): the second waits for the first and both succeed (PostgreSQL, two threads)."""
    import threading

    from venture.notices.models import NoticePreference

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite runs one writer at a time")
    user = make.applicant()
    clients = [app_ctx.test_client(user=user) for _ in range(2)]
    db.session.commit()
    barrier, statuses = threading.Barrier(2), [None, None]

    def save(i):
        barrier.wait()
        statuses[i] = clients[i].post("/account/notices", data={"email": []}).status_code

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    rows = db.session.scalars(
        sa.select(NoticePreference).where(NoticePreference.user_id == user.id)
    ).all()
    assert rows and not any(r.email_enabled for r in rows)
    assert len({r.kind for r in rows}) == len(rows)
