"""A competition at a glance: applications, money asked against budgets, screening,
judging and roadshow progress, results and the follow-up."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from venture.applications.models import ApplicationStatus
from venture.applications.queries import overview_counts
from venture.competitions.models import Competition, StageKind
from venture.extensions import db
from venture.followup.models import Project, ProjectStatus
from venture.followup.queries import money_of
from venture.judging.models import (
    Assignment,
    AssignmentStatus,
    RoadshowSession,
    RoadshowSlot,
    ScoreSheet,
    SheetStatus,
    SlotStatus,
)
from venture.rankings.models import FundingOutcome, ResultSnapshot, SnapshotEntry, SnapshotKind
from venture.reports import charts
from venture.reports.dashboards import Section
from venture.reports.labels import label
from venture.results.models import Decision
from venture.templating import format_money

JUDGED_STAGES = (StageKind.ONLINE_REVIEW, StageKind.ROADSHOW)
SCREENING = (
    ApplicationStatus.PASSED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WITHDRAWN,
)
OUTCOMES = (FundingOutcome.FUNDED, FundingOutcome.WAITLIST, FundingOutcome.NOT_FUNDED)


def load_competition(competition_id: int) -> Competition | None:
    return db.session.scalar(
        sa.select(Competition)
        .where(Competition.id == competition_id)
        .options(selectinload(Competition.categories), selectinload(Competition.stages))
    )


def category_names(comp: Competition) -> dict:
    names = {c.id: c.name for c in comp.categories}
    names[None] = _("No category")
    return names


def overview(comp: Competition) -> list[Section]:
    counts = overview_counts(comp)
    return [
        applications_section(comp, counts),
        money_section(comp, counts),
        screening_section(comp, counts),
        judging_section(comp),
        roadshow_section(comp),
        *results_sections(comp),
        *followup_sections(comp),
    ]


# --- applications -----------------------------------------------------------------------


def _category_order(comp: Competition, present) -> list:
    ids = [c.id for c in comp.categories]
    return ids + ([None] if None in present else [])


def applications_section(comp: Competition, counts: dict) -> Section:
    by_category = counts["by_category"]
    ids = _category_order(comp, by_category)
    names = category_names(comp)
    statuses = [s for s in ApplicationStatus if counts["by_status"].get(s.value)]
    chart = (
        charts.stacked_bar_chart(
            _("Applications per category and status"),
            _("Applications of each category, stacked by status: %(n)d in all.", n=counts["total"]),
            [names[i] for i in ids],
            {label(s): [by_category.get(i, {}).get(s.value, 0) for i in ids] for s in statuses},
            label_header=_("Category"),
        )
        if counts["total"]
        else None
    )
    return Section(
        "applications",
        _("Applications"),
        chart,
        _("No application yet."),
        [(_("Applications and screening"), url_for("screening.index", competition_id=comp.id))],
    )


def money_section(comp: Competition, counts: dict) -> Section:
    requested = counts["requested"]
    approved = dict(
        db.session.execute(
            sa.select(Decision.category_id, sa.func.sum(Decision.approved_fen))
            .where(Decision.competition_id == comp.id, Decision.outcome == FundingOutcome.FUNDED)
            .group_by(Decision.category_id)
        ).all()
    )
    labels = [c.name for c in comp.categories]
    series = {
        _("Requested"): [int(requested.get(c.id, 0)) for c in comp.categories],
        _("Budget"): [c.budget_fen for c in comp.categories],
    }
    if approved:
        series[_("Approved")] = [int(approved.get(c.id, 0) or 0) for c in comp.categories]
    chart = (
        charts.grouped_bar_chart(
            _("Amounts requested against the budget, per category"),
            _(
                "Money requested by the applications in screening, returned or passed, beside each category's "
                "budget (and the approved amounts once decisions exist)."
            ),
            labels,
            series,
            label_header=_("Category"),
            formatter=format_money,
        )
        if comp.categories
        else None
    )
    return Section(
        "money", _("Requested and budget"), chart, _("The competition has no category yet.")
    )


def screening_section(comp: Competition, counts: dict) -> Section:
    by_status = counts["by_status"]
    items = [(label(s), by_status.get(s.value, 0)) for s in SCREENING]
    submitted = sum(n for _label, n in items)
    chart = (
        charts.bar_chart(
            _("Screening outcomes"),
            _(
                "Submitted applications by the outcome of the eligibility screening: %(n)d submitted.",
                n=submitted,
            ),
            items,
            value_header=_("Applications"),
            label_header=_("Outcome"),
        )
        if submitted
        else None
    )
    return Section(
        "screening",
        _("Screening"),
        chart,
        _("No application has been submitted yet."),
        [(_("Applications and screening"), url_for("screening.index", competition_id=comp.id))],
    )


# --- judging ----------------------------------------------------------------------------


def judging_section(comp: Competition) -> Section:
    stages = [s for s in comp.stages if s.kind in JUDGED_STAGES]
    ids = [s.id for s in stages]
    expected = (
        dict(
            db.session.execute(
                sa.select(Assignment.stage_id, sa.func.count(Assignment.id))
                .where(Assignment.stage_id.in_(ids), Assignment.status == AssignmentStatus.ACTIVE)
                .group_by(Assignment.stage_id)
            ).all()
        )
        if ids
        else {}
    )
    sheets: dict = defaultdict(dict)
    for stage_id, status, n in (
        db.session.execute(
            sa.select(ScoreSheet.stage_id, ScoreSheet.status, sa.func.count(ScoreSheet.id))
            .where(ScoreSheet.stage_id.in_(ids))
            .group_by(ScoreSheet.stage_id, ScoreSheet.status)
        )
        if ids
        else ()
    ):
        sheets[stage_id][SheetStatus(status)] = n
    submitted = [sheets[s.id].get(SheetStatus.SUBMITTED, 0) for s in stages]
    drafts = [sheets[s.id].get(SheetStatus.DRAFT, 0) for s in stages]
    missing = [
        max(expected.get(s.id, 0) - submitted[i] - drafts[i], 0) for i, s in enumerate(stages)
    ]
    total_expected = sum(expected.values())
    chart = (
        charts.stacked_bar_chart(
            _("Judging progress: sheets per stage"),
            _(
                "Score sheets submitted, in draft and not started, against the sheets expected from the judges' "
                "assignments: %(done)d of %(expected)d submitted.",
                done=sum(submitted),
                expected=total_expected,
            ),
            [label(s.kind) for s in stages],
            {_("Submitted"): submitted, _("Draft"): drafts, _("Not started"): missing},
            label_header=_("Stage"),
        )
        if total_expected or sum(submitted)
        else None
    )
    links = [
        (
            _("Judging charts: %(stage)s", stage=label(s.kind)),
            url_for("reports.judging", stage_id=s.id),
        )
        for s in stages
        if sheets[s.id]
    ]
    return Section("judging", _("Judging"), chart, _("No judge has been assigned yet."), links)


def roadshow_section(comp: Competition) -> Section:
    stage = comp.stage(StageKind.ROADSHOW)
    rows = db.session.execute(
        sa.select(
            RoadshowSession.id,
            RoadshowSession.name,
            RoadshowSlot.status,
            sa.func.count(RoadshowSlot.id),
        )
        .join(RoadshowSlot, RoadshowSlot.session_id == RoadshowSession.id)
        .where(RoadshowSession.stage_id == (stage.id if stage else 0))
        .group_by(RoadshowSession.id, RoadshowSession.name, RoadshowSlot.status)
        .order_by(RoadshowSession.id)
    ).all()
    sessions: dict = {}
    for session_id, name, status, n in rows:
        sessions.setdefault(session_id, [name or _("Session %(n)d", n=session_id), {}])[1][
            SlotStatus(status)
        ] = n
    labels = [name for name, _counts in sessions.values()]
    names = {
        SlotStatus.CLOSED: _("Presented"),
        SlotStatus.PRESENTING: _("Presenting now"),
        SlotStatus.WAITING: _("Waiting"),
    }
    series = {names[s]: [counts.get(s, 0) for _name, counts in sessions.values()] for s in names}
    done = sum(series[names[SlotStatus.CLOSED]])
    chart = (
        charts.stacked_bar_chart(
            _("Roadshow progress: projects per session"),
            _(
                "Projects that have presented and been scored, presenting now, or waiting, in each roadshow session: "
                "%(done)d of %(all)d done.",
                done=done,
                all=sum(sum(v) for v in series.values()),
            ),
            labels,
            series,
            label_header=_("Session"),
        )
        if sessions
        else None
    )
    links = (
        [(_("Roadshow sessions"), url_for("judging.roadshow_sessions", stage_id=stage.id))]
        if stage
        else []
    )
    return Section(
        "roadshow", _("Roadshow"), chart, _("No roadshow session has been scheduled yet."), links
    )


# --- results and follow-up --------------------------------------------------------------


def _result_rows(comp: Competition) -> tuple[list, str]:
    """(category, outcome, count, amount) from the decisions, or from the latest final
    ranking's funding line while there are no decisions yet."""
    rows = db.session.execute(
        sa.select(
            Decision.category_id,
            Decision.outcome,
            sa.func.count(Decision.id),
            sa.func.coalesce(sa.func.sum(Decision.approved_fen), 0),
        )
        .where(Decision.competition_id == comp.id)
        .group_by(Decision.category_id, Decision.outcome)
    ).all()
    if rows:
        return rows, "decisions"
    latest = (
        sa.select(ResultSnapshot.id)
        .where(ResultSnapshot.competition_id == comp.id, ResultSnapshot.kind == SnapshotKind.FINAL)
        .order_by(ResultSnapshot.created_at.desc(), ResultSnapshot.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(
            SnapshotEntry.category_id,
            SnapshotEntry.funding,
            sa.func.count(SnapshotEntry.id),
            sa.func.coalesce(sa.func.sum(SnapshotEntry.funded_fen), 0),
        )
        .where(SnapshotEntry.snapshot_id == latest, SnapshotEntry.funding.is_not(None))
        .group_by(SnapshotEntry.category_id, SnapshotEntry.funding)
    ).all()
    return rows, "ranking"


def results_sections(comp: Competition) -> list[Section]:
    rows, source = _result_rows(comp)
    counts: dict = defaultdict(dict)
    amounts: dict = defaultdict(int)
    for category_id, outcome, n, amount in rows:
        counts[category_id][FundingOutcome(outcome)] = n
        if FundingOutcome(outcome) == FundingOutcome.FUNDED:
            amounts[category_id] += int(amount or 0)
    ids = _category_order(comp, counts)
    names = category_names(comp)
    budgets = {c.id: c.budget_fen for c in comp.categories}
    chart = None
    if rows:
        chart = charts.stacked_bar_chart(
            _("Results per category"),
            _(
                "Applications funded, on the waiting list and not funded in each category (%(source)s), with the "
                "amounts funded against the budget.",
                source=_("decisions")
                if source == "decisions"
                else _("proposed by the final ranking"),
            ),
            [names[i] for i in ids],
            {label(o): [counts[i].get(o, 0) for i in ids] for o in OUTCOMES},
            label_header=_("Category"),
        )
        chart.headers += [_("Amount funded"), _("Budget")]
        for row, i in zip(chart.rows, ids, strict=True):
            row += [format_money(amounts[i]), format_money(budgets.get(i)) if i in budgets else ""]
    links = [(_("Decisions"), url_for("results.decisions", competition_id=comp.id))]
    note = (
        _("From the final ranking: no decision has been generated yet.")
        if rows and source == "ranking"
        else ""
    )
    return [
        Section(
            "results",
            _("Results"),
            chart,
            _("No results yet: compute the final ranking first."),
            links,
            note,
        )
    ]


def followup_projects(comp: Competition) -> list[Project]:
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.competition_id == comp.id)
            .options(
                selectinload(Project.tranches),
                selectinload(Project.evaluations),
                selectinload(Project.open_disputes),
            )
        )
    )


