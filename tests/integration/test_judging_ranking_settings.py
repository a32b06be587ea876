"""The organizer's ranking settings of a scoring stage: method and K, disagreement
threshold, tie-break chain and advancement rule; validated, audited, locked with the
results, and used by the next computation."""

from __future__ import annotations

import html
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.competitions.models import AdvanceRule, Method, Stage, StageKind
from venture.extensions import db
from venture.rankings.compute import compute_stage_snapshot
from venture.rankings.models import ResultSnapshot


def link(**fields) -> str:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


VALID = {
    "method": "median",
    "trim_k": "2",
    "disagreement_threshold": "15.5",
    "tie_break_1": link(kind="criterion", name="设计"),
    "tie_break_2": link(kind="submitted_at"),
    "tie_break_3": "",
    "tie_break_4": "",
    "advance_rule": "top_n",
    "advance_top_n": "3",
    "advance_threshold": "",
}


@pytest.fixture
def world(make):
    organizer = make.organizer(locale="en")
    comp = make.competition(organizer=organizer)
    make.small_rubric(comp)  # 需求, 设计, 效益 on the online review
    make.small_rubric(comp, "roadshow", criteria=[("路演表现", 20), ("答辩", 20)], allow_na=())
    return organizer, comp, comp.stage(StageKind.ONLINE_REVIEW)


def _settings(stage_id: int) -> tuple:
    db.session.expire_all()
    s = db.session.get(Stage, stage_id)
    return (
        s.method,
        s.trim_k,
        s.disagreement_threshold,
        s.tie_breaks,
        s.advance_rule,
        s.advance_top_n,
        s.advance_threshold,
    )


def _audits() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "judging.ranking_settings")
            .order_by(AuditEntry.id)
        )
    )


def test_page_is_prefilled_and_shows_the_current_settings(app_ctx, make, login, world):
    organizer, comp, stage = world
    stage.method, stage.trim_k, stage.disagreement_threshold = Method.TRIMMED, 1, Decimal("12.5")
    # as the demo stores it: the stage's own criterion with its stage named
    stage.tie_breaks = [
        {"kind": "criterion", "name": "需求", "stage": "online_review"},
        {"kind": "submitted_at"},
    ]
    stage.advance_rule, stage.advance_top_n = AdvanceRule.TOP_N, 4
    db.session.commit()
    page = html.unescape(login(organizer).get(f"/judging/stages/{stage.id}").get_data(as_text=True))
    assert '<option selected value="trimmed">' in page
    assert f'<option selected value="{link(kind="criterion", name="需求")}">' in page
    assert f'<option selected value="{link(kind="submitted_at")}">' in page
    assert (
        '<option selected value="top_n">' in page
        and 'value="4"' in page
        and 'value="12.50"' in page
    )
    assert "higher average on 需求 → earlier submission" in page
    assert "the top 4 of each category" in page
    assert "Rankings already computed keep the settings they were computed with" in page
    # the online review offers its own criteria, not the roadshow's; no link to its own score
    assert link(kind="criterion", name="路演表现", stage="roadshow") not in page
    assert link(kind="stage", stage="online_review") not in page
    # the roadshow offers the online review's criteria and score (for the final ranking)
    roadshow = comp.stage(StageKind.ROADSHOW)
    page = html.unescape(
        login(organizer).get(f"/judging/stages/{roadshow.id}").get_data(as_text=True)
    )
    assert link(kind="criterion", name="需求", stage="online_review") in page
    assert (
        link(kind="stage", stage="online_review") in page
        and link(kind="criterion", name="答辩") in page
    )
    assert 'name="advance_rule"' not in page  # only the online review makes a shortlist
    # the evaluation stages rank nothing: method, K and threshold only
    midterm = comp.stage(StageKind.MIDTERM)
    page = login(organizer).get(f"/judging/stages/{midterm.id}").get_data(as_text=True)
    assert 'name="trim_k"' in page and 'name="tie_break_1"' not in page


