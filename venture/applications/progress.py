"""Where an application stands and what comes next, for its applicant.

One function decides it (``decide``), from the application and the facts the later domains
hold about it (the roadshow, the published decision, the funded project). Pages never
guess from the application's status alone: a funded project is still "passed" there.
``next_steps`` gathers those facts for many applications in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from venture.applications.models import Application, ApplicationStatus
from venture.competitions.models import CompetitionStatus, StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.templating import format_local


@dataclass(frozen=True)
class NextStep:
    state: str  # a stable key: what the tests and the pages' styling use
    message: str  # what the applicant reads
    tone: str = "info"  # info, success, warning, danger, secondary
    action: str = ""  # the link's text, when there is something to do or to read
    url: str = ""
    deadline: datetime | None = None


@dataclass(frozen=True)
class Facts:
    """What the domains after the screening know about one application."""

    project_id: int | None = None
    project_status: str | None = None  # followup.models.ProjectStatus value
    grade: str = ""
    outcome: str | None = None  # rankings.models.FundingOutcome value, once published
    approved_fen: int = 0
    publication_status: str | None = None  # results.models.PublicationStatus value, once published
    publicity_ends_at: datetime | None = None
    roadshow_status: str | None = (
        None  # judging.models.RoadshowStatus of the session it presents in
    )
    roadshow_at: datetime | None = None
    roadshow_venue: str = ""
    roadshow_shortlist_made: bool = False  # the competition's roadshow has presenters


def _stage_dates(app: Application, kind: StageKind):
    stage = app.competition.stage(kind)
    return (stage.opens_at, stage.closes_at) if stage else (None, None)  # the reality (controls)


def _money(fen: int) -> str:
    from venture.templating import format_money

    return format_money(fen)


def decide(app: Application, facts: Facts, now: datetime) -> NextStep:
    """The next step of one application in its real state (every state has its answer)."""
    status = app.status
    if status == ApplicationStatus.DRAFT:
        return _draft(app, now)
    if status == ApplicationStatus.RETURNED:
        return _returned(app, now)
    if status == ApplicationStatus.SUBMITTED:
        _start, ends = _stage_dates(app, StageKind.SCREENING)
        return NextStep("submitted", _("Waiting for the eligibility screening."), deadline=ends)
    if status == ApplicationStatus.REJECTED:
        return NextStep(
            "rejected",
            _("Not eligible: the screening did not pass the application."),
            "danger",
            _("See the reason"),
            url_for("applications.show", application_id=app.id),
        )
    if status == ApplicationStatus.WITHDRAWN:
        return NextStep("withdrawn", _("Withdrawn: nothing more to do."), "secondary")
    if facts.project_id is not None:
        return _project(facts)
    if facts.outcome is not None:
        return _decision(app, facts)
    if app.competition.status == CompetitionStatus.ARCHIVED:
        return NextStep(
            "closed",
            _("The competition has ended without a published decision on this application."),
            "secondary",
        )
    return _judging(app, facts, now)


def _draft(app: Application, now: datetime) -> NextStep:
    from venture.applications.services import edit_deadline

    deadline = edit_deadline(app)
    if deadline is not None and deadline <= now:
        return NextStep(
            "window_closed",
            _("The application window has closed; this draft was not submitted."),
            "secondary",
        )
    return NextStep(
        "draft",
        _("Complete the application and submit it before the deadline."),
        "warning",
        _("Complete and submit"),
        url_for("applications.edit", application_id=app.id, section_key="project"),
        deadline,
    )


def _returned(app: Application, now: datetime) -> NextStep:
    deadline = app.resubmit_deadline
    if deadline is not None and deadline <= now:
        return NextStep(
            "returned_late",
            _(
                "The re-submission deadline has passed; the application can no longer "
                "be re-submitted."
            ),
            "secondary",
        )
    return NextStep(
        "returned",
        _("Returned for amendment: amend it and re-submit before the deadline."),
        "warning",
        _("Amend and re-submit"),
        url_for("applications.show", application_id=app.id),
        deadline,
    )


def _project(facts: Facts) -> NextStep:
    link = url_for("followup.project", project_id=facts.project_id)
    see = _("Open the project")
    match facts.project_status:
        case "agreement":
            return NextStep(
                "funded",
                _(
                    "Funded: sign the agreement with the organizer and upload it; the first "
                    "payment follows."
                ),
                "success",
                see,
                link,
            )
        case "active":
            return NextStep(
                "implementation",
                _(
                    "Funded and being implemented: send each progress report and take "
                    "part in the evaluations on time."
                ),
                "success",
                see,
                link,
            )
        case "suspended":
            return NextStep(
                "suspended",
                _(
                    "Payments are suspended after a failed evaluation; the organizer decides "
                    "how the project continues."
                ),
                "danger",
                see,
                link,
            )
        case "terminated":
            return NextStep(
                "terminated", _("The project was terminated early."), "danger", see, link
            )
        case _:
            message = (
                _("The project is closed with grade %(grade)s.", grade=facts.grade)
                if facts.grade
                else _("The project is closed.")
            )
            return NextStep("project_closed", message, "secondary", see, link)


def _decision(app: Application, facts: Facts) -> NextStep:
    notice = url_for("results.public_notice", competition_id=app.competition_id)
    see = _("See the public notice")
    if facts.publication_status == "publicity":
        until = format_local(facts.publicity_ends_at) if facts.publicity_ends_at else "—"
        if facts.outcome == "funded":
            return NextStep(
                "publicity_funded",
                _(
                    "Proposed for funding (%(amount)s): the results are on public notice until %(when)s (Beijing "
                    "time); the agreement follows once they are final.",
                    amount=_money(facts.approved_fen),
                    when=until,
                ),
                "success",
                see,
                notice,
            )
        if facts.outcome == "waitlist":
            return NextStep(
                "publicity_waitlist",
                _(
                    "On the waiting list: the results are on public notice until %(when)s (Beijing time).",
                    when=until,
                ),
                "info",
                see,
                notice,
            )
        return NextStep(
            "publicity_not_funded",
            _(
                "Not proposed for funding: the results are on public notice until %(when)s (Beijing time).",
                when=until,
            ),
            "secondary",
            see,
            notice,
        )
    if facts.outcome == "funded":
        return NextStep(
            "funded_final",
            _(
                "Funded (%(amount)s): the results are final; the organizer prepares the agreement.",
                amount=_money(facts.approved_fen),
            ),
            "success",
            see,
            notice,
        )
    if facts.outcome == "waitlist":
        return NextStep(
            "waitlist_final",
            _(
                "On the waiting list: the results are final; the project is funded only "
                "if a funded one drops out."
            ),
            "info",
            see,
            notice,
        )
    return NextStep("not_funded", _("Not funded: the results are final."), "secondary", see, notice)


def _judging(app: Application, facts: Facts, now: datetime) -> NextStep:
    return _roadshow_step(facts) or _review_step(app, now)


def _roadshow_step(facts: Facts) -> NextStep | None:
    """Where the roadshow stands for the application; None while it has no part in one."""
    if facts.roadshow_status == "live":
        return NextStep(
            "roadshow_live",
            _("The roadshow is under way: present the project when its turn comes."),
            "info",
        )
    if facts.roadshow_status == "scheduled":
        return NextStep("roadshow", _selected_message(facts), "success", deadline=facts.roadshow_at)
    if facts.roadshow_status == "closed":
        return NextStep(
            "roadshow_done",
            _("The roadshow is over: the results will be published on public notice."),
        )
    if facts.roadshow_shortlist_made:
        return NextStep(
            "not_shortlisted",
            _("Not selected for the roadshow: the results will be published on public notice."),
            "secondary",
        )
    return None


def _selected_message(facts: Facts) -> str:
    """The roadshow's date and venue, as far as they are known."""
    if facts.roadshow_at is not None and facts.roadshow_venue:
        return _(
            "Selected for the roadshow on %(when)s (Beijing time) at %(venue)s: prepare the "
            "presentation.",
            when=format_local(facts.roadshow_at),
            venue=facts.roadshow_venue,
        )
    if facts.roadshow_at is not None:
        return _(
            "Selected for the roadshow on %(when)s (Beijing time): prepare the presentation.",
            when=format_local(facts.roadshow_at),
        )
    return _("Selected for the roadshow: its date will be announced; prepare the presentation.")


