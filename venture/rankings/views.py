"""The organizer's rankings: computing stages, rankings per category with the funding
line, methods side by side, judge diagnostics, score cards, history and exports."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from venture.competitions.models import StageKind
from venture.errors import NotFound
from venture.forms import coerce_id, page_number
from venture.jobs.services import get_job
from venture.policy import organizer_only, public, require
from venture.rankings import explain, labels, policies, queries, services
from venture.rankings.explain import (
    ICC_MIN_APPLICATIONS,
    icc_verdict,
    judge_points,
    number,
    severity_points,
    signed,
)
from venture.rankings.models import SnapshotKind

bp = Blueprint("rankings", __name__)


@bp.context_processor
def _helpers():
    return {
        "method_label": labels.method_label,
        "method_help": labels.method_help,
        "tie_break_label": labels.tie_break_label,
        "flag_label": labels.flag_label,
        "flag_help": labels.flag_help,
        "stage_label": labels.stage_label,
        "number": number,
        "signed": signed,
        "severity_points": severity_points,
        "judge_points": judge_points,
        "rank_command": services.rank_command,
    }


def _check(competition) -> None:
    require(policies.can_view_rankings(current_user, competition))


def _page() -> int:
    return max(1, request.args.get("page", 1, type=page_number) or 1)


def _category(tabs) -> str:
    """The category asked for, or the first one (an unknown value never fails)."""
    asked = request.args.get("category")
    keys = [t.key for t in tabs]
    if asked in keys:
        return asked
    return keys[0] if keys else queries.NO_CATEGORY


@bp.route("/rankings/")
@organizer_only
def index():
    competitions = queries.competitions()
    for competition in competitions:
        _check(competition)
    latest = queries.latest_by_stage([c.id for c in competitions])
    return render_template("rankings/index.html", competitions=competitions, latest=latest)


@bp.route("/rankings/competitions/<int:competition_id>")
@organizer_only
def competition(competition_id: int):
    comp = queries.get_competition(competition_id)
    _check(comp)
    stages = [s for s in comp.stages if s.is_scoring]
    counts, jobs = queries.sheet_counts([s.id for s in stages]), services.stage_jobs(comp)
    computable = {
        s.id: services.can_request_computation(s, jobs.get(s.id), counts.get(s.id, 0))
        for s in stages
    }
    return render_template(
        "rankings/competition.html",
        competition=comp,
        stages=stages,
        latest=queries.latest_by_stage([comp.id]),
        counts=counts,
        jobs=jobs,
        computable=computable,
        final=services.latest_final_snapshot(comp),
    )


@bp.route("/rankings/stages/<int:stage_id>/compute", methods=["POST"])
@organizer_only
def compute(stage_id: int):
    stage = queries.get_stage(stage_id)
    require(policies.can_compute(current_user, stage.competition))
    services.request_computation(stage, current_user)
    flash(_("The computation has started. This page shows its progress."), "success")
    return redirect(url_for("rankings.competition", competition_id=stage.competition_id))


@bp.route("/rankings/competitions/<int:competition_id>/final", methods=["POST"])
@organizer_only
def build_final(competition_id: int):
    comp = queries.get_competition(competition_id)
    require(policies.can_compute(current_user, comp))
    snapshot = services.build_final_snapshot(comp, current_user)
    flash(_("The final ranking and the funding line are computed."), "success")
    return redirect(url_for("rankings.snapshot", snapshot_id=snapshot.id))


@bp.route("/rankings/jobs/<int:job_id>")
@organizer_only
def job_status(job_id: int):
    job = get_job(job_id)
    if job.kind != services.JOB_KIND:
        raise NotFound()
    require(policies.can_view_rankings(current_user, None))
    return jsonify(
        {
            "status": job.state,
            "progress": job.progress,
            "message": job.message,
            "snapshot_id": (job.result or {}).get("snapshot_id"),
        }
    )


@bp.route("/rankings/jobs/<int:job_id>/retry", methods=["POST"])
@organizer_only
def retry_job(job_id: int):
    job = get_job(job_id)
    if job.kind != services.JOB_KIND:
        raise NotFound()
    comp = queries.get_competition(job.competition_id)
    require(policies.can_compute(current_user, comp))
    services.retry_computation(job, current_user)
    flash(_("The computation has been queued again. This page shows its progress."), "success")
    return redirect(url_for("rankings.competition", competition_id=comp.id))


@bp.route("/rankings/stages/<int:stage_id>")
@organizer_only
def stage(stage_id: int):
    stage = queries.get_stage(stage_id)
    _check(stage.competition)
    snapshot = services.latest_snapshot(stage)
    if snapshot is None:
        return redirect(url_for("rankings.competition", competition_id=stage.competition_id))
    return redirect(url_for("rankings.snapshot", snapshot_id=snapshot.id))


@bp.route("/rankings/snapshots/<int:snapshot_id>")
@organizer_only
def snapshot(snapshot_id: int):
    snap = queries.get_snapshot(snapshot_id)
    _check(snap.competition)
    tabs = queries.category_tabs(snap)
    category = _category(tabs)
    tab = next((t for t in tabs if t.key == category), None)
    page = queries.ranking_page(snap, category, _page())
    context = {
        "snapshot": snap,
        "tabs": tabs,
        "tab": tab,
        "category": category,
        "page": page,
        "line_after": queries.funding_line_after(snap, category),
    }
    if snap.kind == SnapshotKind.STAGE:
        fig = queries.figures(snap)
        icc = (snap.diagnostics or {}).get("icc") or {}
        scored_twice = queries.applications_with_two_sheets(snap)
        context.update(
            figures=fig,
            judges=queries.judge_rows(fig),
            icc=icc,
            icc_minimum=ICC_MIN_APPLICATIONS,
            icc1_level=icc_verdict(icc.get("icc1"), scored_twice),
            icc1k_level=icc_verdict(icc.get("icc1k"), scored_twice),
        )
    return render_template("rankings/snapshot.html", **context)


@bp.route("/rankings/snapshots/<int:snapshot_id>/methods")
@organizer_only
def methods(snapshot_id: int):
    snap = queries.get_snapshot(snapshot_id)
    _check(snap.competition)
    if snap.kind != SnapshotKind.STAGE:
        raise NotFound()
    tabs = queries.category_tabs(snap)
    category = _category(tabs)
    fig = queries.figures(snap)
    rows = queries.side_by_side(fig, queries.category_entries(snap, category))
    page, per_page = _page(), 50
    return render_template(
        "rankings/methods.html",
        snapshot=snap,
        tabs=tabs,
        category=category,
        figures=fig,
        rows=rows[(page - 1) * per_page : page * per_page],
        page=page,
        pages=max(1, -(-len(rows) // per_page)),
        moved=sum(1 for r in rows if r.largest),
    )


@bp.route("/rankings/snapshots/<int:snapshot_id>/applications/<int:application_id>")
@organizer_only
def card(snapshot_id: int, application_id: int):
    snap = queries.get_snapshot(snapshot_id)
    _check(snap.competition)
    entry = queries.get_entry(snap, application_id)
    context = {"snapshot": snap, "entry": entry, "application": entry.application}
    if snap.kind == SnapshotKind.STAGE:
        fig = queries.figures(snap)
        sheets = queries.live_sheets(snap.stage, application_id)
        context.update(
            figures=fig,
            sheets=fig.sheets(entry),
            method_lines=fig.method_lines(entry),
            live=sheets,
            live_names=queries.judge_names(s.judge_id for s in sheets),
            criteria=(snap.diagnostics or {}).get("criteria") or [],
        )
    else:
        context.update(
            sources=queries.source_entries(snap, application_id),
            arithmetic=explain.final_arithmetic(entry),
        )
    return render_template("rankings/card.html", **context)


@bp.route("/rankings/stages/<int:stage_id>/history")
@organizer_only
def history(stage_id: int):
    stage = queries.get_stage(stage_id)
    _check(stage.competition)
    return render_template(
        "rankings/history.html",
        competition=stage.competition,
        stage=stage,
        snapshots=services.snapshot_history(stage, stage.competition),
    )


@bp.route("/rankings/competitions/<int:competition_id>/final/history")
@organizer_only
def final_history(competition_id: int):
    comp = queries.get_competition(competition_id)
    _check(comp)
    return render_template(
        "rankings/history.html",
        competition=comp,
        stage=None,
        snapshots=services.snapshot_history(None, comp),
    )


@bp.route("/rankings/snapshots/<int:snapshot_id>/compare")
@organizer_only
def compare(snapshot_id: int):
    snap = queries.get_snapshot(snapshot_id)
    _check(snap.competition)
    other_id = request.args.get("with", type=coerce_id)
    other = queries.get_snapshot(other_id) if other_id else services.previous_snapshot(snap)
    if other is not None and (
        other.competition_id != snap.competition_id
        or other.kind != snap.kind
        or other.stage_id != snap.stage_id
    ):
        raise NotFound()
    tabs = queries.category_tabs(snap)
    category = _category(tabs)
    rows = queries.compare(snap, other, category) if other is not None else []
    return render_template(
        "rankings/compare.html",
        snapshot=snap,
        other=other,
        tabs=tabs,
        category=category,
        rows=rows,
        changed=sum(1 for r in rows if r.change or r.before is None or r.after is None),
    )


@bp.route("/rankings/stages/<int:stage_id>/sheets.csv")
@organizer_only
def export(stage_id: int):
    stage = queries.get_stage(stage_id)
    _check(stage.competition)
    return _csv_response(services.export_sheets_csv(stage), stage)


@bp.route("/results/<int:competition_id>/sheets/<stage_kind>.csv")
@public
def published_sheets(competition_id: int, stage_kind: str):
    comp = queries.get_competition(competition_id)
    try:
        kind = StageKind(stage_kind)
    except ValueError:
        abort(404)
    stage = comp.stage(kind)
    if stage is None or not policies.can_download_published_sheets(comp, stage):
        abort(404)
    return _csv_response(services.export_sheets_csv(stage), stage)


def _csv_response(text: str, stage) -> Response:
    name = services.sheets_file_name(stage)
    # A BOM so spreadsheet programs read UTF-8; `venture rank` accepts it.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