def test_saving_each_setting_works_and_is_audited(app_ctx, make, login, world):
    organizer, _comp, stage = world
    client = login(organizer)
    response = client.post(f"/judging/stages/{stage.id}/ranking", data=VALID)
    assert response.status_code == 302
    assert _settings(stage.id) == (
        Method.MEDIAN,
        2,
        Decimal("15.50"),
        [{"kind": "criterion", "name": "设计"}, {"kind": "submitted_at"}],
        AdvanceRule.TOP_N,
        3,
        None,
    )
    (entry,) = _audits()
    assert entry.actor_id == organizer.id and entry.object_id == str(stage.id)
    assert entry.changes == {
        "method": ["trimmed", "median"],
        "trim_k": [1, 2],
        "disagreement_threshold": ["20.00", "15.50"],
        "tie_breaks": [[], [{"kind": "criterion", "name": "设计"}, {"kind": "submitted_at"}]],
        "advance_rule": ["none", "top_n"],
        "advance_top_n": [None, 3],
    }

    # the threshold rule replaces the top N (the unused number is cleared); a gap in the
    # chain is closed up
    data = dict(
        VALID,
        advance_rule="threshold",
        advance_top_n="3",
        advance_threshold="32.5",
        tie_break_1="",
        tie_break_3=link(kind="requested_amount"),
    )
    assert client.post(f"/judging/stages/{stage.id}/ranking", data=data).status_code == 302
    assert _settings(stage.id)[3:] == (
        [{"kind": "submitted_at"}, {"kind": "requested_amount"}],
        AdvanceRule.THRESHOLD,
        None,
        Decimal("32.50"),
    )
    assert _audits()[-1].changes == {
        "tie_breaks": [
            [{"kind": "criterion", "name": "设计"}, {"kind": "submitted_at"}],
            [{"kind": "submitted_at"}, {"kind": "requested_amount"}],
        ],
        "advance_rule": ["top_n", "threshold"],
        "advance_top_n": [3, None],
        "advance_threshold": [None, "32.50"],
    }

    # saving the same values again writes no audit entry
    assert client.post(f"/judging/stages/{stage.id}/ranking", data=data).status_code == 302
    assert len(_audits()) == 2


BAD = [
    ({"trim_k": "0"}, "trim_k", "K is a whole number from 1 to 10."),
    ({"trim_k": "abc"}, "trim_k", None),
    ({"method": "harmonic"}, "method", "Choose one of the listed methods."),
    (
        {"method": "trimmed", "trim_k": "3"},
        "trim_k",
        "With 5 judges per application, dropping the 3 highest and the 3 lowest totals leaves nothing to average: "
        "choose K at most 2.",
    ),
    (
        {"disagreement_threshold": "0"},
        "disagreement_threshold",
        "The threshold is more than 0 and at most 40",
    ),
    (
        {"disagreement_threshold": "NaN"},
        "disagreement_threshold",
        "Enter a number.",
    ),  # NaN is no number (venture.forms.DecimalField)
    ({"disagreement_threshold": "12.345"}, "disagreement_threshold", "Use at most two decimals."),
    (
        {"tie_break_2": link(kind="coin_toss")},
        "tie_break_2",
        "Choose one of the listed tie-breaks.",
    ),
    ({"tie_break_2": "not json"}, "tie_break_2", "Choose one of the listed tie-breaks."),
    (
        {"tie_break_2": link(kind="stage", stage="online_review")},
        "tie_break_2",
        "Choose one of the listed tie-breaks.",
    ),
    (
        {"tie_break_2": link(kind="criterion", name="路演表现")},
        "tie_break_2",
        "The criterion 路演表现 is not in this stage's rubric.",
    ),
    (
        {"tie_break_2": link(kind="criterion", name="设计")},
        "tie_break_2",
        "This tie-break is already earlier in the chain.",
    ),
    (
        {"advance_rule": "top_n", "advance_top_n": ""},
        "advance_top_n",
        "Give how many applications of each category advance.",
    ),
    (
        {"advance_rule": "top_n", "advance_top_n": "0"},
        "advance_top_n",
        "The number is a whole number from 1 to",
    ),
    (
        {"advance_rule": "threshold", "advance_threshold": ""},
        "advance_threshold",
        "Give the score an application needs to advance.",
    ),
    (
        {"advance_rule": "threshold", "advance_threshold": "41"},
        "advance_threshold",
        "The score is more than 0 and at most 40.",
    ),
    ({"advance_rule": "lottery"}, "advance_rule", "Choose one of the listed advancement rules."),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD)
def test_invalid_values_are_refused_with_a_message_and_change_nothing(
    app_ctx, make, login, world, changes, field, message
):
    organizer, _comp, stage = world
    before = _settings(stage.id)
    response = login(organizer).post(
        f"/judging/stages/{stage.id}/ranking", data=dict(VALID, **changes)
    )
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert f'id="{field}-error"' in page  # shown beside its field
    if message:
        assert message in page
    assert _settings(stage.id) == before
    assert _audits() == []