def followup_sections(comp: Competition) -> list[Section]:
    projects = followup_projects(comp)
    by_status = defaultdict(int)
    paid = due = blocked = 0
    counts = defaultdict(int)
    for project in projects:
        by_status[project.status] += 1
        money = money_of(project)
        paid, due, blocked = paid + money.paid, due + money.due, blocked + money.blocked
        for tranche in project.tranches:
            counts[tranche.status] += 1
    links = [
        (_("Follow-up charts"), url_for("reports.followup", competition_id=comp.id)),
        (_("Projects"), url_for("followup.dashboard", competition=comp.id)),
    ]
    empty = _("No project yet: projects are created when the results are final.")
    status_chart = (
        charts.bar_chart(
            _("Projects per status"),
            _("Funded projects by their follow-up status: %(n)d projects.", n=len(projects)),
            [(label(s), by_status.get(s, 0)) for s in ProjectStatus],
            value_header=_("Projects"),
            label_header=_("Status"),
        )
        if projects
        else None
    )
    money_chart = (
        charts.bar_chart(
            _("Tranches paid, due and blocked"),
            _(
                "Money of the projects' tranches: released, due now (its condition holds) and blocked (waiting for "
                "an agreement or an evaluation, or stopped)."
            ),
            [(_("Paid out"), paid), (_("Due now"), due), (_("Blocked"), blocked)],
            value_header=_("Amount"),
            label_header=_("Tranches"),
            formatter=format_money,
        )
        if projects
        else None
    )
    return [
        Section("projects", _("Follow-up: projects"), status_chart, empty, links),
        Section("tranches", _("Follow-up: tranches"), money_chart, empty, links),
    ]
