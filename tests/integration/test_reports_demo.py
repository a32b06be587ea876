"""The dashboards on the demo: GY2025's overview shows every chart with data (results
and follow-up once the rankings seeder has computed its final ranking), and on
WCT2026's online review the harsh judge (judge7) stands out."""

from __future__ import annotations

import sqlalchemy as sa

from venture.accounts.models import User
from venture.competitions.models import Competition, StageKind
from venture.demo import seed_demo
from venture.extensions import db
from venture.reports.dashboards import judging as judging_dashboard
from venture.reports.dashboards import overview as overview_dashboard
from venture.results.services import latest_final_snapshot


def test_the_demo_fills_every_chart_and_the_harsh_judge_stands_out(app_ctx, login):
    seed_demo()
    comps = {c.code_prefix: c for c in db.session.scalars(sa.select(Competition))}
    organizer = db.session.scalar(sa.select(User).where(User.email == "organizer@demo.venture"))
    with app_ctx.test_request_context():
        gy = overview_dashboard.load_competition(comps["GY2025"].id)
        sections = {s.key: s for s in overview_dashboard.overview(gy)}
        waiting_for_rankings = (
            set() if latest_final_snapshot(gy) else {"results", "projects", "tranches"}
        )
        assert {key for key, s in sections.items() if s.chart is None} == waiting_for_rankings

        review = comps["WCT2026"].stage(StageKind.ONLINE_REVIEW)
        judges = {s.key: s for s in judging_dashboard.judging_charts(review)}["judges"]
    harsh = db.session.scalar(
        sa.select(User).where(User.email == "judge7@demo.venture")
    ).display_name
    assert f'fill="{judging_dashboard.HARSH}" font-weight="bold">{harsh}<' in str(judges.chart.svg)
    assert harsh in judges.note
    client = login(organizer)
    for url in (
        f"/reports/competitions/{comps['GY2025'].id}",
        f"/reports/stages/{review.id}/judging",
        f"/reports/competitions/{comps['GY2025'].id}/followup",
        f"/reports/competitions/{comps['GY2027'].id}",
    ):
        assert client.get(url).status_code == 200, url
