"""The follow-up dashboards: filters, constant query counts, home panels, who sees what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from venture.db import utcnow
from venture.extensions import db
from venture.files.models import StoredFile
from venture.followup.models import (
    Activity,
    ActivityPhoto,
    Expense,
    LiaisonStatus,
    ProjectStatus,
    ReportStatus,
)
from venture.followup.services._common import today_local


def _busy_project(make, comp, community, owner=None):
    """A project with a submitted report (one confirmed, one disputed activity with a photo) and spending."""
    project = make.project(
        competition=comp, communities=[community], members=[owner or make.applicant()]
    )
    report = project.reports[0]
    report.status = ReportStatus.SUBMITTED
    report.summary = "小结"
    photo = StoredFile(
        original_name="p.png",
        stored_name=f"p{project.id}",
        content_type="image/png",
        kind="image",
        size=1,
        sha256="0" * 64,
    )
    for status in (LiaisonStatus.CONFIRMED, LiaisonStatus.DISPUTED):
        activity = Activity(
            community_id=community.id,
            held_on=report.period_start,
            activity_type="小组活动",
            participants=10,
            residents=8,
            liaison_status=status,
            liaison_note="有出入",
            reviewed_at=utcnow(),
        )
        activity.photos.append(ActivityPhoto(file=photo))
        report.activities.append(activity)
    db.session.add(
        Expense(
            project_id=project.id, line=project.budget[0], amount_fen=12_345, spent_on=today_local()
        )
    )
    db.session.commit()
    return project


@pytest.fixture
def city(make):
    areas = make.area_tree()
    areas.update(make.area_tree("鼎城区", {"武陵镇": ["桥南社区"]}))
    return areas


def test_dashboard_lists_and_pages_query_a_constant_number_of_times(
    app_ctx, make, login, city, count_queries
):
    comp = make.followup_competition()
    liaison = make.liaison_of(city["芙蓉社区"], city["桥南社区"])
    owner = make.applicant()
    communities = [city["芙蓉社区"], city["桥南社区"], city["紫菱社区"]]
    for i in range(2):
        _busy_project(make, comp, communities[i % 3], owner=owner)
    organizer = login(make.organizer())
    urls = ["/followup/", "/followup/?status=active", "/followup/communities", "/followup/disputes"]

    def counts() -> dict:
        by_page = {url: count_queries.get(organizer, url) for url in urls}
        by_page["liaison"] = count_queries.get(login(liaison), "/followup/community")
        by_page["mine"] = count_queries.get(login(owner), "/followup/mine")
        by_page["home"] = count_queries.get(login(liaison), "/")
        return by_page

    small = counts()
    for i in range(8):
        _busy_project(make, comp, communities[i % 3], owner=owner)
    assert counts() == small


def test_dashboard_filters_by_district_street_category_and_status(app_ctx, make, login, city):
    comp = make.followup_competition()
    in_wuling = make.project(
        competition=comp, communities=[city["芙蓉社区"]], project_name="芙蓉助老"
    )
    in_dingcheng = make.project(
        competition=comp,
        communities=[city["桥南社区"]],
        project_name="桥南助残",
        category=comp.categories[1],
    )
    in_dingcheng.status = ProjectStatus.SUSPENDED
    db.session.commit()
    client = login(make.organizer())

    def names(query):
        html = client.get("/followup/" + query).get_data(as_text=True)
        return {n for n in ("芙蓉助老", "桥南助残") if n in html}

    assert names("") == {"芙蓉助老", "桥南助残"}
    assert names(f"?district={city['鼎城区'].id}") == {"桥南助残"}
    assert names(f"?street={city['丹阳街道'].id}") == {"芙蓉助老"}
    assert names(f"?street={city['穿紫河街道'].id}") == set()
    assert names(f"?category={comp.categories[1].id}") == {"桥南助残"}
    assert names("?status=suspended") == {"桥南助残"}
    assert names("?status=nonsense") == {"芙蓉助老", "桥南助残"}  # an unknown filter is ignored
    assert in_wuling.id != in_dingcheng.id


def test_the_community_view_shows_the_three_parties(app_ctx, make, login, city):
    comp = make.followup_competition()
    project = make.project(competition=comp, communities=[city["芙蓉社区"]])
    make.liaison_of(city["芙蓉社区"], name="郑红霞")
    html = login(make.organizer()).get("/followup/communities").get_data(as_text=True)
    assert "芙蓉社区" in html and "郑红霞" in html
    assert project.organization.name in html and "张社工" in html


def test_home_panels_for_each_role(app_ctx, make, login, city):
    comp = make.followup_competition()
    owner = make.applicant()
    project = _busy_project(make, comp, city["芙蓉社区"], owner=owner)
    project.tranches[0].status = "released"
    db.session.commit()
    liaison = make.liaison_of(city["芙蓉社区"])

    org_home = login(owner).get("/").get_data(as_text=True)
    assert "已获拨付" in org_home and "¥25,000.00" in org_home  # money received
    assert project.application.project_name in org_home
    assert "项目跟踪" in login(make.organizer()).get("/").get_data(as_text=True)
    assert project.application.project_name in login(liaison).get("/").get_data(as_text=True)
    assert project.application.project_name not in login(make.judge()).get("/").get_data(
        as_text=True
    )


def test_project_urls_are_closed_to_others(app_ctx, make, login, city):
    owner = make.applicant()
    project = _busy_project(make, make.followup_competition(), city["芙蓉社区"], owner=owner)
    report = project.reports[0]
    evaluation = project.evaluations[0]
    expense = db.session.scalar(sa.select(Expense).where(Expense.project_id == project.id))
    urls = [
        f"/followup/projects/{project.id}",
        f"/followup/projects/{project.id}/agreement",
        f"/followup/reports/{report.id}",
        f"/followup/evaluations/{evaluation.id}",
        f"/followup/projects/{project.id}/expenses/new",
        f"/followup/milestones/{project.milestones[0].id}/done",
    ]
    outsiders = {
        "another organization's member": make.applicant(),
        "a liaison of another community": make.liaison_of(city["紫菱社区"]),
        "a judge": make.judge(),
    }
    for who, user in outsiders.items():
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (who, url)
        assert (
            client.post(
                f"/followup/projects/{project.id}/expenses/new",
                data={"line_id": expense.line_id, "amount": "1"},
            ).status_code
            == 403
        ), who
    for url in ["/followup/", "/followup/communities", "/followup/disputes"]:
        assert login(owner).get(url).status_code == 403
    assert login(owner).get(urls[0]).status_code == 200
    assert login(make.organizer()).get(urls[0]).status_code == 200
    assert client.get("/followup/projects/99999").status_code == 404
    anonymous = app_ctx.test_client().get(urls[0])
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
