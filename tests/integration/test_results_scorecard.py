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

FULL = {
    "需求分析": 12,
    "项目设计": 16,
    "可行性": 12,
    "创新性": 8,
    "预算合理性": 12,
    "机构能力": 12,
    "社会效益": 8,
}


@pytest.fixture
def scored(make):
    boss = make.organizer()
    member = make.applicant(name="李春梅")
    comp, apps, _snap = make.results_setup(organizer=boss, members=[member])
    stage = comp.stage("online_review")
    roadshow = comp.stage("roadshow")
    judges = [
        make.judge(name=f"评委{name}", email=f"{name}@judges.example.org")
        for name in ("张三", "李四", "王五")
    ]
    make.sheet(stage, apps[0], judges[0], FULL, overall_comment="需求分析扎实，建议细化预算。")
    make.sheet(
        stage,
        apps[0],
        judges[1],
        {**FULL, "需求分析": 10, "创新性": None},
        overall_comment="创新性不适用于本项目。",
    )
    make.sheet(
        stage,
        apps[0],
        judges[2],
        {**FULL, "需求分析": 14},
        submitted=False,
        overall_comment="草稿里的意见不应出现",
    )
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
    assert online.result is None  # this final snapshot combined no stage snapshot: no arithmetic
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
    assert (
        "各项平均分合计" not in html and "Total of the averages" not in html
    )  # the misleading sum is gone
    for judge in judges:
        assert judge.name not in html and judge.email not in html
        assert f"judge_id={judge.id}" not in html and f'data-judge="{judge.id}"' not in html

    listing = client.get("/my/results").get_data(as_text=True)
    assert apps[0].project_name in listing and apps[1].project_name not in listing
    home = client.get("/").get_data(as_text=True)
    assert f"/my/results/{apps[0].id}" in home

    notice = db.session.scalar(
        sa.select(Notice).where(Notice.kind == "results_published", Notice.user_id == member.id)
    )
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


# --- the snapshot's figures: sheet totals, trimmed, calibrated, arithmetic ---------------------


