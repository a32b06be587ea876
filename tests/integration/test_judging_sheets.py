"""Score sheets: permissions by any URL, autosave with versions, submission rules, the
deadline, reopening, reveal after close, and the blind review scan."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.db import utcnow
from venture.extensions import db
from venture.judging.models import Conflict, ConflictSource, ScoreSheet, SheetStatus
from venture.notices.models import Notice

FULL = {
    "需求分析": 12,
    "项目设计": 16.5,
    "可行性": 12,
    "创新性": 8,
    "预算合理性": 11,
    "机构能力": 12,
    "社会效益": 8,
}


def _setup(make, **stage_settings):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = make.review_stage(comp, **stage_settings)
    owner = make.applicant(name="申请人甲")
    org = make.organization(members=[owner], name="澧阳市晨曦社会工作服务中心")
    org.contact_name, org.contact_phone, org.contact_email = (
        "周联络",
        "13912345678",
        "chenxi-contact@example.org",
    )
    org.legal_representative = "钱法代"
    app = make.application(comp, org, status="passed")
    app.team[0].name = "欧阳社工"
    db.session.commit()
    judge = make.judge_with_profile(name="评委甲")
    make.confirmed_assignment(stage, app, judge)
    return organizer, comp, stage, org, app, judge


def _plan_attachment(app):
    """A non-identifying PDF attached to the application."""
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from venture.applications.models import Attachment, AttachmentKind
    from venture.files.services import store_upload

    stored = store_upload(FileStorage(BytesIO(b"%PDF-1.4 plan"), filename="plan.pdf"))
    db.session.flush()
    attachment = Attachment(
        application_id=app.id, stored_file_id=stored.id, kind=AttachmentKind.PLAN, identifying=False
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment


def _form(stage, answers, version=0, **extra):
    criteria = {c.name: c for c in stage.rubric.criteria}
    data = {
        "version": version,
        "confidence": "4",
        "recommendation": "fund",
        "overall_comment": "总体较好",
    }
    for name, value in answers.items():
        if value is None:
            data[f"na-{criteria[name].id}"] = "1"
        else:
            data[f"score-{criteria[name].id}"] = str(value)
        data[f"comment-{criteria[name].id}"] = f"{name}意见"
    data.update(extra)
    return data


def test_autosave_versions_and_stale_version_409(app_ctx, make, login):
    organizer, comp, stage, org, app, judge = _setup(make)
    client = login(judge)
    url = f"/judging/stages/{stage.id}/applications/{app.id}/autosave"
    first = client.post(url, json=_form(stage, {"需求分析": 10}))
    assert (
        first.status_code == 200 and first.json["version"] == 1 and first.json["status"] == "draft"
    )
    second = client.post(url, json=_form(stage, {"需求分析": 11}, version=1))
    assert second.json["version"] == 2
    stale = client.post(url, json=_form(stage, {"需求分析": 3}, version=1))
    assert stale.status_code == 409 and stale.json["version"] == 2
    sheet = db.session.scalar(sa.select(ScoreSheet))
    assert sheet.version == 2 and sheet.scores[0].score == 11
    # A beacon sent when the tab closes: a form with the JSON payload.
    import json

    beacon = client.post(
        url, data={"payload": json.dumps(_form(stage, {"需求分析": 9.5}, version=2))}
    )
    assert beacon.status_code == 200 and beacon.json["version"] == 3
    # A NUL escaped inside the beacon's JSON is refused like one in any other input.
    hostile = client.post(
        url,
        data={
            "payload": json.dumps(
                {**_form(stage, {"需求分析": 9}, version=3), "overall_comment": "a\u0000b"}
            )
        },
    )
    assert hostile.status_code == 400
    assert db.session.scalar(sa.select(ScoreSheet)).version == 3


def test_a_draft_keeps_every_valid_answer_and_names_the_invalid_ones(app_ctx, make, login):
    """Autosave stores what is valid (an invalid answer keeps its stored value) and names
    the invalid fields so the page can mark them; a submission stays all or nothing."""
    organizer, comp, stage, org, app, judge = _setup(make)
    ids = {c.name: c.id for c in stage.rubric.criteria}
    client = login(judge)
    url = f"/judging/stages/{stage.id}/applications/{app.id}/autosave"
    first = client.post(url, json=_form(stage, {"需求分析": 10, "创新性": 8}))
    assert first.status_code == 200 and first.json["errors"] == {}
    bad = client.post(
        url,
        json=_form(
            stage,
            {"需求分析": 16, "项目设计": 3.3, "可行性": None, "创新性": 9},
            version=first.json["version"],
            confidence="9",
        ),
    )
    assert bad.status_code == 200 and bad.json["version"] == first.json["version"] + 1
    assert set(bad.json["errors"]) == {
        f"score-{ids['需求分析']}",
        f"score-{ids['项目设计']}",
        f"score-{ids['可行性']}",
        "confidence",
    }
    messages = " ".join(bad.json["errors"].values())
    assert "需求分析" in messages and "0 至 15" in messages
    assert "0.5" in messages and "可行性不能标记为不适用" in messages
    sheet = db.session.scalar(sa.select(ScoreSheet))
    stored = {row.criterion_id: row for row in sheet.scores}
    assert stored[ids["创新性"]].score == 9  # the valid change is kept
    assert stored[ids["需求分析"]].score == 10  # the invalid one leaves the stored answer alone
    assert stored[ids["项目设计"]].score is None and not stored[ids["可行性"]].not_applicable
    assert stored[ids["需求分析"]].comment == "需求分析意见" and sheet.overall_comment == "总体较好"
    assert sheet.confidence == 4 and sheet.status == SheetStatus.DRAFT
    page = client.post(
        f"/judging/stages/{stage.id}/applications/{app.id}",
        data=_form(stage, {"需求分析": 10}, version=sheet.version, action="submit"),
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "项目设计：请打分" in text and "社会效益：请打分" in text
    db.session.expire_all()
    assert db.session.scalar(sa.select(ScoreSheet)).status == SheetStatus.DRAFT


def test_save_draft_with_one_bad_score_comes_back_with_everything_typed(app_ctx, make, login):
    """The form's 保存草稿 with one out-of-range score: the page comes back (not a
    redirect) with every typed value and the bad one marked, the valid answers are stored,
    and the page holds the new version, so saving again is not refused as stale."""
    organizer, comp, stage, org, app, judge = _setup(make)
    ids = {c.name: c.id for c in stage.rubric.criteria}
    client = login(judge)
    url = f"/judging/stages/{stage.id}/applications/{app.id}"
    typed = {**FULL, "需求分析": 35}
    response = client.post(
        url, data=_form(stage, typed, action="save", overall_comment="亮点突出，预算偏高")
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    bad = f"score-{ids['需求分析']}"
    assert re.search(rf'class="[^"]*is-invalid[^"]*"[^>]*id="{bad}"[^>]*value="35"', text)
    assert "0 至 15" in text
    for name, value in FULL.items():
        if name != "需求分析":
            assert f'id="score-{ids[name]}" name="score-{ids[name]}" value="{value}"' in text
            assert f"{name}意见" in text
    assert "亮点突出，预算偏高" in text
    sheet = db.session.scalar(sa.select(ScoreSheet))
    assert sheet.version == 1 and f'name="version" value="{sheet.version}"' in text
    assert {row.criterion_id: row.score for row in sheet.scores}[ids["项目设计"]] == 16.5
    fixed = client.post(url, data=_form(stage, {**FULL, "需求分析": 14}, version=1, action="save"))
    assert fixed.status_code == 302
    db.session.expire_all()
    assert {r.criterion_id: r.score for r in db.session.scalar(sa.select(ScoreSheet)).scores}[
        ids["需求分析"]
    ] == 14


def test_a_refused_save_keeps_the_typed_values_on_the_page(app_ctx, make, login):
    """A stale version (another device saved) is refused with 409, and the page still
    shows what this judge typed."""
    organizer, comp, stage, org, app, judge = _setup(make)
    client = login(judge)
    url = f"/judging/stages/{stage.id}/applications/{app.id}"
    client.post(f"{url}/autosave", json=_form(stage, {"需求分析": 10}))
    stale = client.post(
        url, data=_form(stage, FULL, version=0, action="save", overall_comment="手机上写的评语")
    )
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert (
        "手机上写的评语" in text and 'value="16.5"' in text and 'name="version" value="1"' in text
    )


def test_submit_makes_the_sheet_read_only_and_is_audited(app_ctx, make, login):
    organizer, comp, stage, org, app, judge = _setup(make)
    client = login(judge)
    response = client.post(
        f"/judging/stages/{stage.id}/applications/{app.id}",
        data=_form(stage, FULL, action="submit"),
    )
    assert response.status_code == 302
    sheet = db.session.scalar(sa.select(ScoreSheet))
    assert sheet.status == SheetStatus.SUBMITTED
    assert (
        db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "judging.sheet_submit"))
        is not None
    )
    again = client.post(
        f"/judging/stages/{stage.id}/applications/{app.id}/autosave",
        json=_form(stage, FULL, version=sheet.version),
    )
    assert again.status_code == 409
    page = client.get(f"/judging/stages/{stage.id}/applications/{app.id}").get_data(as_text=True)
    assert "只读" in page and 'name="action" value="submit"' not in page


def test_not_applicable_is_rescaled_not_zero(app_ctx, make):
    from decimal import Decimal

    from venture.judging.services.sheets import sheet_total, stage_sheet_totals

    organizer, comp, stage, org, app, judge = _setup(make)
    stage.rubric.criteria[3].allow_na = True  # 创新性 (max 10)
    db.session.commit()
    scores = {name: maximum / 2 for name, maximum in make.DEFAULT_CRITERIA}
    scores["创新性"] = None
    sheet = make.sheet(stage, app, judge, scores)
    assert sheet_total(sheet) == Decimal("50")
    assert [t.total for t in stage_sheet_totals(stage)] == [Decimal("50")]


def test_deadline_passed_refuses_changes_until_reopened(app_ctx, make, login):
    organizer, comp, stage, org, app, judge = _setup(make)
    sheet = make.sheet(stage, app, judge, FULL)
    stage.ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client = login(judge)
    url = f"/judging/stages/{stage.id}/applications/{app.id}/autosave"
    refused = client.post(url, json=_form(stage, FULL, version=sheet.version))
    assert refused.status_code == 409
    draft_judge = make.judge_with_profile()
    make.confirmed_assignment(stage, app, draft_judge)
    late = login(draft_judge).post(url, json=_form(stage, {"需求分析": 5}))
    assert late.status_code == 409 and "截止" in late.json["error"]["message"]

    no_reason = login(organizer).post(f"/judging/sheets/{sheet.id}/reopen", data={"reason": ""})
    assert no_reason.status_code == 302
    assert db.session.get(ScoreSheet, sheet.id).status == SheetStatus.SUBMITTED
    login(organizer).post(
        f"/judging/sheets/{sheet.id}/reopen", data={"reason": "可行性分数录入有误"}
    )
    sheet = db.session.get(ScoreSheet, sheet.id)
    assert sheet.status == SheetStatus.DRAFT and sheet.reopened_reason == "可行性分数录入有误"
    assert (
        db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "judging.sheet_reopen"))
        is not None
    )
    notice = db.session.scalar(sa.select(Notice).where(Notice.kind == "sheet_reopened"))
    assert notice.user_id == judge.id and "可行性分数录入有误" in notice.body
    fixed = client.post(url, json=_form(stage, FULL, version=sheet.version, action="submit"))
    assert fixed.status_code == 200 and fixed.json["status"] == "submitted"


def test_unassigned_and_conflicted_judges_get_403_everywhere(app_ctx, make, login):
    organizer, comp, stage, org, app, judge = _setup(make, reveal_after_close=True)
    attachment = _plan_attachment(app)
    sheet = make.sheet(stage, app, judge, FULL)
    base = f"/judging/stages/{stage.id}/applications/{app.id}"
    urls = [
        ("get", base),
        ("post", base),
        ("post", base + "/autosave"),
        ("get", base + "/sheet.json"),
        ("get", base + "/application"),
        ("get", f"{base}/attachments/{attachment.id}"),
        ("get", base + "/sheets"),
        ("post", base + "/confirm"),
        ("post", base + "/declare"),
    ]

    assert login(judge).get(f"{base}/attachments/{attachment.id}").status_code == 200

    outsider = make.judge_with_profile()
    conflicted = make.judge_with_profile()
    make.confirmed_assignment(stage, app, conflicted)
    db.session.add(
        Conflict(
            judge_id=conflicted.id,
            application_id=app.id,
            source=ConflictSource.ORGANIZER,
            reason="亲属任职",
        )
    )
    db.session.commit()
    stage.ends_at = utcnow() - timedelta(hours=1)  # closed and revealed: still never for them
    db.session.commit()
    for user in (outsider, conflicted):
        client = login(user)
        for method, url in urls:
            response = getattr(client, method)(url, json={} if method == "post" else None)
            assert response.status_code == 403, (user.name, method, url, response.status_code)
    assert login(make.applicant()).get(base + "/application").status_code == 403
    assert login(judge).get(base + "/sheets").status_code == 200  # assigned, closed, revealed
    assert sheet.id


def test_nothing_of_the_application_opens_before_the_judge_confirms_no_conflict(
    app_ctx, make, login
):
    organizer, comp, stage, org, app, _judge = _setup(make)
    attachment = _plan_attachment(app)
    newcomer = make.judge_with_profile(name="评委丙")
    make.assignment(stage, app, newcomer)  # assigned, not yet confirmed
    base = f"/judging/stages/{stage.id}/applications/{app.id}"
    client = login(newcomer)
    assert client.get(f"{base}/attachments/{attachment.id}").status_code == 403
    assert client.get(base + "/application").status_code == 302  # to the declaration first
    assert client.post(base + "/confirm", data={}).status_code == 302
    download = client.get(f"{base}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_reveal_after_close(app_ctx, make, login):
    organizer, comp, stage, org, app, judge = _setup(make)
    other = make.judge_with_profile(name="评委乙")
    make.confirmed_assignment(stage, app, other)
    make.sheet(stage, app, judge, FULL)
    make.sheet(stage, app, other, FULL)
    url = f"/judging/stages/{stage.id}/applications/{app.id}/sheets"
    assert login(judge).get(url).status_code == 403  # stage open
    stage.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert login(judge).get(url).status_code == 403  # closed, but not revealed
    stage.reveal_after_close = True
    db.session.commit()
    page = login(judge).get(url)
    assert page.status_code == 200 and "评委乙" in page.get_data(as_text=True)
    assert login(organizer).get(url).status_code == 200


def test_declared_conflict_replaces_the_judge_audited_and_notified(app_ctx, make, login):
    organizer, comp, stage, org, app, judge = _setup(make, k=1)
    from venture.judging.models import Assignment, AssignmentStatus

    fresh = make.judge_with_profile(name="新评委")
    db.session.execute(sa.update(Assignment).values(no_conflict_confirmed_at=None))
    db.session.commit()
    client = login(judge)
    page = client.get(f"/judging/stages/{stage.id}/applications/{app.id}")
    assert page.status_code == 200 and "利益冲突" in page.get_data(as_text=True)
    blocked = client.post(
        f"/judging/stages/{stage.id}/applications/{app.id}/autosave", json=_form(stage, FULL)
    )
    assert blocked.status_code == 403
    response = client.post(
        f"/judging/stages/{stage.id}/applications/{app.id}/declare",
        data={"reason": "曾担任该机构顾问"},
    )
    assert response.status_code == 302
    rows = {a.judge_id: a.status for a in db.session.scalars(sa.select(Assignment))}
    assert rows == {judge.id: AssignmentStatus.REMOVED, fresh.id: AssignmentStatus.ACTIVE}
    conflict = db.session.scalar(sa.select(Conflict))
    assert conflict.source == ConflictSource.DECLARED and conflict.reason == "曾担任该机构顾问"
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {
        "judging.conflict",
        "judging.assignment_removed",
        "judging.assignment_replacement",
    } <= actions
    kinds = {(n.kind, n.user_id) for n in db.session.scalars(sa.select(Notice))}
    assert ("assignment_replaced", organizer.id) in kinds and ("judge_assigned", fresh.id) in kinds
    assert client.get(f"/judging/stages/{stage.id}/applications/{app.id}").status_code == 403


def test_blind_stage_shows_nothing_identifying_to_judges(app_ctx, make, login):
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from venture.applications.models import Attachment, AttachmentKind
    from venture.files.services import store_upload

    organizer, comp, stage, org, app, judge = _setup(make)
    files = []
    for name, identifying in (("晨曦登记证书.pdf", True), ("plan.pdf", False)):
        stored = store_upload(FileStorage(BytesIO(b"%PDF-1.4 x"), filename=name))
        db.session.flush()
        files.append(
            Attachment(
                application_id=app.id,
                stored_file_id=stored.id,
                identifying=identifying,
                kind=AttachmentKind.REGISTRATION if identifying else AttachmentKind.PLAN,
            )
        )
    db.session.add_all(files)
    db.session.commit()
    client = login(judge)
    base = f"/judging/stages/{stage.id}/applications/{app.id}"
    client.post(base + "/autosave", json=_form(stage, {"需求分析": 10}))
    secrets = [
        org.name,
        org.uscc,
        org.contact_phone,
        org.contact_email,
        org.contact_name,
        org.legal_representative,
        "欧阳社工",
        "晨曦登记证书",
        "申请人甲",
    ]
    pages = [
        "/",
        "/judging/",
        base,
        base + "/application",
        base + "/sheet.json",
        "/judging/profile",
        "/inbox",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        for secret in secrets:
            assert secret not in text, (url, secret)
    text = client.get(base + "/application").get_data(as_text=True)
    links = set(re.findall(r'href="([^"]*/attachments/\d+)"', text))
    assert links == {f"{base}/attachments/{files[1].id}"}
    for link in links:
        download = client.get(link)
        assert download.status_code == 200 and "晨曦" not in download.headers.get(
            "Content-Disposition", ""
        )
    assert client.get(f"{base}/attachments/{files[0].id}").status_code == 403
    autosave = client.post(base + "/autosave", json=_form(stage, {"需求分析": 11}, version=1))
    assert not any(secret in autosave.get_data(as_text=True) for secret in secrets)
    # The organizer sees everything.
    assert org.name in login(organizer).get(base + "/application").get_data(as_text=True)


def _at_once(monkeypatch, requests):
    """Run the requests in two threads that both read the sheet before either writes it
    (each waits for the other right after ``get_sheet``): the real race of a double tap,
    on each database's own locking. Returns the responses in order."""
    import contextlib
    import threading

    from venture.judging.services import sheets as sheet_services

    barrier = threading.Barrier(len(requests), timeout=5)
    waited = threading.local()
    real = sheet_services.get_sheet

    def racing_get_sheet(*args, **kwargs):
        found = real(*args, **kwargs)
        if not getattr(waited, "done", False):
            waited.done = True
            with contextlib.suppress(threading.BrokenBarrierError):  # the other never came: go on
                barrier.wait()
        return found

    monkeypatch.setattr(sheet_services, "get_sheet", racing_get_sheet)
    db.session.commit()
    results: list = [None] * len(requests)

    def run(i, request):
        results[i] = request()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    monkeypatch.undo()
    return results


