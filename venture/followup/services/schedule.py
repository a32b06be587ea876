"""The project's schedule follows its agreement.

``project_schedule`` is the one function that turns an agreement's dates (start, end,
reporting period) into report periods and evaluation deadlines; projects are created
with it, and signing the agreement or changing its dates rebuilds the schedule with it.
A rebuild keeps what the organization has started (a submitted report, a report with a
summary or activities, an evaluation past its first step) and replaces the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from venture.audit.services import jsonable, record
from venture.competitions.models import ReportPeriod, StageKind
from venture.db import service
from venture.errors import Conflict, Forbidden, ValidationError
from venture.extensions import db
from venture.followup import policies, rules
from venture.followup.models import (
    EvaluationKind,
    EvaluationStatus,
    ProgressReport,
    ReportStatus,
)
from venture.followup.services._common import (
    notify_all,
    org_people,
    project_link,
    require_text,
    today_local,
)

EVALUATION_STAGES = {
    EvaluationKind.MIDTERM: StageKind.MIDTERM,
    EvaluationKind.FINAL: StageKind.FINAL,
}


@dataclass(frozen=True)
class Schedule:
    starts_on: date
    ends_on: date
    report_period: ReportPeriod
    reports: list[tuple[date, date]]
    # kind → (the evaluation stage or None, when the self-assessment is due)
    evaluations: dict[EvaluationKind, tuple[object, datetime]]


def _evaluation_due(competition, kind: EvaluationKind, start: date, end: date):
    """The self-assessment is due when the evaluation stage opens, if that falls where the
    agreement puts it (the mid-term inside the implementation, the final at or after its
    end); otherwise mid-way through, or at the end of, the agreement's period."""
    stage = competition.stage(EVALUATION_STAGES[kind])
    opens = (
        rules.local_date(stage.starts_at)
        if stage is not None and stage.starts_at is not None
        else None
    )
    if kind == EvaluationKind.MIDTERM:
        if opens is not None and start < opens <= end:
            return stage, stage.starts_at
        return stage, rules.local_end_of_day(start + (end - start) / 2)
    if opens is not None and opens >= end:
        return stage, stage.starts_at
    return stage, rules.local_end_of_day(end)


def project_schedule(
    competition, starts_on: date, ends_on: date, report_period: ReportPeriod | str | None = None
) -> Schedule:
    """The report periods and evaluation deadlines of a project running starts_on..ends_on."""
    period = ReportPeriod(report_period or competition.report_period)
    ends_on = max(ends_on, starts_on)
    return Schedule(
        starts_on=starts_on,
        ends_on=ends_on,
        report_period=period,
        reports=rules.report_periods(starts_on, ends_on, period.value),
        evaluations={
            kind: _evaluation_due(competition, kind, starts_on, ends_on)
            for kind in EVALUATION_STAGES
        },
    )


def agreement_schedule(project) -> Schedule:
    agreement = project.agreement
    return project_schedule(
        project.competition,
        agreement.starts_on,
        agreement.ends_on or agreement.starts_on,
        agreement.report_period,
    )


# --- what a rebuild keeps ----------------------------------------------------------


def report_is_started(report) -> bool:
    return (
        report.status != ReportStatus.DUE or bool(report.summary.strip()) or bool(report.activities)
    )


def evaluation_is_started(evaluation) -> bool:
    return (
        evaluation.status != EvaluationStatus.OPEN
        or evaluation.submitted_at is not None
        or bool(evaluation.self_assessment.strip())
        or evaluation.report_file_id is not None
        or evaluation.ledger_file_id is not None
    )


def subtract_periods(
    period: tuple[date, date], taken: list[tuple[date, date]]
) -> list[tuple[date, date]]:
    """The days of ``period`` not covered by any of ``taken``, as periods."""
    pieces = [period]
    for t_start, t_end in taken:
        next_pieces = []
        for start, end in pieces:
            if t_end < start or t_start > end:
                next_pieces.append((start, end))
                continue
            if start < t_start:
                next_pieces.append((start, t_start - timedelta(days=1)))
            if t_end < end:
                next_pieces.append((t_end + timedelta(days=1), end))
        pieces = next_pieces
    return pieces


def _periods(reports) -> list[list[str]]:
    return [[r.period_start.isoformat(), r.period_end.isoformat()] for r in reports]


def _due_at(period_end: date) -> datetime:
    """A rebuilt report's deadline: the usual grace after its period, and never before the
    same grace from today (a report that did not exist until now cannot be overdue yet)."""
    return max(rules.report_due_at(period_end), rules.report_due_at(today_local()))


def apply_schedule(project, schedule: Schedule) -> dict:
    """Rebuild the reports and evaluation deadlines that have not started; returns the
    changes (for the audit entry), empty when the schedule was already this one."""
    changes = _rebuild_reports(project, schedule)
    changes |= _move_evaluations(project, schedule)
    return jsonable(changes)


