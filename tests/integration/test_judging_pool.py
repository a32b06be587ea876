"""The judge pool: invitations with a profile, xlsx import (all rows or none), the judge's
own profile and ties (a new tie replaces the judge where it conflicts), progress and
reminders."""

from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa
from openpyxl import Workbook

from venture.accounts.models import Role, User
from venture.extensions import db
from venture.judging.models import Assignment, AssignmentStatus, JudgeProfile
from venture.notices.models import Notice


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "邮箱", "职称", "工作单位", "单位统一社会信用代码", "专长领域", "电话"])
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_invite_a_judge_with_profile(app_ctx, make, login):
    organizer = make.organizer()
    client = login(organizer)
    bad = client.post(
        "/judging/judges/invite",
        data={
            "name": "陈专家",
            "email": "chen@example.org",
            "employer_uscc": "51430702MJ0000001X",
            "locale": "zh_CN",
        },
    )
    assert bad.status_code == 422 and "统一社会信用代码" in bad.get_data(as_text=True)
    code = make.uscc()
    ok = client.post(
        "/judging/judges/invite",
        data={
            "name": "陈专家",
            "email": "chen@example.org",
            "title": "教授",
            "employer": "澧阳学院",
            "employer_uscc": code,
            "expertise": "为老服务、社区治理",
            "locale": "zh_CN",
        },
    )
    assert ok.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "chen@example.org"))
    profile = db.session.scalar(sa.select(JudgeProfile).where(JudgeProfile.user_id == user.id))
    assert (
        user.role == Role.JUDGE
        and profile.expertise == ["为老服务", "社区治理"]
        and profile.employer_uscc == code
    )
    assert db.session.scalar(
        sa.select(Notice).where(Notice.kind == "invitation", Notice.user_id == user.id)
    )
    listing = client.get("/judging/judges?expertise=社区治理").get_data(as_text=True)
    assert "陈专家" in listing


def test_import_checks_every_row_and_stores_nothing_when_one_is_bad(app_ctx, make, login):
    organizer = make.organizer()
    make.judge(email="taken@example.org")
    client = login(organizer)
    template = client.get("/judging/judges/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    rows = [
        [
            "王一",
            "wang1@example.org",
            "副教授",
            "澧阳学院",
            "",
            "为老服务、助残服务",
            "13800000001",
        ],
        ["王二", "not-an-email", "", "", "", "", ""],
        ["王三", "WANG1@example.org", "", "", "", "", ""],
        ["王四", "taken@example.org", "", "", "", "", ""],
        ["王五", "wang5@example.org", "", "某单位", "91350100M000100Y44", "", ""],
        ["", "wang6@example.org", "", "", "", "", ""],
    ]
    response = client.post(
        "/judging/judges/import",
        data={"file": (_xlsx(rows), "judges.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    for expected in ("not-an-email", "第 2 行", "taken@example.org", "91350100M000100Y44", "姓名"):
        assert expected in text, expected
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email.like("wang%"))) == 0

    good = [
        rows[0],
        ["王五", "wang5@example.org", "", "某单位", make.uscc(), "社区治理,党建引领", ""],
    ]
    done = client.post(
        "/judging/judges/import",
        data={"file": (_xlsx(good), "judges.xlsx")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    profiles = {p.user.email: p for p in db.session.scalars(sa.select(JudgeProfile))}
    assert profiles["wang5@example.org"].expertise == ["社区治理", "党建引领"]
    assert len(list(db.session.scalars(sa.select(Notice).where(Notice.kind == "invitation")))) == 2


def test_judge_edits_profile_and_a_new_tie_replaces_the_assignment(app_ctx, make, login):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = make.review_stage(comp, k=1)
    org = make.organization(name="澧阳市启明社会工作服务中心")
    app = make.application(comp, org, status="passed")
    judge = make.judge_with_profile(name="当事评委")
    backup = make.judge_with_profile(name="候补评委")
    make.assignment(stage, app, judge)
    client = login(judge)
    assert (
        client.post(
            "/judging/profile",
            data={"title": "研究员", "employer": "澧阳学院", "expertise": "儿童青少年"},
        ).status_code
        == 302
    )
    missing = client.post(
        "/judging/profile/ties", data={"tie-organization": "不存在的机构", "tie-kind": "board"}
    )
    assert missing.status_code == 422
    response = client.post(
        "/judging/profile/ties", data={"tie-organization": org.uscc, "tie-kind": "consultant"}
    )
    assert response.status_code == 302
    rows = {a.judge_id: a.status for a in db.session.scalars(sa.select(Assignment))}
    assert rows == {judge.id: AssignmentStatus.REMOVED, backup.id: AssignmentStatus.ACTIVE}
    assert login(organizer).get(f"/judging/judges/{judge.id}").status_code == 200


def test_progress_page_and_reminders(app_ctx, make, login):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = make.review_stage(comp, k=2)
    judges = [make.judge_with_profile(name=f"进度评委{i}") for i in range(3)]
    apps = [make.application(comp, make.organization(), status="passed") for _ in range(3)]
    full = {name: maximum - 2 for name, maximum in make.DEFAULT_CRITERIA}
    pairs = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 0)]
    for a, j in pairs:
        make.confirmed_assignment(stage, apps[a], judges[j])
    for a, j in [(0, 0), (2, 0), (0, 1), (1, 1)]:  # judges 0 and 1 are done
        make.sheet(stage, apps[a], judges[j], full)
    make.sheet(stage, apps[1], judges[2], full, submitted=False)
    client = login(organizer)
    page = client.get(f"/judging/stages/{stage.id}/progress")
    assert page.status_code == 200
    assert client.post(f"/judging/stages/{stage.id}/remind").status_code == 302
    reminders = list(db.session.scalars(sa.select(Notice).where(Notice.kind == "judge_reminder")))
    assert [n.user_id for n in reminders] == [judges[2].id]
    assert "2" in reminders[0].subject
    assert login(judges[0]).get(f"/judging/stages/{stage.id}/progress").status_code == 403


def test_progress_page_query_count_does_not_grow(app_ctx, make, login, count_queries):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = make.review_stage(comp, k=2)
    full = {name: maximum - 2 for name, maximum in make.DEFAULT_CRITERIA}
    client = login(organizer)

    def add(n):
        for _ in range(n):
            judge = make.judge_with_profile()
            app = make.application(comp, make.organization(), status="passed")
            make.confirmed_assignment(stage, app, judge)
            make.sheet(stage, app, judge, full)

    def count():
        return count_queries.get(client, f"/judging/stages/{stage.id}/progress")

    add(2)
    small = count()
    add(12)
    assert count() == small


def test_pool_and_dashboard_query_counts_do_not_grow(app_ctx, make, login, count_queries):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = make.review_stage(comp, k=1)
    me = make.judge_with_profile(expertise=["为老服务"])
    boss, judge = login(organizer), login(me)

    def add(n):
        for _ in range(n):
            make.judge_with_profile(expertise=["为老服务"])
            app = make.application(comp, make.organization(), status="passed")
            make.confirmed_assignment(stage, app, me)
            make.sheet(
                stage, app, me, {name: 5 for name, _m in make.DEFAULT_CRITERIA}, submitted=False
            )

    add(2)
    small = (
        count_queries.get(boss, "/judging/judges?expertise=为老服务"),
        count_queries.get(judge, "/judging/"),
    )
    add(10)
    assert (
        count_queries.get(boss, "/judging/judges?expertise=为老服务"),
        count_queries.get(judge, "/judging/"),
    ) == small