def _review_step(app: Application, now: datetime) -> NextStep:
    """Before any roadshow: where the expert review stands, from its stage's dates."""
    starts, ends = _stage_dates(app, StageKind.ONLINE_REVIEW)
    if starts is not None and now < starts:
        return NextStep(
            "screened",
            _(
                "Passed the eligibility screening: the expert review starts on %(when)s "
                "(Beijing time).",
                when=format_local(starts),
            ),
            "success",
        )
    if starts is not None and (ends is None or now < ends):
        return NextStep(
            "in_review",
            _("In expert review: the judges are scoring the application."),
            deadline=ends,
        )
    if starts is None:
        return NextStep(
            "screened", _("Passed the eligibility screening: the expert review follows."), "success"
        )
    if app.competition.stage(StageKind.ROADSHOW) is not None:
        return NextStep(
            "review_done", _("The expert review has ended: the shortlist for the roadshow follows.")
        )
    return NextStep(
        "review_done",
        _("The expert review has ended: the results will be published on public notice."),
    )


# --- the facts, for many applications at once --------------------------------------------------


def gather(apps: list[Application]) -> dict[int, Facts]:
    """The facts of each application after its screening, in four queries whatever the count."""
    from venture.competitions.models import Stage
    from venture.followup.models import Project
    from venture.judging.models import RoadshowSession, RoadshowSlot
    from venture.results.models import Decision, Publication, PublicationStatus

    passed = [a for a in apps if a.status == ApplicationStatus.PASSED]
    if not passed:
        return {}
    ids = [a.id for a in passed]
    comp_ids = {a.competition_id for a in passed}
    fields: dict[int, dict] = {i: {} for i in ids}
    for project_id, app_id, status, grade in db.session.execute(
        sa.select(Project.id, Project.application_id, Project.status, Project.grade).where(
            Project.application_id.in_(ids)
        )
    ):
        fields[app_id].update(project_id=project_id, project_status=status.value, grade=grade or "")
    # A decision counts for the applicant only once it is public (on notice or final).
    for app_id, outcome, fen, pub_status, ends in db.session.execute(
        sa.select(
            Decision.application_id,
            Decision.outcome,
            Decision.approved_fen,
            Publication.status,
            Publication.publicity_ends_at,
        )
        .join(Publication, Publication.competition_id == Decision.competition_id)
        .where(
            Decision.application_id.in_(ids),
            Publication.status.in_((PublicationStatus.PUBLICITY, PublicationStatus.FINAL)),
        )
    ):
        fields[app_id].update(
            outcome=outcome.value,
            approved_fen=fen,
            publication_status=pub_status.value,
            publicity_ends_at=ends,
        )
    shortlisted: set[int] = set()
    for app_id, comp_id, status, when, venue in db.session.execute(
        sa.select(
            RoadshowSlot.application_id,
            Stage.competition_id,
            RoadshowSession.status,
            RoadshowSession.scheduled_at,
            RoadshowSession.venue,
        )
        .join(RoadshowSession, RoadshowSession.id == RoadshowSlot.session_id)
        .join(Stage, Stage.id == RoadshowSession.stage_id)
        .where(Stage.competition_id.in_(comp_ids), Stage.kind == StageKind.ROADSHOW)
    ):
        shortlisted.add(comp_id)
        if app_id in fields:
            fields[app_id].update(
                roadshow_status=status.value, roadshow_at=when, roadshow_venue=venue or ""
            )
    for app in passed:
        fields[app.id]["roadshow_shortlist_made"] = app.competition_id in shortlisted
    return {i: Facts(**f) for i, f in fields.items()}


def next_steps(apps: list[Application], now: datetime | None = None) -> dict[int, NextStep]:
    now = now or utcnow()
    facts = gather(apps)
    return {a.id: decide(a, facts.get(a.id, Facts()), now) for a in apps}


def next_step(app: Application, now: datetime | None = None) -> NextStep:
    return next_steps([app], now)[app.id]