def _rebuild_reports(project, schedule: Schedule) -> dict:
    """The schedule's report periods, less the days of the reports already started (kept):
    a report not started is moved to its new period or removed, a missing one added."""
    reports = list(project.reports)
    old_periods = _periods(sorted(reports, key=lambda r: r.period_start))
    kept = [r for r in reports if report_is_started(r)]
    taken = [(r.period_start, r.period_end) for r in kept]
    wanted = [piece for period in schedule.reports for piece in subtract_periods(period, taken)]
    replaceable = {r.period_start: r for r in reports if not report_is_started(r)}
    for start, end in wanted:
        report = replaceable.pop(start, None)
        if report is None:
            project.reports.append(
                ProgressReport(period_start=start, period_end=end, due_at=_due_at(end))
            )
        elif report.period_end != end:  # same start, new end: a new deadline too
            report.period_end, report.due_at = end, _due_at(end)
    for report in replaceable.values():
        project.reports.remove(report)
    db.session.flush()
    new_periods = _periods(sorted(project.reports, key=lambda r: r.period_start))
    if new_periods == old_periods:
        return {}
    changes = {"reports": [old_periods, new_periods]}
    if kept:
        changes["reports_kept"] = _periods(kept)
    return changes


def _move_evaluations(project, schedule: Schedule) -> dict:
    """The new deadlines of the evaluations not started, tied to their stage if they were not."""
    changes = {}
    for evaluation in project.evaluations:
        if evaluation.kind not in schedule.evaluations or evaluation_is_started(evaluation):
            continue
        stage, due_at = schedule.evaluations[evaluation.kind]
        if evaluation.due_at != due_at:
            changes[f"{evaluation.kind.value}_due_at"] = [evaluation.due_at, due_at]
            evaluation.due_at = due_at
        if stage is not None and evaluation.stage_id is None:
            evaluation.stage_id = stage.id
    return changes


def schedule_notice_context(project) -> dict:
    """What a notice says about the schedule: every report period with its deadline, and
    the evaluations' deadlines (local dates)."""
    periods = [
        (
            r.period_start.isoformat(),
            r.period_end.isoformat(),
            rules.local_date(r.due_at).isoformat(),
        )
        for r in sorted(project.reports, key=lambda r: r.period_start)
    ]
    due = {e.kind: rules.local_date(e.due_at).isoformat() for e in project.evaluations}
    return {
        "reports": periods,
        "midterm_due": due.get(EvaluationKind.MIDTERM, ""),
        "final_due": due.get(EvaluationKind.FINAL, ""),
    }


# --- the organizer changes the agreement's dates -------------------------------------


def checked_agreement_dates(
    starts_on: date | None, ends_on: date | None, report_period: str | None
) -> ReportPeriod | None:
    """The agreement's dates as entered or changed: a start, an end after it, and the
    reporting period (None: the competition's)."""
    if starts_on is None:
        raise ValidationError(_("Enter a date."), field="starts_on")
    if ends_on is None or ends_on <= starts_on:
        raise ValidationError(_("The end date must come after the start date."), field="ends_on")
    try:
        return ReportPeriod(report_period) if report_period else None
    except ValueError:
        raise ValidationError(
            _("Choose monthly or quarterly reports."), field="report_period"
        ) from None


@service
def change_agreement_dates(
    project,
    *,
    starts_on: date | None,
    ends_on: date | None,
    report_period: str | None,
    reason: str,
    actor,
) -> dict:
    """Those who run the competition change the agreement's dates (an amendment, 补充协议):
    a reason is required; the schedule is rebuilt, audited, and the organization told."""
    if not policies.can_manage_project(actor, project):
        raise Forbidden()
    if not policies.can_change_agreement_dates(actor, project):
        raise Conflict(_("The dates can change only while the project is running."))
    period = checked_agreement_dates(starts_on, ends_on, report_period)
    reason = require_text(reason, "reason", _("Give the reason for changing the dates."))
    agreement = project.agreement
    before = {
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "report_period": agreement.report_period,
    }
    after = {"starts_on": starts_on, "ends_on": ends_on, "report_period": period}
    if before == after:
        raise ValidationError(_("These are the agreement's dates already."), field="starts_on")
    agreement.starts_on, agreement.ends_on, agreement.report_period = starts_on, ends_on, period
    schedule_changes = apply_schedule(project, agreement_schedule(project))
    record(
        "followup.change_agreement_dates",
        agreement,
        actor=actor,
        changes={
            **{
                k: [jsonable(before[k]), jsonable(after[k])]
                for k in before
                if before[k] != after[k]
            },
            "reason": reason,
            **schedule_changes,
        },
    )
    notify_all(
        org_people(project.organization_id),
        "project_rescheduled",
        competition_id=project.competition_id,
        link=project_link(project),
        project_name=project.application.project_name,
        reason=reason,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
        **schedule_notice_context(project),
    )
    return schedule_changes
