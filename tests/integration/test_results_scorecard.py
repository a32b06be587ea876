"""Members' outcome and score card: criteria averages per stage (n/a left out) and the
judges' comments, never the judges' identities."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from venture.extensions import db
from venture.notices.models import Notice
from venture.results import services
from venture.results.scorecard import scorecard

FULL = {"需求分析": 12, "项目设计": 16, "可行性": 12, "创新性": 8, "预算合理性": 12, "机构能力": 12, "社会效益": 8}


@pytest.fixture
def scored(make):
    boss = make.organizer()
    member = make.applicant(name="李春梅")
    comp, apps, _snap = make.results_setup(organizer=boss, members=[member])
    stage = comp.stage("online_review")
    roadshow = comp.stage("roadshow")
    judges = [make.judge(name=f"评委{name}", email=f"{name}@judges.example.org")
              for name in ("张三", "李四", "王五")]
    make.sheet(stage, apps[0], judges[0], FULL, overall_comment="需求分析扎实，建议细化预算。")
    make.sheet(stage, apps[0], judges[1], {**FULL, "需求分析": 10, "创新性": None},
               overall_comment="创新性不适用于本项目。")
    make.sheet(stage, apps[0], judges[2], {**FULL, "需求分析": 14}, submitted=False,
               overall_comment="草稿里的意见不应出现")
    make.sheet(roadshow, apps[0], judges[2], FULL, overall_comment="现场答辩清晰。")
    make.sheet(stage, apps[1], judges[0], FULL, overall_comment="另一个项目的意见")
    return boss, member, comp, apps, judges


def test_the_score_card_averages_criteria_and_leaves_out_na_and_drafts(scored):
    _boss, _member, _comp, apps, _judges = scored
    cards = scorecard(apps[0])
    assert [c.kind.value for c in cards] == ["online_review", "roadshow"]
    online = cards[0]
    assert online.sheets == 2
    means = {c.name: c.mean for c in online.criteria}
    assert means["需求分析"] == Decimal("11.00")
    assert means["创新性"] == Decimal("8.00")  # the n/a answer is left out, not counted as 0
    assert [c.answers for c in online.criteria if c.name == "创新性"] == [1]
    assert online.mean_total == Decimal("79.00")  # the sum of the criteria averages
    comments = sorted(e.overall for e in online.experts)
    assert comments == ["创新性不适用于本项目。", "需求分析扎实，建议细化预算。"]
    assert [e.letter for e in online.experts] == ["A", "B"]
    # Stable order on every call.
    assert [e.overall for e in scorecard(apps[0])[0].experts] == [e.overall for e in online.experts]


def test_members_see_their_card_after_publication_without_judges_identities(scored, login, make):
    boss, member, comp, apps, judges = scored
    client = login(member)
    assert client.get(f"/my/results/{apps[0].id}").status_code == 403  # not published yet

    services.generate_decisions(comp, boss)
    services.approve(comp, boss)
    page = client.get(f"/my/results/{apps[0].id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "评审专家A" in html and "评审专家B" in html
    assert "需求分析扎实，建议细化预算。" in html and "现场答辩清晰。" in html
    assert "草稿里的意见不应出现" not in html and "另一个项目的意见" not in html
    for judge in judges:
        assert judge.name not in html and judge.email not in html
        assert f"judge_id={judge.id}" not in html and f'data-judge="{judge.id}"' not in html

    listing = client.get("/my/results").get_data(as_text=True)
    assert apps[0].project_name in listing and apps[1].project_name not in listing
    home = client.get("/").get_data(as_text=True)
    assert f"/my/results/{apps[0].id}" in home

    notice = db.session.scalar(sa.select(Notice).where(Notice.kind == "results_published",
                                                       Notice.user_id == member.id))
    for judge in judges:
        assert judge.name not in notice.body and judge.email not in notice.body

    # Someone else's card stays closed; organizers may open any.
    stranger = make.applicant()
    make.organization(members=[stranger])
    assert login(stranger).get(f"/my/results/{apps[0].id}").status_code == 403
    assert login(boss).get(f"/my/results/{apps[1].id}").status_code == 200
    assert client.get("/my/results/999999").status_code == 404


def test_the_notices_follow_the_recipients_language(scored, make):
    boss, member, comp, _apps, _judges = scored
    member.locale = "en"
    db.session.commit()
    services.generate_decisions(comp, boss)
    services.approve(comp, boss)
    notice = db.session.scalar(sa.select(Notice).where(Notice.user_id == member.id))
    assert notice.locale == "en" and notice.subject.startswith("Results on public notice")
    assert "Proposed outcome: funded" in notice.body
