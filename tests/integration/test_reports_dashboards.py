"""The organizer's dashboards: every chart's numbers against hand counts on a small
factory-built competition, the harsh judge visible, rank changes as the scoring engine
computes them, permissions, and query counts that do not grow with the data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from venture.competitions.models import StageKind
from venture.extensions import db
from venture.followup.models import Expense, TrancheStatus
from venture.judging.models import RoadshowSession, RoadshowSlot, SlotStatus
from venture.judging.services.sheets import stage_sheet_totals
from venture.reports.dashboards import followup as followup_dashboard
from venture.reports.dashboards import judging as judging_dashboard
from venture.reports.dashboards import overview as overview_dashboard
from venture.scoring import compute_all, sheet_totals


def _sections(sections):
    return {s.key: s for s in sections}


def _table(chart):
    """{first cell: the other cells} of a chart's numbers."""
    return {row[0]: row[1:] for row in chart.rows}


@pytest.fixture
def zh(app_ctx):
    with app_ctx.test_request_context():
        yield


def _competition(make):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    elderly, disabled = comp.categories
    org = make.organization
    apps = {
        "p1": make.application(comp, org(), status="passed", category=elderly),
        "p2": make.application(comp, org(), status="passed", category=elderly),
        "rej": make.application(comp, org(), status="rejected", category=elderly),
        "sub": make.application(comp, org(), status="submitted", category=elderly),
        "draft": make.application(comp, org(), status="draft", category=elderly),
        "p3": make.application(comp, org(), status="passed", category=disabled),
        "ret": make.application(
            comp, org(), status="returned", category=disabled, requested_fen=5_000_000
        ),
        "wd": make.application(comp, org(), status="withdrawn", category=disabled),
    }
    return organizer, comp, apps


def test_the_overview_counts_what_a_person_would_count(zh, make):
    organizer, comp, apps = _competition(make)
    review = make.review_stage(comp, open_now=False)
    judges = [make.judge(name="评委甲"), make.judge(name="评委乙")]
    passed = [apps["p1"], apps["p2"], apps["p3"]]
    # 6 sheets expected; 4 submitted, 1 draft, 1 not started
    make.judged(review, judges, passed, [[80, None, 60], [75, None, 65]])
    make.sheet(review, apps["p2"], judges[1], make.scores_near(review, 50), submitted=False)
    roadshow = comp.stage(StageKind.ROADSHOW)
    session = RoadshowSession(stage_id=roadshow.id, name="第一场")
    session.slots = [
        RoadshowSlot(application_id=a.id, position=i, status=status)
        for i, (a, status) in enumerate(
            zip(passed, (SlotStatus.CLOSED, SlotStatus.PRESENTING, SlotStatus.WAITING), strict=True)
        )
    ]
    db.session.add(session)
    make.decision(comp, apps["p1"], 7_000_000)
    make.decision(comp, apps["p2"], 0, "waitlist")
    make.decision(comp, apps["p3"], 6_000_000)

    sections = _sections(overview_dashboard.overview(overview_dashboard.load_competition(comp.id)))

    applications = sections["applications"].chart
    assert applications.headers[0] == "服务领域" and applications.headers[-1] == "Σ"
    by_status = dict(
        zip(
            applications.headers[1:-1],
            zip(*[r[1:-1] for r in applications.rows], strict=True),
            strict=True,
        )
    )
    assert (
        by_status["资格审查通过"] == (2, 1)
        and by_status["未通过"] == (1, 0)
        and by_status["草稿"] == (1, 0)
    )
    assert by_status["退回修改"] == (0, 1) and by_status["已撤回"] == (0, 1)
    assert [r[-1] for r in applications.rows] == [5, 3]

    money = _table(sections["money"].chart)
    # requested by applications in screening, returned or passed; approved from the funded decisions
    assert money["为老服务"] == ["¥240,000.00", "¥500,000.00", "¥70,000.00"]
    assert money["助残服务"] == ["¥130,000.00", "¥300,000.00", "¥60,000.00"]

    screening = _table(sections["screening"].chart)
    assert screening == {
        "资格审查通过": ["3"],
        "退回修改": ["1"],
        "未通过": ["1"],
        "已提交": ["1"],
        "已撤回": ["1"],
    }

    judging = _table(sections["judging"].chart)
    assert judging["专家评审"] == [4, 1, 1, 6] and judging["路演"] == [0, 0, 0, 0]

    roadshow_chart = _table(sections["roadshow"].chart)
    assert roadshow_chart == {"第一场": [1, 1, 1, 3]}

    results = sections["results"].chart
    assert _table(results)["为老服务"] == [1, 1, 0, 2, "¥70,000.00", "¥500,000.00"]
    assert _table(results)["助残服务"] == [1, 0, 0, 1, "¥60,000.00", "¥300,000.00"]
    assert sections["projects"].chart is None and "尚无项目" in sections["projects"].empty