def test_the_roadshow_makes_no_shortlist_and_the_message_is_translated(app_ctx, make, login, world):
    organizer, comp, _stage = world
    roadshow = comp.stage(StageKind.ROADSHOW)
    data = dict(
        VALID,
        tie_break_1=link(kind="stage", stage="roadshow"),
        tie_break_2=link(kind="criterion", name="需求", stage="online_review"),
    )
    response = login(organizer).post(f"/judging/stages/{roadshow.id}/ranking", data=data)
    assert response.status_code == 422
    assert "Only the online review makes a shortlist" in html.unescape(
        response.get_data(as_text=True)
    )
    chinese = login(make.organizer()).post(f"/judging/stages/{roadshow.id}/ranking", data=data)
    assert chinese.status_code == 422 and "只有网络评审" in chinese.get_data(as_text=True)
    assert (
        login(organizer)
        .post(f"/judging/stages/{roadshow.id}/ranking", data=dict(data, advance_rule="none"))
        .status_code
        == 302
    )
    assert _settings(roadshow.id)[3] == [
        {"kind": "stage", "stage": "roadshow"},
        {"kind": "criterion", "name": "需求", "stage": "online_review"},
    ]


def test_only_organizers_may_change_the_settings(app_ctx, make, login, world):
    _organizer, _comp, stage = world
    before = _settings(stage.id)
    for user in (make.judge(), make.applicant()):
        assert (
            login(user).post(f"/judging/stages/{stage.id}/ranking", data=VALID).status_code == 403
        )
    assert _settings(stage.id) == before and _audits() == []


def test_refused_once_the_results_are_final(app_ctx, make, login, world):
    organizer, comp, stage = world
    before = _settings(stage.id)
    make.finalize_results(comp)
    response = login(organizer).post(f"/judging/stages/{stage.id}/ranking", data=VALID)
    assert response.status_code == 423
    assert "The results of this competition are final" in response.get_data(as_text=True)
    assert _settings(stage.id) == before
    (refusal,) = _audits()  # the refused attempt is on record, nothing else
    assert "refused" in refusal.changes and refusal.object_id == str(stage.id)


def test_the_next_computation_uses_the_new_settings(app_ctx, make, login, world):
    organizer, comp, stage = world
    org = make.organization()
    judges = [make.judge_with_profile() for _ in range(3)]
    first, second = comp.categories
    # two applications with equal totals in one category, a third alone in the other
    a = make.application(comp, org, status="passed", category=first)
    b = make.application(comp, org, status="passed", category=first)
    c = make.application(comp, org, status="passed", category=second)
    scores = {a: (8, 6, 10), b: (6, 8, 10), c: (5, 5, 5)}
    make.scored_stage(
        stage,
        {
            (app, j): {"需求": s[0], "设计": s[1], "效益": s[2]}
            for app, s in scores.items()
            for j in judges
        },
    )
    old = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id, actor_id=organizer.id))
    assert old.method == "trimmed" and old.params["tie_breaks"] == []
    assert [e.application_id for e in old.entries if e.overall_rank == 1] == sorted(
        [a.id, b.id]
    )  # tied

    data = dict(
        VALID,
        method="mean",
        trim_k="1",
        tie_break_1=link(kind="criterion", name="设计"),
        tie_break_2="",
        advance_rule="top_n",
        advance_top_n="1",
    )
    assert (
        login(organizer).post(f"/judging/stages/{stage.id}/ranking", data=data).status_code == 302
    )
    new = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id, actor_id=organizer.id))
    assert new.method == "mean"
    assert new.params["tie_breaks"] == [{"kind": "criterion", "name": "设计"}]
    assert (new.params["advance_rule"], new.params["advance_top_n"]) == ("top_n", 1)
    ranked = [(e.application_id, e.overall_rank, e.advanced) for e in new.entries]
    assert ranked == [(b.id, 1, True), (a.id, 2, False), (c.id, 3, True)]  # b is higher on 设计
    # the earlier snapshot keeps the settings it was computed with
    db.session.expire_all()
    assert db.session.get(ResultSnapshot, old.id).params["method"] == "trimmed"


def test_fewer_judges_than_the_trimmed_mean_needs_is_refused(app_ctx, make, world):
    from venture.competitions.models import Method
    from venture.errors import ValidationError
    from venture.judging.services.assignment import update_stage_settings

    organizer, _comp, stage = world
    stage.method, stage.trim_k, stage.judges_per_application = Method.TRIMMED, 2, 5
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        update_stage_settings(stage, organizer, judges_per_application=4)
    assert refused.value.field == "judges_per_application" and "5" in str(refused.value.message)
    db.session.expire_all()
    assert db.session.get(Stage, stage.id).judges_per_application == 5
    update_stage_settings(stage, organizer, judges_per_application=6)
    assert db.session.get(Stage, stage.id).judges_per_application == 6
