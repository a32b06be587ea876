"""Setting up a competition section by section, the checks that keep it coherent, the
rubric rules (sum of 100, frozen once sheets exist, copy to a new version), opening."""

from __future__ import annotations

import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.competitions.models import Competition, CompetitionStatus, Rubric, StageKind
from venture.extensions import db

CRITERIA = [
    ("需求分析", "15"),
    ("项目设计", "20"),
    ("可行性", "15"),
    ("创新性", "10"),
    ("预算合理性", "15"),
    ("机构能力", "15"),
    ("社会效益", "10"),
]


def _criteria_form(rows, name="专家评审评分表"):
    data = {"name": name}
    for i, (cname, maximum) in enumerate(rows):
        data.update(
            {
                f"criteria-{i}-name": cname,
                f"criteria-{i}-max_score": maximum,
                f"criteria-{i}-description": f"{cname}的评分要点",
            }
        )
    data[f"criteria-{len(rows)}-name"] = ""  # a blank row is ignored
    return data


def test_an_organizer_sets_up_and_opens_a_competition(make, login):
    organizer = make.organizer()
    make.area_tree()
    client = login(organizer)
    created = client.post(
        "/competitions/new",
        data={
            "name": "澧阳市2027年度公益创投大赛",
            "year": "2027",
            "code_prefix": "gy2027",
            "theme": "三社联动，全民共享",
        },
    )
    assert created.status_code == 302
    comp = db.session.scalar(sa.select(Competition))
    assert comp.status == CompetitionStatus.DRAFT and comp.code_prefix == "GY2027"
    assert [s.kind for s in comp.stages] == list(StageKind)
    cid = comp.id

    # Opening too early lists what is missing.
    early = client.post(f"/competitions/{cid}/setup/open")
    assert early.status_code == 422
    text = early.get_data(as_text=True)
    assert "类别" in text and "申报" in text

    # Categories: yuan in the form, fen in the database; a third decimal is refused.
    bad = client.post(
        f"/competitions/{cid}/setup/categories", data={"name": "为老服务", "budget": "500000.123"}
    )
    assert bad.status_code == 422
    assert (
        client.post(
            f"/competitions/{cid}/setup/categories",
            data={"name": "为老服务", "budget": "500,000.50"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/competitions/{cid}/setup/categories", data={"name": "助残服务", "budget": "300000"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    comp = db.session.get(Competition, cid)
    assert [(c.name, c.budget_fen) for c in comp.categories] == [
        ("为老服务", 50_000_050),
        ("助残服务", 30_000_000),
    ]

    # Money rules.
    assert (
        client.post(
            f"/competitions/{cid}/setup/money",
            data={
                "max_amount": "100000",
                "max_share_pct": "60",
                "min_cofunding_pct": "0",
                "cap_management": "10",
                "forbidden_items": "固定资产购置",
            },
        ).status_code
        == 302
    )

    # Stage dates in Beijing time; out of order is refused with a message.
    def stage_data(application_end):
        data = {
            "application_starts_at": "2026-11-01T09:00",
            "application_ends_at": application_end,
            "screening_starts_at": "2027-01-16T09:00",
            "screening_ends_at": "2027-01-31T18:00",
            "online_review_starts_at": "2027-02-01T09:00",
            "online_review_ends_at": "2027-02-28T18:00",
        }
        return data

    wrong = client.post(f"/competitions/{cid}/setup/stages", data=stage_data("2027-01-20T17:00"))
    assert wrong.status_code == 422
    assert "资格审查" in wrong.get_data(as_text=True)
    assert (
        client.post(
            f"/competitions/{cid}/setup/stages", data=stage_data("2027-01-15T17:00")
        ).status_code
        == 302
    )
    db.session.expire_all()
    window = db.session.get(Competition, cid).stage(StageKind.APPLICATION)
    assert window.ends_at.isoformat() == "2027-01-15T09:00:00+00:00"  # 17:00 Beijing = 09:00 UTC

    # A rubric whose maxima add up to 95 is refused, with the sum shown.
    assert (
        client.post(
            f"/competitions/{cid}/setup/rubrics",
            data={"name": "专家评审评分表", "stage_kind": "online_review"},
        ).status_code
        == 302
    )
    rubric = db.session.scalar(sa.select(Rubric))
    url = f"/competitions/{cid}/setup/rubrics/{rubric.id}"
    short = client.post(url, data=_criteria_form(CRITERIA[:-1] + [("社会效益", "5")]))
    assert short.status_code == 422
    text = short.get_data(as_text=True)
    assert "95" in text and "100" in text
    db.session.expire_all()
    assert db.session.get(Rubric, rubric.id).criteria == []
    assert client.post(url, data=_criteria_form(CRITERIA)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Rubric, rubric.id).total_max == 100

    # Assign it to the online review, then open.
    assert (
        client.post(
            f"/competitions/{cid}/setup/scoring",
            data={
                "online_review_rubric": str(rubric.id),
                "online_review_weight": "0.4",
                "online_review_blind": "y",
                "roadshow_weight": "0.6",
            },
        ).status_code
        == 302
    )
    opened = client.post(f"/competitions/{cid}/setup/open")
    assert opened.status_code == 302
    db.session.expire_all()
    assert db.session.get(Competition, cid).status == CompetitionStatus.OPEN
    assert "澧阳市2027年度公益创投大赛" in client.get("/competitions/").get_data(as_text=True)
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {
        "competition.created",
        "competition.opened",
        "rubric.changed",
        "category.saved",
    } <= actions


def test_weights_must_add_up_and_rubrics_match_their_stage(make, login):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    client = login(organizer)
    roadshow_rubric = comp.stage(StageKind.ROADSHOW).rubric_id
    wrong_stage = client.post(
        f"/competitions/{comp.id}/setup/scoring",
        data={
            "online_review_rubric": str(roadshow_rubric),
            "online_review_weight": "0.4",
            "roadshow_weight": "0.6",
        },
    )
    assert wrong_stage.status_code == 422
    weights = client.post(
        f"/competitions/{comp.id}/setup/scoring",
        data={
            "online_review_rubric": str(comp.stage(StageKind.ONLINE_REVIEW).rubric_id),
            "online_review_weight": "0.5",
            "roadshow_rubric": str(roadshow_rubric),
            "roadshow_weight": "0.6",
        },
    )
    assert weights.status_code == 422 and "1.1" in weights.get_data(as_text=True)


def test_a_rubric_is_frozen_once_a_sheet_exists_and_can_be_copied(make, login):
    organizer = make.organizer()
    member = make.applicant()
    org = make.organization(members=[member])
    comp = make.competition(organizer=organizer)
    app = make.application(comp, org, status="passed")
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    make.sheet(stage, app, make.judge_with_profile(), {n: m - 2 for n, m in make.DEFAULT_CRITERIA})
    rubric = stage.rubric
    client = login(organizer)
    url = f"/competitions/{comp.id}/setup/rubrics/{rubric.id}"
    page = client.get(url).get_data(as_text=True)
    assert "复制为新版本" in page
    changed = client.post(
        url, data=_criteria_form(CRITERIA[:-1] + [("社会效益", "10")], name="改名")
    )
    assert changed.status_code == 409
    db.session.expire_all()
    assert db.session.get(Rubric, rubric.id).name != "改名"

    copied = client.post(f"{url}/copy")
    assert copied.status_code == 302
    copy = db.session.scalar(sa.select(Rubric).where(Rubric.copied_from_id == rubric.id))
    assert copy.version == 2 and copy.name == rubric.name
    assert [(c.name, c.max_score) for c in copy.criteria] == [
        (c.name, c.max_score) for c in rubric.criteria
    ]
    edited = client.post(
        f"/competitions/{comp.id}/setup/rubrics/{copy.id}",
        data=_criteria_form(CRITERIA[:-2] + [("社会效益", "17"), ("可持续性", "8")]),
    )
    assert edited.status_code == 302
    db.session.expire_all()
    assert [c.name for c in db.session.get(Rubric, copy.id).criteria][-1] == "可持续性"


def test_setup_is_for_organizers_and_drafts_are_hidden(make, login, client):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer, status="draft")
    applicant = login(make.applicant())
    for path in (
        "basics",
        "stages",
        "categories",
        "money",
        "budget-lines",
        "eligibility",
        "rubrics",
        "scoring",
        "open",
    ):
        assert applicant.get(f"/competitions/{comp.id}/setup/{path}").status_code == 403
    assert applicant.get(f"/competitions/{comp.id}").status_code == 403
    assert comp.name not in client.get("/competitions/").get_data(as_text=True)
    assert login(organizer).get(f"/competitions/{comp.id}/overview").status_code == 200


def test_a_category_in_use_cannot_be_deleted(make, login):
    organizer = make.organizer()
    org = make.organization(members=[make.applicant()])
    comp = make.competition(organizer=organizer)
    make.application(comp, org)
    client = login(organizer)
    response = client.post(
        f"/competitions/{comp.id}/setup/categories/{comp.categories[0].id}/delete",
        follow_redirects=True,
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert len(db.session.get(Competition, comp.id).categories) == 2


def test_visitors_see_open_competitions_on_the_home_page_and_the_public_list(make, client):
    comp = make.competition(name="澧阳市2027年度公益创投大赛")
    home = client.get("/").get_data(as_text=True)
    assert comp.name in home
    page = client.get(f"/competitions/{comp.id}")
    assert page.status_code == 200 and "登录后申报" in page.get_data(as_text=True)


def test_the_rubric_editor_names_the_rubric_and_adds_no_empty_rows_after_saving(make, login):
    import re

    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    client = login(organizer)
    assert (
        client.post(
            f"/competitions/{comp.id}/setup/rubrics",
            data={"name": "新评分表", "stage_kind": "online_review"},
        ).status_code
        == 302
    )
    rubric = db.session.scalar(sa.select(Rubric).where(Rubric.name == "新评分表"))
    url = f"/competitions/{comp.id}/setup/rubrics/{rubric.id}"

    def rows(page):
        return len(re.findall(r'name="criteria-\d+-name"', page))

    fresh = client.get(url).get_data(as_text=True)
    assert rows(fresh) >= 1  # a new rubric: rows to type in
    label = re.search(r'<label[^>]*for="name"[^>]*>(.*?)</label>', fresh, re.S).group(1)
    assert "评分表名称" in label and "评分项" not in label

    saved = client.post(url, data=_criteria_form(CRITERIA), follow_redirects=True).get_data(
        as_text=True
    )
    assert rows(saved) == len(CRITERIA)  # the saved criteria, and no empty rows after them
    assert (
        rows(client.get(url + "?add=2").get_data(as_text=True)) == len(CRITERIA) + 2
    )  # asked for (no JavaScript)


def test_form_fields_about_things_are_not_labelled_as_a_persons_name(make, login):
    """ "Name" is a person's 姓名: a roadshow session, a rubric and an organization have a 名称."""
    import re
    from datetime import timedelta

    from venture.db import utcnow
    from venture.judging.models import RoadshowSession

    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = comp.stage(StageKind.ROADSHOW)
    session = RoadshowSession(
        stage_id=stage.id,
        name="第一场路演",
        venue="市民中心",
        scheduled_at=utcnow() + timedelta(days=1),
    )
    db.session.add(session)
    db.session.commit()
    page = login(organizer).get(f"/judging/roadshow/{session.id}/edit").get_data(as_text=True)
    label = re.search(r'<label[^>]*for="name"[^>]*>(.*?)</label>', page, re.S).group(1)
    assert "场次名称" in label and "姓名" not in label