def test_results_come_from_the_final_ranking_before_decisions_exist(zh, make):
    comp, apps, _snap = make.results_setup(count=3)
    sections = _sections(overview_dashboard.overview(overview_dashboard.load_competition(comp.id)))
    assert _table(sections["results"].chart)["为老服务"][:4] == [1, 1, 1, 3]
    assert "最终排名" in sections["results"].note


def test_follow_up_charts_add_up_money_by_month_line_and_place(zh, make):
    comp = make.followup_competition()
    east = make.area_tree("城东区", {"丹桂街道": ["丹桂社区"], "东湖街道": ["东湖社区"]})
    west = make.area_tree("城西区", {"柳湖街道": ["柳湖社区"]})
    p1 = make.project(
        competition=comp, communities=[east["丹桂社区"], east["东湖社区"]], approved_fen=4_000_000
    )
    p2 = make.project(competition=comp, communities=[west["柳湖社区"]], approved_fen=6_000_000)
    first = {p.id: p.tranches[0] for p in (p1, p2)}
    for project, when in (
        (p1, datetime(2025, 7, 31, 17, 0, tzinfo=UTC)),  # 1 Aug 01:00 in Beijing
        (p2, datetime(2025, 9, 10, 2, 0, tzinfo=UTC)),
    ):
        first[project.id].status, first[project.id].released_at = TrancheStatus.RELEASED, when
    line = p1.budget[0]
    db.session.add_all(
        [
            Expense(
                project_id=p1.id, line_id=line.id, amount_fen=150_000, spent_on=date(2025, 8, 3)
            ),
            Expense(
                project_id=p1.id, line_id=line.id, amount_fen=50_000, spent_on=date(2025, 8, 9)
            ),
        ]
    )
    db.session.commit()

    sections = _sections(followup_dashboard.followup_charts(comp))

    paid = sections["paid"].chart
    a, b = first[p1.id].amount_fen, first[p2.id].amount_fen
    assert [r[0] for r in paid.rows] == [
        "2025-08",
        "2025-09",
    ]  # months in Beijing time, gaps filled
    assert paid.rows[0][1:] == [_money(a), _money(a)] and paid.rows[1][1:] == [
        _money(a + b),
        _money(b),
    ]

    spending = _table(sections["spending"].chart)
    approved = sum(
        line.approved_fen for p in (p1, p2) for line in p.budget if line.name == p1.budget[0].name
    )
    assert spending[line.name] == [_money(approved), _money(200_000)]

    assert _table(sections["districts"].chart) == {"城东区": ["1"], "城西区": ["1"]}
    assert _table(sections["streets"].chart) == {
        "城东区 / 东湖街道": ["1"],
        "城东区 / 丹桂街道": ["1"],
        "城西区 / 柳湖街道": ["1"],
    }
    overview = _sections(overview_dashboard.overview(overview_dashboard.load_competition(comp.id)))
    assert _table(overview["projects"].chart)["实施中"] == ["2"]
    assert _table(overview["tranches"].chart)["已拨付金额"] == [_money(a + b)]


def _money(fen):
    from venture.templating import format_money

    return format_money(fen)


def _judging_setup(make):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    elderly, disabled = comp.categories
    apps = [
        make.application(comp, make.organization(), status="passed", category=c)
        for c in (elderly, elderly, disabled, disabled)
    ]
    stage = make.review_stage(comp, open_now=False)
    judges = [
        make.judge(name="甲评委"),
        make.judge(name="乙评委"),
        make.judge(name="严评委"),
        make.judge(name="丁评委"),
    ]
    make.judged(
        stage,
        judges,
        apps,
        [[80, 70, 62, 90], [84, 74, 60, 88], [60, 52, 40, 71], [82, 66, 64, 91]],
    )
    return organizer, comp, stage, apps, judges


