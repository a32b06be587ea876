"""Reminders: a registry of rules that beat runs periodically (workers/tasks/reminders.py).

A rule is a function ``collect(now) -> iterable of Reminder``: who should be reminded of
what, right now. The runner writes each reminder with ``notify(..., dedupe_key=...)``;
the key names the person, the item and the window ("72h", "24h", "overdue"…), so a
reminder is written once however often beat runs, even by two beat processes at once
(the unique key, and notify's handling of the insert race).

Another domain adds its rules where its code lives, e.g. in venture/followup/reminders.py::

    from venture.notices.reminders import Reminder, reminder_rule, window_label

    @reminder_rule("report_due")
    def reports_due(now):
        for report in ...:
            window = window_label(report.due_at, now, hours=(72, 24))
            if window:
                for user in members:
                    yield Reminder(user, "report_due_reminder", f"report_due:{report.id}:{user.id}:{window}",
                                   link=..., competition_id=..., context={...})

and lists its module in RULE_MODULES below (imported by the beat task), registering its
notice kinds and templates as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from venture.db import unit_of_work, utcnow
from venture.extensions import db
from venture.notices import kinds
from venture.templating import format_local

log = logging.getLogger("venture.reminders")

# Modules whose import registers reminder rules (the follow-up domain adds its own).
RULE_MODULES: list[str] = ["venture.notices.reminders", "venture.followup.reminders"]


@dataclass
class Reminder:
    user: object  # an accounts.User
    kind: str  # a registered notice kind with its template
    dedupe_key: str  # person + item + window: written once
    link: str = ""
    competition_id: int | None = None
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReminderRule:
    name: str
    collect: Callable[[datetime], Iterable[Reminder]]


RULES: dict[str, ReminderRule] = {}


def register_rule(name: str, collect: Callable[[datetime], Iterable[Reminder]]) -> ReminderRule:
    rule = ReminderRule(name, collect)
    RULES[name] = rule
    return rule


def reminder_rule(name: str):
    """Decorator form of :func:`register_rule`."""

    def decorator(collect):
        register_rule(name, collect)
        return collect

    return decorator


def window_label(deadline: datetime | None, now: datetime, hours: Sequence[int]) -> str | None:
    """The narrowest window 'Nh' (deadline - N hours ≤ now < deadline) that now falls in,
    or None when the deadline is further away than the widest window, or past."""
    if deadline is None or now >= deadline:
        return None
    for h in sorted(hours):
        if now >= deadline - timedelta(hours=h):
            return f"{h}h"
    return None


def load_rules() -> dict[str, ReminderRule]:
    for module in RULE_MODULES:
        import_module(module)
    return RULES


def run_rules(now: datetime | None = None, names: Iterable[str] | None = None) -> dict[str, int]:
    """Run every rule (or the named ones); returns how many notices each wrote.

    Each rule runs in its own transaction, so one failing rule does not hold back the others.
    """
    from venture.notices.services import notify

    now = now or utcnow()
    written: dict[str, int] = {}
    for name, rule in load_rules().items():
        if names is not None and name not in names:
            continue
        try:
            with unit_of_work():
                count = 0
                for r in rule.collect(now):
                    notice = notify(
                        r.user,
                        r.kind,
                        link=r.link,
                        dedupe_key=r.dedupe_key,
                        competition_id=r.competition_id,
                        **r.context,
                    )
                    count += notice is not None
        except Exception:
            log.exception("reminder rule %s failed", name)
            continue
        written[name] = count
        if count:
            log.info("reminder rule %s wrote %d notice(s)", name, count)
    return written


def _link(candidates: Sequence[tuple[str, dict]]) -> str:
    """The first of these pages that exists, else the home page (whose panels list the work)."""
    from flask import current_app
    from werkzeug.routing import BuildError

    adapter = current_app.url_map.bind("localhost")
    for endpoint, values in [*candidates, ("main.index", {})]:
        try:
            return current_app.config["BASE_URL"] + adapter.build(endpoint, values)
        except BuildError:
            continue
    return current_app.config["BASE_URL"] + "/"


# --- built-in rules ---------------------------------------------------------------------

kinds.register(
    "judge_deadline_reminder", _l("Reminder: score sheets due before a judging deadline")
)
kinds.register("draft_deadline_reminder", _l("Reminder: an application draft is not submitted yet"))

JUDGE_WINDOWS = (72, 24)
DRAFT_WINDOWS = (48,)


@reminder_rule("judge_deadline")
def judges_behind(now: datetime):
    """Judges with unfinished sheets 72 h and 24 h before an online review or evaluation
    stage ends (the roadshow is scored live, in the room)."""
    from venture.accounts.models import User
    from venture.competitions.gates import closes_sql
    from venture.competitions.models import (
        EVALUATION_STAGES,
        Competition,
        CompetitionStatus,
        Stage,
        StageKind,
    )
    from venture.judging.models import Assignment, AssignmentStatus, ScoreSheet, SheetStatus

    horizon = now + timedelta(hours=max(JUDGE_WINDOWS))
    stages = list(
        db.session.scalars(
            sa.select(Stage)
            .join(Competition)
            .where(
                Stage.kind.in_([StageKind.ONLINE_REVIEW, *EVALUATION_STAGES]),
                closes_sql() > now,
                closes_sql() <= horizon,
                Competition.status != CompetitionStatus.DRAFT,
                # the results lock the review, not the evaluations that follow them
                sa.or_(Stage.kind.in_(EVALUATION_STAGES), Competition.results_final_at.is_(None)),
            )
            .options(joinedload(Stage.competition))
        )
    )
    if not stages:
        return
    submitted = sa.exists().where(
        ScoreSheet.stage_id == Assignment.stage_id,
        ScoreSheet.application_id == Assignment.application_id,
        ScoreSheet.judge_id == Assignment.judge_id,
        ScoreSheet.status == SheetStatus.SUBMITTED,
    )
    behind = db.session.execute(
        sa.select(Assignment.stage_id, Assignment.judge_id, sa.func.count(Assignment.id))
        .where(
            Assignment.stage_id.in_([s.id for s in stages]),
            Assignment.status == AssignmentStatus.ACTIVE,
            ~submitted,
        )
        .group_by(Assignment.stage_id, Assignment.judge_id)
    ).all()
    judges = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(
                User.id.in_({judge_id for _s, judge_id, _n in behind}), User.active.is_(True)
            )
        )
    }
    by_id = {s.id: s for s in stages}
    for stage_id, judge_id, count in behind:
        stage, judge = by_id[stage_id], judges.get(judge_id)
        window = window_label(stage.closes_at, now, JUDGE_WINDOWS)
        if judge is None or window is None:
            continue
        yield Reminder(
            judge,
            "judge_deadline_reminder",
            f"judge_deadline:{stage.id}:{judge.id}:{window}",
            link=_link([("judging.my_sheets", {}), ("judging.index", {})]),
            competition_id=stage.competition_id,
            context={
                "competition": stage.competition,
                "stage_kind": stage.kind.value,
                "deadline": format_local(stage.closes_at),
                "count": count,
                "window": window,
            },
        )


@reminder_rule("draft_deadline")
def drafts_not_submitted(now: datetime):
    """Each member of an organization with an unsubmitted draft, 48 h before the
    application window closes: once per member and draft."""
    from venture.applications.models import Application, ApplicationStatus
    from venture.competitions.gates import closes_sql
    from venture.competitions.models import Competition, CompetitionStatus, Stage, StageKind
    from venture.orgs.models import Membership

    horizon = now + timedelta(hours=max(DRAFT_WINDOWS))
    stages = {
        s.competition_id: s
        for s in db.session.scalars(
            sa.select(Stage)
            .join(Competition)
            .where(
                Stage.kind == StageKind.APPLICATION,
                closes_sql() > now,
                closes_sql() <= horizon,
                Competition.status == CompetitionStatus.OPEN,
            )
            .options(joinedload(Stage.competition))
        )
    }
    if not stages:
        return
    drafts = list(
        db.session.scalars(
            sa.select(Application)
            .where(
                Application.competition_id.in_(stages),
                Application.status == ApplicationStatus.DRAFT,
            )
            .order_by(Application.id)
        )
    )
    members: dict[int, list] = {}
    for m in db.session.scalars(
        sa.select(Membership)
        .where(Membership.organization_id.in_({a.organization_id for a in drafts}))
        .options(joinedload(Membership.user))
    ):
        if m.user.active:
            members.setdefault(m.organization_id, []).append(m.user)
    for app in drafts:
        stage = stages[app.competition_id]
        window = window_label(stage.closes_at, now, DRAFT_WINDOWS)
        if window is None:
            continue
        link = _link(
            [
                ("applications.edit", {"application_id": app.id}),
                ("applications.show", {"application_id": app.id}),
            ]
        )
        for user in members.get(app.organization_id, ()):
            yield Reminder(
                user,
                "draft_deadline_reminder",
                f"draft_deadline:{app.id}:{user.id}:{window}",
                link=link,
                competition_id=app.competition_id,
                context={
                    "competition": stage.competition,
                    "project": app.project_name,
                    "deadline": format_local(stage.closes_at),
                },
            )