def test_two_first_submits_at_once_give_one_sheet_and_a_409(app_ctx, make, login, monkeypatch):
    """Two simultaneous first submits of the same new sheet (a double tap): one is stored,
    the other is refused with 409 and a message, never a 500 from the unique constraint."""
    organizer, comp, stage, org, app, judge = _setup(make)
    url = f"/judging/stages/{stage.id}/applications/{app.id}"
    phone, laptop = login(judge), login(judge)
    body = _form(stage, FULL, action="submit")
    responses = _at_once(
        monkeypatch, [lambda: phone.post(url, data=body), lambda: laptop.post(url, data=body)]
    )
    assert sorted(r.status_code for r in responses) == [302, 409]
    refused = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
    assert "其他窗口或设备" in refused
    db.session.expire_all()
    sheets = list(db.session.scalars(sa.select(ScoreSheet)))
    assert len(sheets) == 1 and sheets[0].status == SheetStatus.SUBMITTED
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.action == "judging.sheet_submit"
            )
        )
        == 1
    )


def test_two_autosaves_of_one_version_at_once_give_one_save_and_a_409(
    app_ctx, make, login, monkeypatch
):
    """Two devices save version 1 at the same moment: one moves it to 2, the other is
    refused as stale with the version the server has (not both applied, not a 500)."""
    organizer, comp, stage, org, app, judge = _setup(make)
    url = f"/judging/stages/{stage.id}/applications/{app.id}/autosave"
    phone, laptop = login(judge), login(judge)
    assert phone.post(url, json=_form(stage, {"需求分析": 10})).json["version"] == 1
    first, second = (
        _form(stage, {"需求分析": 11}, version=1),
        _form(stage, {"需求分析": 12}, version=1),
    )
    responses = _at_once(
        monkeypatch, [lambda: phone.post(url, json=first), lambda: laptop.post(url, json=second)]
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200)
    loser = next(r for r in responses if r.status_code == 409)
    assert winner.json["version"] == 2 and loser.json["version"] == 2
    db.session.expire_all()
    sheet = db.session.scalar(sa.select(ScoreSheet))
    assert sheet.version == 2 and sheet.scores[0].score in (11, 12)