def test_the_harsh_judge_stands_out_and_ranks_move_as_the_engine_says(zh, make):
    _organizer, comp, stage, apps, judges = _judging_setup(make)
    sections = _sections(judging_dashboard.judging_charts(stage))

    box = sections["judges"].chart
    totals = stage_sheet_totals(stage)
    for judge in judges:
        mine = sorted(float(t.total) for t in totals if t.judge_id == judge.id)
        row = _table(box)[judge.name]
        assert row[0] == 4 and row[1] == round(mine[0], 1) and row[5] == round(mine[-1], 1)
    harsh_label = f'fill="{judging_dashboard.HARSH}" font-weight="bold"'
    assert harsh_label in str(box.svg) and str(box.svg).count(harsh_label) == 1
    assert "严评委" in sections["judges"].note and "低" in sections["judges"].note
    assert _table(box)["严评委"][-1].startswith("−")

    totals_in = sheet_totals(
        [t.application_id for t in totals],
        [t.judge_id for t in totals],
        [float(t.total) for t in totals],
    )
    engine = compute_all(totals_in, ["trimmed", "mean", "zscore"], trim=1)
    elderly_scores = [float(engine["trimmed"].ranking.get(a.id).score) for a in apps[:2]]
    histogram = _table(sections[f"category-{apps[0].category_id}"].chart)
    for score in elderly_scores:
        band = next(
            k
            for k in histogram
            if float(k.split("–")[0]) <= score < float(k.split("–")[1])
            or (score == 100 and k.endswith("100"))
        )
        assert histogram[band][0] >= 1
    assert sum(v[0] for v in histogram.values()) == 2

    ranks = sections["ranks"].chart
    expected = {
        apps_code(apps, m.application): m.change
        for m in engine.movements("trimmed", "zscore")
        if m.change
    }
    assert {row[0]: int(row[1]) for row in ranks.rows} == expected
    assert "尚未计算排名" in sections["ranks"].note


def apps_code(apps, application_id):
    return next(a.code for a in apps if a.id == application_id)


def test_rank_changes_read_the_latest_snapshot_when_there_is_one(zh, make):
    _organizer, comp, stage, apps, _judges = _judging_setup(make)
    make.stage_snapshot(
        stage,
        [
            (apps[3], 85, {"trimmed": 1, "zscore": 2}),
            (apps[0], 80, {"trimmed": 2, "zscore": 1}),
            (apps[1], 70, {"trimmed": 3, "zscore": 3}),
            (apps[2], 60, {"trimmed": 4, "zscore": 4}),
        ],
    )
    sections = _sections(judging_dashboard.judging_charts(stage))
    assert {row[0]: row[1:] for row in sections["ranks"].chart.rows} == {
        apps[0].code: ["+1", 2, 1],
        apps[3].code: ["-1", 1, 2],
    }
    assert "计算的排名" in sections["ranks"].note
    histogram = _table(sections[f"category-{apps[2].category_id}"].chart)
    assert histogram["60–65"] == [1] and histogram["85–90"] == [1]