def _scores(total: int) -> dict:
    """Scores on the small rubric (10 + 10 + 20) adding up to ``total``."""
    need = min(10, total // 4)
    design = min(10, (total - need) // 3)
    return {"需求": need, "设计": design, "效益": total - need - design}


ONLINE = {"A": (30, 34, 22, 38), "B": (35, 33, 28, 40), "C": (25, 27, 20, 31)}  # per judge 0..3
ROADSHOW = {"A": (38, 30, 33), "B": (30, 36, 25), "C": (32, 28, 35)}  # judges 0..2


@pytest.fixture
def computed(make):
    """Online review (trimmed mean, K = 1) and roadshow (z-score) computed from real sheets,
    the final ranking built and the results on public notice."""
    from venture.competitions.models import Method, StageKind
    from venture.rankings import services as rankings
    from venture.rankings.compute import compute_stage_snapshot

    boss = make.organizer()
    member = make.applicant()
    comp = make.competition(organizer=boss, categories=(("为老服务", 1_000_000),))
    make.small_rubric(comp, "online_review")
    make.small_rubric(comp, "roadshow")
    online, roadshow = comp.stage(StageKind.ONLINE_REVIEW), comp.stage(StageKind.ROADSHOW)
    online.method, online.trim_k, roadshow.method = Method.TRIMMED, 1, Method.ZSCORE
    db.session.commit()
    org = make.organization(members=[member])
    apps = {
        name: make.application(
            comp,
            org if name == "A" else make.organization(),
            status="passed",
            requested_fen=100_000,
            project_name=f"项目{name}",
        )
        for name in "ABC"
    }
    judges = [
        make.judge_with_profile(name=name, email=f"judge{i}@judges.example.org")
        for i, name in enumerate(("欧阳锦", "司马岚", "诸葛霖", "上官蔚"))
    ]
    for name, totals in ONLINE.items():
        for i, total in enumerate(totals):
            make.sheet(
                online, apps[name], judges[i], _scores(total), overall_comment=f"网评意见{name}{i}"
            )
    for name, totals in ROADSHOW.items():
        for i, total in enumerate(totals):
            make.sheet(
                roadshow,
                apps[name],
                judges[i],
                _scores(total),
                overall_comment=f"路演意见{name}{i}",
            )
    compute_stage_snapshot(online.id)
    compute_stage_snapshot(roadshow.id)
    final = rankings.build_final_snapshot(comp, boss)
    services.generate_decisions(comp, boss)
    services.approve(comp, boss)
    return boss, member, comp, apps, judges, final


def _source(final, app, kind):
    from venture.results.scorecard import source_entries

    return next(e for e in source_entries(final, app.id) if e.snapshot.stage.kind.value == kind)


def test_each_stage_shows_the_snapshot_sheets_and_arithmetic_to_its_score(computed):
    _boss, _member, _comp, apps, _judges, final = computed
    cards = {c.kind.value: c for c in scorecard(apps["A"], final)}

    online = cards["online_review"].result
    entry = _source(final, apps["A"], "online_review")
    assert online.method == "trimmed" and online.score == f"{entry.score:.2f}" == "32.00"
    assert sorted(float(s.total) for s in online.sheets) == [22, 30, 34, 38]
    assert sorted(float(s.total) for s in online.sheets if s.dropped) == [
        22,
        38,
    ]  # the lowest and the highest
    assert all(s.calibrated is None for s in online.sheets)  # the trimmed mean does not calibrate
    assert online.arithmetic == "(30.00 + 34.00) ÷ 2 = 32.00"

    roadshow = cards["roadshow"].result
    entry = _source(final, apps["A"], "roadshow")
    assert roadshow.method == "zscore" and roadshow.score == f"{entry.score:.2f}"
    calibrated = [Decimal(s.calibrated) for s in roadshow.sheets]
    assert len(calibrated) == 3 and [float(s.total) for s in roadshow.sheets] != [
        float(c) for c in calibrated
    ]
    mean = (sum(calibrated) / 3).quantize(Decimal("0.01"))
    assert abs(mean - entry.score) <= Decimal("0.01")  # the calibrated totals average to the score
    assert (
        roadshow.arithmetic
        == f"({' + '.join(s.calibrated for s in roadshow.sheets)}) ÷ 3 = {entry.score:.2f}"
    )

    # The final score is the weighted stage scores, as published.
    from venture.results.scorecard import final_arithmetic

    line = final_arithmetic(final, apps["A"].id)
    assert line.endswith(f"→ {services.decision_for(apps['A']).score:.2f}")
    assert f"× {cards['online_review'].result.score}" in line and f"× {roadshow.score}" in line


def test_totals_and_comments_carry_the_same_expert_letter(computed):
    _boss, _member, _comp, apps, _judges, final = computed
    for card in scorecard(apps["A"], final):
        table = ONLINE if card.kind.value == "online_review" else ROADSHOW
        prefix = "网评意见A" if card.kind.value == "online_review" else "路演意见A"
        letter_of_judge = {int(e.overall.removeprefix(prefix)): e.letter for e in card.experts}
        total_of_letter = {s.letter: float(s.total) for s in card.result.sheets}
        assert len(letter_of_judge) == len(table["A"]) == len(total_of_letter)
        for judge, letter in letter_of_judge.items():
            assert (
                total_of_letter[letter] == table["A"][judge]
            )  # the comment's expert gave that total


def test_the_card_page_shows_the_arithmetic_and_no_judge_identity(computed, login, make):
    boss, member, _comp, apps, judges, final = computed
    page = login(member).get(f"/my/results/{apps['A'].id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "(30.00 + 34.00) ÷ 2 = 32.00" in html
    roadshow = _source(final, apps["A"], "roadshow")
    assert f"÷ 3 = {roadshow.score:.2f}" in html
    assert "已去掉" in html and "校准后总分" in html and "评审专家A" in html
    assert "各项平均分合计" not in html
    for judge in judges:
        assert judge.name not in html and judge.email not in html
        assert f"#{judge.id}<" not in html and f"judge_id={judge.id}" not in html
    assert "judges.example.org" not in html
    # Who may open it is unchanged: the organization's members and organizers, nobody else.
    assert login(boss).get(f"/my/results/{apps['A'].id}").status_code == 200
    stranger = make.applicant()
    make.organization(members=[stranger])
    assert login(stranger).get(f"/my/results/{apps['A'].id}").status_code == 403
    assert login(member).get(f"/my/results/{apps['B'].id}").status_code == 403
    judge_client = login(judges[0])
    assert judge_client.get(f"/my/results/{apps['A'].id}").status_code == 403
