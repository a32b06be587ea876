"""Objections during the public notice: filing (anonymous, validated, rate limited, only in
the window), answering (upheld with a change, or dismissed), and the receipt lookup."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.db import utcnow
from venture.extensions import db
from venture.notices.models import Notice
from venture.rankings.models import FundingOutcome
from venture.results import services
from venture.results.models import Decision, Objection, ObjectionStatus, Publication

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONTENT = "该项目申报材料中的服务对象人数与社区实际情况严重不符，请主办方予以核查。"


@pytest.fixture
def published(make):
    boss = make.organizer()
    comp, apps, _snap = make.results_setup(organizer=boss)
    services.generate_decisions(comp, boss)
    publication = services.approve(comp, boss)
    return boss, comp, apps, publication


def _form(app, **overrides):
    data = {
        "application_id": str(app.id),
        "objector_kind": "person",
        "real_name": "王小明",
        "phone": "138 1234 5678",
        "email": "",
        "organization_name": "",
        "content": CONTENT,
    }
    data.update(overrides)
    return data


def _audit(action):
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_anyone_files_an_objection_and_gets_a_receipt(published, client):
    boss, comp, apps, _pub = published
    form = client.get(f"/results/{comp.id}/objections/new")
    assert form.status_code == 200 and apps[0].project_name in form.get_data(as_text=True)

    data = _form(
        apps[0],
        evidence=[
            (io.BytesIO(PDF), "证明.pdf"),
            (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 64), "x.png"),
        ],
    )
    response = client.post(
        f"/results/{comp.id}/objections/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    receipt_page = client.get(response.headers["Location"])
    assert receipt_page.status_code == 201
    code = re.search(
        r'data-testid="receipt-code">([A-Z0-9-]+)<', receipt_page.get_data(as_text=True)
    ).group(1)

    objection = db.session.scalar(sa.select(Objection))
    assert objection.receipt_code == code and objection.phone == "13812345678"
    assert objection.status == ObjectionStatus.OPEN and len(objection.files) == 2
    assert objection.ip == "127.0.0.1"
    assert _audit("results.objection_filed")[0].actor_id is None
    notices = list(db.session.scalars(sa.select(Notice).where(Notice.kind == "objection_received")))
    assert [n.user_id for n in notices] == [boss.id]
    assert notices[0].competition_id == comp.id and code in notices[0].body

    # The organizer sees it prominently and can open the evidence.
    home = client.application.test_client(user=boss).get("/").get_data(as_text=True)
    assert 'data-testid="home-open-objections"' in home
    organizer = client.application.test_client(user=boss)
    detail = organizer.get(f"/competitions/{comp.id}/objections/{objection.id}")
    assert "王小明" in detail.get_data(as_text=True)
    file_id = objection.files[0].id
    download = organizer.get(f"/competitions/{comp.id}/objections/{objection.id}/files/{file_id}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith(
        "attachment"
    )
    # The public never sees the objector's personal data.
    assert "13812345678" not in client.get(f"/results/{comp.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"phone": "12345"}, "手机号码"),
        ({"phone": "021-1234"}, "手机号码"),
        ({"objector_kind": "organization", "organization_name": ""}, "单位名称"),
        ({"content": "太短了"}, "至少 20 个字"),
        ({"real_name": ""}, "真实姓名"),
        ({"email": "not-an-email"}, "有效的电子邮箱"),
        ({"application_id": "999999"}, "公示名单"),
    ],
)
def test_invalid_objections_are_refused_with_a_message(published, client, overrides, field_message):
    _boss, comp, apps, _pub = published
    response = client.post(f"/results/{comp.id}/objections/new", data=_form(apps[0], **overrides))
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0
    assert not db.session.scalar(
        sa.select(sa.func.count(Notice.id)).where(Notice.kind == "objection_received")
    )


def test_landline_and_organization_objections_are_accepted(published, client):
    _boss, comp, apps, _pub = published
    response = client.post(
        f"/results/{comp.id}/objections/new",
        data=_form(
            apps[1],
            phone="（0736）7123456",
            objector_kind="organization",
            organization_name="澧阳市某社区居委会",
        ),
    )
    assert response.status_code == 302
    objection = db.session.scalar(sa.select(Objection))
    assert objection.phone == "0736-7123456" and objection.organization_name == "澧阳市某社区居委会"


def test_a_wrong_file_type_is_refused_and_nothing_is_kept(published, client):
    _boss, comp, apps, _pub = published
    data = _form(apps[0], evidence=[(io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.exe")])
    response = client.post(
        f"/results/{comp.id}/objections/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 415
    assert "virus.exe" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0


def test_objections_are_refused_before_and_after_the_window(published, client):
    _boss, comp, apps, publication = published
    publication.publicity_starts_at = utcnow() + timedelta(days=1)
    publication.publicity_ends_at = utcnow() + timedelta(days=8)
    db.session.commit()
    before = client.post(f"/results/{comp.id}/objections/new", data=_form(apps[0]))
    assert before.status_code == 409 and "公示尚未开始" in before.get_data(as_text=True)

    publication.publicity_starts_at = utcnow() - timedelta(days=8)
    publication.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    after = client.post(f"/results/{comp.id}/objections/new", data=_form(apps[0]))
    assert after.status_code == 409 and "异议期已于" in after.get_data(as_text=True)
    page = client.get(f"/results/{comp.id}/objections/new")
    assert 'data-testid="window-closed"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0


def test_unpublished_results_take_no_objections(make, client):
    boss = make.organizer()
    comp, apps, _snap = make.results_setup(organizer=boss)
    services.generate_decisions(comp, boss)  # proposed only
    assert client.get(f"/results/{comp.id}/objections/new").status_code == 404
    assert client.post(f"/results/{comp.id}/objections/new", data=_form(apps[0])).status_code == 404


@pytest.fixture
def limited_client(app_ctx, db_url, tmp_path):
    """A second app on the same database with rate limiting on (3 objections per hour)."""
    from tests.conftest import test_config
    from venture import create_app
    from venture.extensions import limiter
    from workers.celery_app import init_celery

    limited = create_app(
        test_config(
            tmp_path,
            db_url,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            OBJECTION_RATE_LIMIT="3 per hour",
        )
    )
    try:
        yield limited.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()
        init_celery(app_ctx)  # tasks run in the module's app again


def test_filing_is_rate_limited_per_address(published, limited_client):
    _boss, comp, apps, _pub = published
    statuses = [
        limited_client.post(f"/results/{comp.id}/objections/new", data=_form(apps[0])).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 3
    # Reading the page is not limited.
    assert limited_client.get(f"/results/{comp.id}/objections/new").status_code == 200


def test_upholding_changes_the_decision_in_the_same_step_and_emails_the_objector(published, login):
    boss, comp, apps, publication = published
    objection = services.file_objection(
        comp,
        application_id=apps[0].id,
        objector_kind="person",
        real_name="王小明",
        phone="13812345678",
        email="wang@example.org",
        content=CONTENT,
    )
    version = db.session.get(Publication, publication.id).version
    client = login(boss)
    url = f"/competitions/{comp.id}/objections/{objection.id}"
    refused = client.post(
        url, data={"verdict": "upheld", "reply": "短", "change": "y", "outcome": "not_funded"}
    )
    assert refused.status_code == 422 and "答复意见" in refused.get_data(as_text=True)
    unknown = client.post(
        url,
        data={
            "verdict": "upheld",
            "reply": "经实地核查，服务人数确有夸大，取消资助。",
            "change": "y",
            "outcome": "abolished",
            "change_reason": "异议成立",
        },
    )
    assert (
        unknown.status_code == 422
    )  # an outcome outside the list is a message, not a server error

    response = client.post(
        url,
        data={
            "verdict": "upheld",
            "reply": "经实地核查，服务人数确有夸大，取消资助。",
            "change": "y",
            "outcome": "not_funded",
            "amount": "",
            "change_reason": "异议成立：申报服务人数不实",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    objection = db.session.get(Objection, objection.id)
    decision = db.session.scalar(sa.select(Decision).where(Decision.application_id == apps[0].id))
    assert (
        objection.status == ObjectionStatus.UPHELD and objection.changed_decision_id == decision.id
    )
    assert decision.outcome == FundingOutcome.NOT_FUNDED and decision.approved_fen == 0
    assert decision.reason == "异议成立：申报服务人数不实" and decision.differs_from_line
    change = _audit("results.decision_change")[-1]
    assert change.changes["objection_id"] == objection.id and change.actor_id == boss.id
    assert _audit("results.objection_answer")[-1].changes["status"] == ["open", "upheld"]
    assert db.session.get(Publication, publication.id).version > version  # the API's ETag changes

    reply = db.session.scalar(sa.select(Notice).where(Notice.kind == "objection_answered"))
    assert reply.email == "wang@example.org" and reply.user_id is None
    assert "服务人数确有夸大" in reply.body and objection.receipt_code in reply.body
    # The organizer sees how the reply went out: the email and its delivery status.
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="reply-email"' in page and "wang@example.org" in page
    assert 'data-testid="reply-phone"' not in page
    assert _audit("results.objection_answer")[-1].changes["reply_by"] == "email"
    # Answered once only.
    again = client.post(url, data={"verdict": "dismissed", "reply": "再次答复的内容如下所示。"})
    assert again.status_code == 409


def test_a_change_that_breaks_a_rule_leaves_the_objection_open(published):
    boss, comp, apps, _pub = published
    objection = services.file_objection(
        comp,
        application_id=apps[1].id,
        objector_kind="person",
        real_name="王小明",
        phone="13812345678",
        content=CONTENT,
    )
    from venture.errors import ValidationError

    with pytest.raises(ValidationError):
        services.answer_objection(
            objection,
            upheld=True,
            reply="异议成立，调整为资助全部金额。",
            actor=boss,
            change=True,
            outcome="funded",
            approved_fen=apps[1].requested_fen + 1,
        )
    db.session.expire_all()
    assert db.session.get(Objection, objection.id).status == ObjectionStatus.OPEN
    assert not _audit("results.objection_answer")


def test_a_phone_only_objector_is_answered_by_a_recorded_call_and_through_the_lookup(
    published, login, client
):
    boss, comp, apps, _pub = published
    objection = services.file_objection(
        comp,
        application_id=apps[2].id,
        objector_kind="person",
        real_name="李四",
        phone="13900001111",
        content=CONTENT,
    )
    organizer = login(boss)
    url = f"/competitions/{comp.id}/objections/{objection.id}"
    assert 'data-testid="phone-delivery"' in organizer.get(url).get_data(as_text=True)
    answer = {"verdict": "dismissed", "reply": "经核实，该项目申报材料真实，异议不成立。"}
    # Without a record of the call the answer is refused: nothing would reach the objector.
    refused = organizer.post(url, data=answer)
    assert refused.status_code == 422 and "电话" in refused.get_data(as_text=True)
    called = (utcnow() + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # Beijing time, now
    no_time = organizer.post(
        url, data={**answer, "phone_note": "项目办张伟致电异议人，宣读答复，对方表示认可。"}
    )
    assert no_time.status_code == 422
    future = (utcnow() + timedelta(hours=8, days=1)).strftime("%Y-%m-%dT%H:%M")
    assert (
        organizer.post(
            url,
            data={
                **answer,
                "phone_note": "项目办张伟致电异议人，宣读答复，对方表示认可。",
                "phone_replied_at": future,
            },
        ).status_code
        == 422
    )
    db.session.expire_all()
    assert db.session.get(Objection, objection.id).status == ObjectionStatus.OPEN
    assert not _audit("results.objection_answer")

    response = organizer.post(
        url,
        data={
            **answer,
            "phone_note": "项目办张伟致电异议人，宣读答复，对方表示认可。",
            "phone_replied_at": called,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    objection = db.session.get(Objection, objection.id)
    assert objection.phone_reply_note == "项目办张伟致电异议人，宣读答复，对方表示认可。"
    assert abs(objection.phone_replied_at - utcnow()) < timedelta(minutes=2)
    entry = _audit("results.objection_answer")[-1]
    assert entry.changes["reply_by"] == "phone" and "张伟致电" in entry.changes["phone_reply_note"]
    assert entry.changes["phone_replied_at"]
    assert not db.session.scalar(sa.select(Notice.id).where(Notice.kind == "objection_answered"))
    page = organizer.get(url).get_data(as_text=True)
    assert 'data-testid="reply-phone"' in page and "张伟致电异议人" in page

    lookup = client.post(
        "/results/objections/lookup",
        data={
            "receipt_code": objection.receipt_code.lower().replace("-", ""),
            "phone": "139-0000-1111",
        },
    )
    assert lookup.status_code == 200
    html = lookup.get_data(as_text=True)
    assert "异议不成立" in html and "经核实，该项目申报材料真实" in html
    wrong = client.post(
        "/results/objections/lookup",
        data={"receipt_code": objection.receipt_code, "phone": "13900002222"},
    )
    assert wrong.status_code == 404 and "经核实" not in wrong.get_data(as_text=True)


def test_dismissing_cannot_change_a_decision(published):
    boss, comp, apps, _pub = published
    objection = services.file_objection(
        comp,
        application_id=apps[0].id,
        objector_kind="person",
        real_name="李四",
        phone="13900001111",
        content=CONTENT,
    )
    from venture.errors import ValidationError

    with pytest.raises(ValidationError):
        services.answer_objection(
            objection,
            upheld=False,
            reply="异议不成立，维持原决定。",
            actor=boss,
            change=True,
            outcome="not_funded",
        )


def test_objection_list_queries_do_not_grow(published, login, count_queries):
    boss, comp, apps, _pub = published
    client = login(boss)

    def count(n):
        for i in range(n):
            services.file_objection(
                comp,
                application_id=apps[i % 3].id,
                objector_kind="person",
                real_name="王小明",
                phone="13812345678",
                content=CONTENT,
            )
        return count_queries.get(client, f"/competitions/{comp.id}/objections")

    assert count(2) == count(6)


def test_upheld_without_a_change_must_say_why_no_decision_changes(published, login):
    boss, comp, apps, _pub = published
    objection = services.file_objection(
        comp,
        application_id=apps[0].id,
        objector_kind="person",
        real_name="王小明",
        phone="13812345678",
        email="wang@example.org",
        content=CONTENT,
    )
    before = db.session.scalar(sa.select(Decision).where(Decision.application_id == apps[0].id))
    outcome, amount = before.outcome, before.approved_fen
    client = login(boss)
    url = f"/competitions/{comp.id}/objections/{objection.id}"
    answer = {
        "verdict": "upheld",
        "reply": "异议部分成立：申报书中服务人数表述不准确，已要求机构更正。",
    }
    refused = client.post(url, data=answer)
    assert refused.status_code == 422 and "为何不改变" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Objection, objection.id).status == ObjectionStatus.OPEN
    assert not _audit("results.objection_answer")

    response = client.post(
        url, data={**answer, "no_change_reason": "服务人数误差不影响评分结果，资助决定维持不变。"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    objection = db.session.get(Objection, objection.id)
    assert objection.status == ObjectionStatus.UPHELD and objection.changed_decision_id is None
    assert objection.no_change_reason == "服务人数误差不影响评分结果，资助决定维持不变。"
    decision = db.session.scalar(sa.select(Decision).where(Decision.application_id == apps[0].id))
    assert (decision.outcome, decision.approved_fen) == (outcome, amount)
    assert not _audit("results.decision_change")
    entry = _audit("results.objection_answer")[-1]
    assert entry.changes["no_change_reason"] == objection.no_change_reason
    assert "资助决定维持不变" in client.get(url).get_data(as_text=True)


def test_an_upheld_change_needs_no_explanation_and_a_dismissal_keeps_none(published):
    boss, comp, apps, _pub = published
    first = services.file_objection(
        comp,
        application_id=apps[0].id,
        objector_kind="person",
        real_name="王小明",
        phone="13812345678",
        email="wang@example.org",
        content=CONTENT,
    )
    services.answer_objection(
        first,
        upheld=True,
        reply="异议成立，取消对该项目的资助。",
        actor=boss,
        change=True,
        outcome="not_funded",
        no_change_reason="不应保存的说明文字内容",
    )
    assert first.changed_decision_id is not None and first.no_change_reason == ""
    second = services.file_objection(
        comp,
        application_id=apps[1].id,
        objector_kind="person",
        real_name="王小明",
        phone="13812345678",
        email="wang@example.org",
        content=CONTENT,
    )
    services.answer_objection(
        second, upheld=False, reply="经核实，异议不成立，维持原决定。", actor=boss
    )
    assert second.status == ObjectionStatus.DISMISSED and second.no_change_reason == ""
