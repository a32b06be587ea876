"""The organizer's "Results and follow-up" setup step: the funding line's mode, the public
notice, the evaluation marks, the report period and the tranche plan that projects copy."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.competitions.models import Competition, FundingMode, ReportPeriod, default_tranche_plan
from venture.extensions import db
from venture.followup.models import TrancheCondition

ACTION = "competition.followup_settings_changed"


def _url(comp) -> str:
    return f"/competitions/{comp.id}/setup/follow-up"


def _data(
    tranches=((50, "signing"), (30, "midterm_passed"), (20, "final_passed")), **fields
) -> dict:
    data = {
        "funding_mode": "skip",
        "publicity_days": "7",
        "report_period": "quarterly",
        "eval_pass_mark": "60",
        "grade_a_min": "85",
        "grade_b_min": "60",
    }
    data.update(fields)
    for i, (share, condition) in enumerate(tranches):
        data[f"tranches-{i}-share"] = str(share)
        data[f"tranches-{i}-condition"] = condition
    return data


def _settings(comp_id: int) -> tuple:
    db.session.expire_all()
    comp = db.session.get(Competition, comp_id)
    return (
        comp.funding_mode,
        comp.publicity_days,
        comp.report_period,
        comp.eval_pass_mark,
        comp.grade_a_min,
        comp.grade_b_min,
        comp.tranche_plan,
    )


def _audits() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == ACTION).order_by(AuditEntry.seq)
        )
    )


def test_every_setting_is_saved_and_audited(make, login):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer, status="draft")
    client = login(organizer)
    page = client.get(_url(comp))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "结果与跟踪" in text and "签约后拨付" in text and "之后创建的项目" in text

    # Rows entered out of order are stored in the order they are paid.
    response = client.post(
        _url(comp),
        data=_data(
            tranches=((60, "final_passed"), (40, "signing")),
            funding_mode="stop",
            publicity_days="10",
            report_period="monthly",
            eval_pass_mark="65",
            grade_a_min="90",
            grade_b_min="70.5",
        ),
    )
    assert response.status_code == 302

    assert _settings(comp.id) == (
        FundingMode.STOP,
        10,
        ReportPeriod.MONTHLY,
        Decimal("65"),
        Decimal("90"),
        Decimal("70.5"),
        [{"share": 40, "condition": "signing"}, {"share": 60, "condition": "final_passed"}],
    )
    [entry] = _audits()
    assert entry.actor_id == organizer.id and entry.object_id == str(comp.id)
    assert entry.changes == {
        "funding_mode": ["skip", "stop"],
        "publicity_days": [7, 10],
        "report_period": ["quarterly", "monthly"],
        "eval_pass_mark": ["60.00", "65.00"],
        "grade_a_min": ["85.00", "90.00"],
        "grade_b_min": ["60.00", "70.50"],
        "tranche_plan": [
            default_tranche_plan(),
            [{"share": 40, "condition": "signing"}, {"share": 60, "condition": "final_passed"}],
        ],
    }

    # The page shows what was saved; saving it unchanged records nothing.
    text = client.get(_url(comp)).get_data(as_text=True)
    assert 'value="70.50"' in text and 'value="40"' in text
    assert (
        client.post(
            _url(comp),
            data=_data(
                tranches=((40, "signing"), (60, "final_passed")),
                funding_mode="stop",
                publicity_days="10",
                report_period="monthly",
                eval_pass_mark="65",
                grade_a_min="90",
                grade_b_min="70.5",
            ),
        ).status_code
        == 302
    )
    assert len(_audits()) == 1

    # One field at a time is recorded alone.
    assert (
        client.post(
            _url(comp),
            data=_data(
                tranches=((40, "signing"), (60, "final_passed")),
                funding_mode="stop",
                publicity_days="5",
                report_period="monthly",
                eval_pass_mark="65",
                grade_a_min="90",
                grade_b_min="70.5",
            ),
        ).status_code
        == 302
    )
    assert _audits()[-1].changes == {"publicity_days": [10, 5]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _data(tranches=((50, "signing"), (40, "final_passed"))),
            "各期比例合计为 90%，须合计为 100%",
        ),
        (_data(tranches=((50, "signing"), (50, "on_a_whim"))), "第 2 期：请从列表中选择拨付条件"),
        (_data(tranches=((50, "signing"), (50, ""))), "第 2 期：请从列表中选择拨付条件"),
        (_data(tranches=((50, "signing"), (50, "signing"))), "每个拨付条件只能使用一次"),
        (
            _data(tranches=((0, "signing"), (100, "final_passed"))),
            "第 1 期：比例应为 1 至 100 之间的整数百分比",
        ),
        (_data(tranches=()), "分期拨付方案至少需要一期"),
        (
            {
                **_data(tranches=((100, "signing"),)),
                "tranches-0-share": "",
                "tranches-0-condition": "",
                "tranches-1-share": "",
                "tranches-1-condition": "",
                "tranches-2-share": "100",
                "tranches-2-condition": "payday",
            },
            "第 3 期：请从列表中选择拨付条件",
        ),
        (_data(publicity_days="0"), "公示期应为 1 至 60 天"),
        (_data(publicity_days="61"), "公示期应为 1 至 60 天"),
        (_data(grade_a_min="70", grade_b_min="75"), "A 等起始分须高于 B 等起始分"),
        (_data(grade_a_min="70", grade_b_min="70"), "A 等起始分须高于 B 等起始分"),
        (_data(eval_pass_mark="65", grade_b_min="60"), "B 等起始分不能低于合格分"),
        (_data(eval_pass_mark="101"), "分数应在 0 至 100 之间"),
        (_data(funding_mode="sometimes"), "请从所列选项中选择"),
        (_data(report_period="weekly"), "请从所列选项中选择"),
    ],
    ids=[
        "sum-90",
        "unknown-condition",
        "no-condition",
        "same-condition-twice",
        "share-0",
        "no-rows",
        "numbered-as-on-the-form",
        "days-0",
        "days-61",
        "b-above-a",
        "b-equals-a",
        "b-below-pass",
        "mark-101",
        "unknown-mode",
        "unknown-period",
    ],
)
def test_invalid_settings_are_refused_with_a_message_and_change_nothing(make, login, data, message):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer, status="draft")
    before = _settings(comp.id)
    response = login(organizer).post(_url(comp), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _settings(comp.id) == before
    assert _audits() == []


def test_only_organizers_change_the_settings(make, login):
    comp = make.competition(status="draft")
    before = _settings(comp.id)
    for user in (make.applicant(), make.judge()):
        client = login(user)
        assert client.get(_url(comp)).status_code == 403
        assert client.post(_url(comp), data=_data(publicity_days="12")).status_code == 403
    assert _settings(comp.id) == before


def test_the_settings_are_fixed_once_the_results_are_final(make, login):
    organizer = make.organizer()
    comp = make.finalize_results(make.competition(organizer=organizer))
    before = _settings(comp.id)
    client = login(organizer)
    assert "不能再修改" in client.get(_url(comp)).get_data(as_text=True)
    response = client.post(
        _url(comp), data=_data(publicity_days="12", tranches=((100, "signing"),))
    )
    assert response.status_code == 423
    assert _settings(comp.id) == before
    [refusal] = _audits()
    assert "refused" in refusal.changes


def test_projects_created_afterwards_copy_the_new_plan_and_report_period(make, login):
    organizer = make.organizer()
    comp = make.followup_competition(implementation_days=120)
    assert comp.report_period == ReportPeriod.QUARTERLY
    response = login(organizer).post(
        _url(comp),
        data=_data(tranches=((30, "signing"), (70, "final_passed")), report_period="monthly"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    comp = db.session.get(Competition, comp.id)

    project = make.project(competition=comp, approved_fen=1_000_000, active=False)

    assert [(t.position, t.share_pct, t.amount_fen, t.condition) for t in project.tranches] == [
        (1, Decimal("30"), 300_000, TrancheCondition.SIGNING),
        (2, Decimal("70"), 700_000, TrancheCondition.FINAL_PASSED),
    ]
    periods = [(r.period_start, r.period_end) for r in project.reports]
    assert (
        len(periods) >= 4
    )  # 120 days: four or five months, where quarters would give two or three
    assert all((start.year, start.month) == (end.year, end.month) for start, end in periods)