def test_pages_render_with_and_without_data(app_ctx, make, login):
    organizer, comp, stage, _apps, _judges = _judging_setup(make)
    empty = make.competition(organizer=organizer)
    client = login(organizer)
    for url in (
        "/reports/",
        f"/reports/competitions/{comp.id}",
        f"/reports/competitions/{empty.id}",
        f"/reports/stages/{stage.id}/judging",
        f"/reports/stages/{empty.stage(StageKind.ROADSHOW).id}/judging",
        f"/reports/competitions/{comp.id}/followup",
        f"/reports/competitions/{comp.id}/exports",
        "/reports/imports",
        "/reports/imports/organizations",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert page.count("<h1") == 1, url
        assert "style=" not in page and "<script>" not in page, url
    judging_page = client.get(f"/reports/stages/{stage.id}/judging").get_data(as_text=True)
    assert 'role="img"' in judging_page and "严评委" in judging_page and "<desc" in judging_page
    not_scoring = comp.stage(StageKind.SCREENING)
    assert client.get(f"/reports/stages/{not_scoring.id}/judging").status_code == 404
    assert client.get("/reports/competitions/999999").status_code == 404
    # the organizer's navigation and the competition's pages link to the reports
    assert "/reports/" in client.get("/").get_data(as_text=True)
    assert f"/reports/competitions/{comp.id}" in client.get(
        f"/competitions/{comp.id}/overview"
    ).get_data(as_text=True)
    assert f"/reports/stages/{stage.id}/judging" in client.get(
        f"/judging/stages/{stage.id}/progress"
    ).get_data(as_text=True)


REPORT_URLS = (
    "/reports/",
    "/reports/competitions/{comp}",
    "/reports/stages/{stage}/judging",
    "/reports/competitions/{comp}/followup",
    "/reports/competitions/{comp}/exports",
    "/reports/imports",
    "/reports/imports/organizations",
    "/reports/imports/organizations/template.xlsx",
)


@pytest.mark.parametrize("role", ["judge", "applicant", "liaison"])
def test_only_organizers_see_the_reports(app_ctx, make, login, role):
    _organizer, comp, stage, _apps, _judges = _judging_setup(make)
    client = login(getattr(make, role)())
    for url in REPORT_URLS:
        assert client.get(url.format(comp=comp.id, stage=stage.id)).status_code == 403, url
    assert client.post(f"/reports/competitions/{comp.id}/exports/applications").status_code == 403
    anonymous = app_ctx.test_client().get(f"/reports/competitions/{comp.id}")
    assert anonymous.status_code == 302 and "login" in anonymous.headers["Location"]


def _grow(make, comp, stage, judges, n: int) -> None:
    """n more applications in each category, scored, decided, in a roadshow session;
    one more funded project with a released tranche and an expense."""
    roadshow = comp.stage(StageKind.ROADSHOW)
    session = RoadshowSession(stage_id=roadshow.id, name=f"场次{n}")
    db.session.add(session)
    for category in comp.categories:
        apps = [
            make.application(comp, make.organization(), status="passed", category=category)
            for _ in range(n)
        ]
        make.judged(stage, judges, apps, [[70 + i for i in range(n)] for _j in judges])
        for i, app in enumerate(apps):
            make.decision(comp, app, 5_000_000)
            session.slots.append(
                RoadshowSlot(application_id=app.id, position=i + 100 * category.position)
            )
    db.session.commit()


def test_dashboard_query_counts_do_not_grow_with_the_data(app_ctx, make, login, count_queries):
    organizer = make.organizer()
    comp = make.followup_competition(organizer=organizer)
    stage = make.review_stage(comp, open_now=False)
    judges = [make.judge() for _ in range(3)]
    client = login(organizer)
    from venture.jobs.models import Job

    job = Job(
        kind="export",
        params={"export": "applications"},
        competition_id=comp.id,
        created_by_id=organizer.id,
    )
    db.session.add(job)
    db.session.commit()
    urls = [u.format(comp=comp.id, stage=stage.id) for u in REPORT_URLS[:-1]] + [
        f"/reports/exports/{job.id}"
    ]
    names = []

    def add(n):
        _grow(make, comp, stage, judges, n)
        for _ in range(n):
            area = make.area_tree(f"测试区{len(names)}", {"测试街道": ["测试社区"]})
            names.append(area)
            project = make.project(competition=comp, communities=[area["测试社区"]])
            project.tranches[0].status = TrancheStatus.RELEASED
            project.tranches[0].released_at = datetime(2025, 8, 1, tzinfo=UTC)
            db.session.add(
                Expense(
                    project_id=project.id,
                    line_id=project.budget[0].id,
                    amount_fen=1000,
                    spent_on=date(2025, 8, 2),
                )
            )
        db.session.commit()

    add(1)
    small = {url: count_queries.get(client, url) for url in urls}
    add(4)
    large = {url: count_queries.get(client, url) for url in urls}
    assert large == small
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Expense)) == 5
    assert len(stage_sheet_totals(stage)) == 3 * 2 * 5


def test_a_judges_severity_is_one_number_in_the_note_the_table_and_the_engine(zh, make):
    """The note said "低 7.7 分" (against a median of judges) beside −6.75 in the table:
    both now write the scoring engine's severity, with the same digits."""
    from venture.rankings.explain import judge_points, severity_points
    from venture.scoring.diagnostics import judge_stats

    _organizer, comp, stage, apps, judges = _judging_setup(make)
    section = _sections(judging_dashboard.judging_charts(stage))["judges"]
    totals = stage_sheet_totals(stage)
    engine = {
        s.judge: s.severity
        for s in judge_stats(
            sheet_totals(
                [t.application_id for t in totals],
                [t.judge_id for t in totals],
                [float(t.total) for t in totals],
            )
        )
    }
    for judge in judges:
        figure = _table(section.chart)[judge.name][-1]
        assert figure == severity_points(engine[judge.id])
        if abs(engine[judge.id]) >= judging_dashboard.UNUSUAL_POINTS:
            # the note gives the same figure, in words and as written in the table
            assert (
                f"{judge_points(abs(engine[judge.id]))} 分" in section.note
                and figure in section.note
            )
    harsh = next(j for j in judges if j.name == "严评委")
    assert engine[harsh.id] < -judging_dashboard.UNUSUAL_POINTS


def test_judge_statistics_speak_to_one_decimal(zh, make):
    """Every judge figure of the dashboard (quartiles, severity, the overall mean) has one
    decimal: a sheet total is marked to half points, a second decimal only looks precise."""
    import re

    _organizer, comp, stage, apps, judges = _judging_setup(make)
    make.judged(stage, [make.judge(name="戊评委")], apps[:3], [[71.25, 63.75, 80.5]])
    section = _sections(judging_dashboard.judging_charts(stage))["judges"]
    for row in _table(section.chart).values():
        for cell in row[1:]:
            assert re.fullmatch(r"[+−]?\d+\.\d", str(cell)), cell
    for figure in re.findall(r"\d+\.\d+", section.note):
        assert len(figure.split(".")[1]) == 1, section.note
