"""Excel exports: the page that offers them, direct downloads of small ones, jobs for
large ones (their page, their progress as JSON, their file)."""

from __future__ import annotations

import io

from flask import flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.competitions.models import Competition
from venture.db import get_or_404
from venture.errors import DomainError, NotFound
from venture.forms import coerce_id
from venture.i18n import current_locale_code
from venture.jobs.services import get_job
from venture.policy import organizer_only, require
from venture.reports import labels as _labels  # noqa: F401  (enum labels)
from venture.reports import policies, queries, services
from venture.reports.exports import BACKGROUND_ROWS, registry
from venture.reports.views import bp
from venture.web import safe_next

FILTER_FIELDS = ("category", "status", "community", "q", "sort")


def _attachment(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/competitions/<int:competition_id>/exports")
@organizer_only
def exports(competition_id: int):
    require(policies.can_view_reports(current_user))
    comp = get_or_404(Competition, competition_id)
    scored = queries.scored_stage_ids(comp.id)
    stages = [s for s in comp.stages if s.is_scoring and s.id in scored]
    all_kinds = registry()
    kinds = all_kinds.values()
    return render_template(
        "reports/exports.html",
        comp=comp,
        stages=stages,
        all_kinds=all_kinds,
        background_rows=BACKGROUND_ROWS,
        competition_kinds=[k for k in kinds if k.scope == "competition"],
        stage_kinds=[k for k in kinds if k.scope == "stage"],
        jobs=services.recent_exports(comp.id),
        filters=_filters(request.args),
    )


def _filters(source) -> dict:
    return {name: source.get(name) for name in FILTER_FIELDS if source.get(name)}


@bp.route("/competitions/<int:competition_id>/exports/<kind>", methods=["POST"])
@organizer_only
def export(competition_id: int, kind: str):
    require(policies.can_view_reports(current_user))
    export_kind = registry().get(kind)
    if export_kind is None:
        raise NotFound()
    stage_id = request.form.get("stage_id", type=coerce_id)
    if (export_kind.scope == "stage") != (stage_id is not None):
        raise NotFound()
    export_request = services.export_request(
        competition_id, stage_id, _filters(request.form) if export_kind.filtered else {}
    )
    back = safe_next(
        request.form.get("next"), url_for("reports.exports", competition_id=competition_id)
    )
    # Kept by hand: nothing to export yet (no decisions, no ranking) is a warning on the
    # page the organizer came from, not a refusal with its status as attempt() would give.
    try:
        if export_kind.in_background(export_request):
            job = services.start_export(
                export_kind, export_request, actor=current_user, locale=current_locale_code()
            )
            return redirect(url_for("reports.export_job", job_id=job.id))
        result = export_kind.build(export_request, lambda *_a: None)
    except DomainError as error:
        flash(str(error.message), "warning")
        return redirect(back)
    services.record_download(export_kind, export_request, actor=current_user, rows=result.rows)
    return _attachment(
        send_file(
            io.BytesIO(result.data),
            mimetype=result.mimetype,
            as_attachment=True,
            download_name=result.name,
            max_age=0,
        )
    )


@bp.route("/exports/<int:job_id>")
@organizer_only
def export_job(job_id: int):
    job = get_job(job_id)
    require(policies.can_download_export(current_user, job))
    comp = queries.competition_or_none(job.competition_id)
    return render_template(
        "reports/export_job.html",
        job=job,
        comp=comp,
        kind=registry().get((job.params or {}).get("export")),
    )


@bp.route("/exports/<int:job_id>/status")
@organizer_only
def export_status(job_id: int):
    job = get_job(job_id)
    require(policies.can_download_export(current_user, job))
    return jsonify(status=job.state, progress=job.progress, message=job.message)


@bp.route("/exports/<int:job_id>/retry", methods=["POST"])
@organizer_only
def retry_export(job_id: int):
    job = get_job(job_id)
    require(policies.can_retry_export(current_user, job))
    services.retry_export(job, current_user)
    flash(_("The export has been queued again."), "success")
    return redirect(url_for("reports.export_job", job_id=job.id))


@bp.route("/exports/<int:job_id>/download")
@organizer_only
def download_export(job_id: int):
    job = get_job(job_id)
    require(policies.can_download_export(current_user, job))
    path = services.export_path(job)
    return _attachment(
        send_file(
            path,
            mimetype=(job.result or {}).get("mimetype")
            or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=job.file_name,
            max_age=0,
        )
    )
