"""The shared factories build a consistent world on both databases."""

from venture.applications.models import ApplicationStatus
from venture.competitions.models import StageKind


def test_factories_build_a_competition_with_a_scored_application(make):
    organizer = make.organizer()
    places = make.area_tree()
    member = make.applicant()
    org = make.organization(members=[member])
    comp = make.competition(organizer=organizer)
    app = make.application(comp, org, status="passed", communities=[places["芙蓉社区"]])
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    judge = make.judge_with_profile()
    make.assignment(stage, app, judge)
    sheet = make.sheet(
        stage, app, judge, {name: maximum - 1 for name, maximum in make.DEFAULT_CRITERIA}
    )
    assert app.status == ApplicationStatus.PASSED
    assert app.code == f"{comp.code_prefix}-001"
    assert sum(s.score for s in sheet.scores) == 100 - 7
    assert places["芙蓉社区"].path == "武陵区 / 丹阳街道 / 芙蓉社区"
    assert stage.rubric.total_max == 100
