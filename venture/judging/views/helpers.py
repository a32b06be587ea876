"""Loading helpers and template filters shared by the judging views."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import jsonify
from flask_babel import gettext as _

from venture.applications.models import Application
from venture.competitions.models import Stage
from venture.db import get_or_404, utcnow
from venture.errors import NotFound
from venture.judging import labels as _labels  # noqa: F401  (enum labels)
from venture.judging.views import bp


def load_stage(stage_id: int, *, scoring: bool = True) -> Stage:
    stage = get_or_404(Stage, stage_id)
    if scoring and not stage.is_scoring:
        raise NotFound()
    return stage


def load_application(stage: Stage, application_id: int) -> Application:
    application = get_or_404(Application, application_id)
    if application.competition_id != stage.competition_id:
        raise NotFound()
    return application


def sheet_values(sheet) -> dict:
    """The stored answers of a sheet as the sheet form's field values."""
    if sheet is None:
        return {}
    values = {
        "overall_comment": sheet.overall_comment,
        "confidence": str(sheet.confidence or ""),
        "recommendation": sheet.recommendation.value if sheet.recommendation else "",
    }
    for s in sheet.scores:
        values[f"score-{s.criterion_id}"] = (
            "" if s.score is None else format(s.score.normalize(), "f")
        )
        values[f"na-{s.criterion_id}"] = s.not_applicable
        values[f"comment-{s.criterion_id}"] = s.comment
    return values


def json_error(error, **extra):
    body = {"error": {"status": error.status, "message": str(error.message)}}
    body.update(extra)
    return jsonify(body), error.status


def remaining(deadline: datetime | None, now: datetime | None = None) -> str:
    """Time left until a deadline, in words ("3 days 4 hours"); rendered on the server."""
    if deadline is None:
        return ""
    delta = deadline - (now or utcnow())
    if delta <= timedelta(0):
        return _("closed")
    days, seconds = delta.days, delta.seconds
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if days:
        return _("%(days)d days %(hours)d hours left", days=days, hours=hours)
    if hours:
        return _("%(hours)d hours %(minutes)d minutes left", hours=hours, minutes=minutes)
    return _("%(minutes)d minutes left", minutes=max(minutes, 1))


@bp.app_template_filter("remaining")
def _remaining_filter(deadline):
    return remaining(deadline)


@bp.app_template_filter("iso_utc")
def _iso(value):
    return value.isoformat() if value else ""