def test_two_first_autosaves_at_once_give_one_sheet_and_a_409(app_ctx, make, login, monkeypatch):
    organizer, comp, stage, org, app, judge = _setup(make)
    url = f"/judging/stages/{stage.id}/applications/{app.id}/autosave"
    phone, laptop = login(judge), login(judge)
    first, second = _form(stage, {"需求分析": 10}), _form(stage, {"需求分析": 11})
    responses = _at_once(
        monkeypatch, [lambda: phone.post(url, json=first), lambda: laptop.post(url, json=second)]
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert next(r for r in responses if r.status_code == 409).json["version"] == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 1


def test_the_replacement_judge_is_told_the_real_count(app_ctx, make, login):
    """The judge who takes over after a conflict hears how many applications they now
    score in the stage (here 3: two they had, one new), not always "1 (1 new)"."""
    organizer, comp, stage, org, app, judge = _setup(make, k=1)
    from venture.judging.models import Assignment

    fresh = make.judge_with_profile(name="接替评委")
    for _ in range(2):
        make.confirmed_assignment(
            stage, make.application(comp, make.organization(), status="passed"), fresh
        )
    db.session.execute(
        sa.update(Assignment)
        .where(Assignment.judge_id == judge.id)
        .values(no_conflict_confirmed_at=None)
    )
    db.session.commit()
    response = login(judge).post(
        f"/judging/stages/{stage.id}/applications/{app.id}/declare",
        data={"reason": "曾担任该机构顾问"},
    )
    assert response.status_code == 302
    notice = db.session.scalar(
        sa.select(Notice).where(Notice.kind == "judge_assigned", Notice.user_id == fresh.id)
    )
    assert "3" in notice.subject and "1" in notice.body and "3" in notice.body
    assert re.search(r"3\D+1", notice.body), notice.body


def test_an_evaluation_sheet_keeps_typed_values_and_valid_answers_too(app_ctx, make, login):
    """Mid-term evaluation sheets are the same sheets on the same page: one bad score
    does not throw the other answers away there either."""
    from venture.followup.models import EvaluationKind

    project = make.project(members=[make.applicant()])
    evaluation = next(e for e in project.evaluations if e.kind == EvaluationKind.MIDTERM)
    stage = evaluation.stage
    stage.starts_at, stage.ends_at = utcnow() - timedelta(days=1), utcnow() + timedelta(days=5)
    judge = make.judge_with_profile(name="评估专家")
    make.confirmed_assignment(stage, project.application, judge)
    criteria = list(stage.rubric.criteria)
    data = {"version": 0, "action": "save", "overall_comment": "中期进展良好", "confidence": "3"}
    for n, c in enumerate(criteria):
        data[f"score-{c.id}"] = str(c.max_score + 10) if n == 0 else str(c.max_score / 2)
        data[f"comment-{c.id}"] = f"{c.name}评估意见"
    response = login(judge).post(
        f"/judging/stages/{stage.id}/applications/{project.application_id}", data=data
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'value="{criteria[0].max_score + 10}"' in text and "中期进展良好" in text
    assert all(f"{c.name}评估意见" in text for c in criteria)
    sheet = db.session.scalar(sa.select(ScoreSheet).where(ScoreSheet.stage_id == stage.id))
    stored = {row.criterion_id: row.score for row in sheet.scores}
    assert stored[criteria[0].id] is None and all(
        stored[c.id] == c.max_score / 2 for c in criteria[1:]
    )


def test_a_retried_submit_of_a_sheet_already_submitted_says_so(app_ctx, make, login):
    """A save whose answer was lost (the connection dropped after the commit) is retried
    with the old version: the judge is told the sheet is already submitted, not a 500."""
    organizer, comp, stage, org, app, judge = _setup(make)
    make.sheet(stage, app, judge, FULL)
    retried = login(judge).post(
        f"/judging/stages/{stage.id}/applications/{app.id}",
        data={**_form(stage, FULL), "action": "submit"},
    )
    assert retried.status_code == 409
    assert "该评分表已提交" in retried.get_data(as_text=True)
