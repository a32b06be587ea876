"""A scoring stage's numbers: the score matrix (applications × judges, sheet totals and
one sheet per criterion), the ranking with its flags (from the stage's latest ranking
snapshot), and the submitted sheets in the ``venture rank`` format (xlsx and CSV)."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.accounts.models import User
from venture.applications.models import Application
from venture.competitions.models import RubricCriterion
from venture.errors import ValidationError
from venture.extensions import db
from venture.judging.models import Assignment, AssignmentStatus, ScoreSheet, SheetScore, SheetStatus
from venture.judging.services.sheets import stage_sheet_totals
from venture.orgs.models import Organization
from venture.rankings import export
from venture.rankings.labels import method_label
from venture.rankings.models import SnapshotEntry
from venture.rankings.queries import latest_stage_snapshot
from venture.reports.exports import CSV, ExportFile, ExportKind, ExportRequest, Progress, file_name
from venture.reports.labels import flags_text, yes_no
from venture.reports.xlsx import Column, Sheet, workbook_bytes
from venture.scoring import METHODS


def _applications(ids) -> dict[int, tuple]:
    """id -> (code, project name, category name) of these applications, by code."""
    from venture.competitions.models import Category

    rows = db.session.execute(
        sa.select(Application.id, Application.code, Application.project_name, Category.name)
        .outerjoin(Category, Category.id == Application.category_id)
        .where(Application.id.in_(set(ids) or {0}))
    ).all()
    return {
        r[0]: (r[1] or f"#{r[0]}", r[2], r[3] or "")
        for r in sorted(rows, key=lambda r: (r[1] or "", r[0]))
    }


# --- the score matrix ---------------------------------------------------------------------


def matrix_count(request: ExportRequest) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(ScoreSheet.application_id))).where(
                ScoreSheet.stage_id == request.stage.id
            )
        )
        or 0
    )


def build_matrix(request: ExportRequest, progress: Progress) -> ExportFile:
    stage = request.stage
    totals = stage_sheet_totals(stage)
    assigned = set(
        db.session.scalars(
            sa.select(Assignment.application_id).where(
                Assignment.stage_id == stage.id, Assignment.status == AssignmentStatus.ACTIVE
            )
        )
    )
    apps = _applications(assigned | {t.application_id for t in totals})
    judges = sorted(
        db.session.scalars(sa.select(User).where(User.id.in_({t.judge_id for t in totals} or {0}))),
        key=lambda u: (u.display_name, u.id),
    )
    progress(20, _("Sheet totals loaded"))
    by_pair = {(t.application_id, t.judge_id): t.total for t in totals}
    head = [Column(_l("Code")), Column(_l("Project")), Column(_l("Category"))]
    judge_columns = [Column(j.display_name, "decimal") for j in judges]
    rows = []
    for app_id, (code, name, category) in apps.items():
        values = [by_pair.get((app_id, j.id)) for j in judges]
        given = [v for v in values if v is not None]
        rows.append(
            [
                code,
                name,
                category,
                *values,
                len(given),
                sum(given, Decimal(0)) / len(given) if given else None,
                min(given) if given else None,
                max(given) if given else None,
            ]
        )
    sheets = [
        Sheet(
            _("Sheet totals"),
            [
                *head,
                *judge_columns,
                Column(_l("Sheets"), "int"),
                Column(_l("Mean"), "decimal"),
                Column(_l("Lowest"), "decimal"),
                Column(_l("Highest"), "decimal"),
            ],
            rows,
            note=_(
                "Sheet totals of submitted sheets; criteria marked not applicable are left out and the "
                "total rescaled to the whole rubric."
            ),
        )
    ]
    sheets += _criterion_sheets(request, apps, judges, head, progress)
    progress(90, _("Writing the workbook"))
    return ExportFile(file_name(request, _("score-matrix")), workbook_bytes(sheets), rows=len(rows))


def _criterion_sheets(request, apps, judges, head, progress) -> list[Sheet]:
    rows = db.session.execute(
        sa.select(
            ScoreSheet.application_id,
            ScoreSheet.judge_id,
            SheetScore.criterion_id,
            SheetScore.score,
            SheetScore.not_applicable,
        )
        .join(SheetScore, SheetScore.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.stage_id == request.stage.id, ScoreSheet.status == SheetStatus.SUBMITTED)
    ).all()
    criteria = list(
        db.session.scalars(
            sa.select(RubricCriterion)
            .where(RubricCriterion.id.in_({r[2] for r in rows} or {0}))
            .order_by(RubricCriterion.rubric_id, RubricCriterion.position)
        )
    )
    cells: dict = {}
    for app_id, judge_id, criterion_id, score, not_applicable in rows:
        cells[(criterion_id, app_id, judge_id)] = (
            _("n/a") if not_applicable or score is None else score
        )
    sheets = []
    for n, criterion in enumerate(criteria, start=1):
        maximum = format(criterion.max_score.normalize(), "f")
        sheets.append(
            Sheet(
                f"{n}. {criterion.name}",
                [*head, *(Column(j.display_name, "decimal") for j in judges)],
                [
                    [
                        code,
                        name,
                        category,
                        *(cells.get((criterion.id, app_id, j.id)) for j in judges),
                    ]
                    for app_id, (code, name, category) in apps.items()
                ],
                note=_("%(name)s, out of %(max)s.", name=criterion.name, max=maximum),
            )
        )
        progress(
            20 + 70 * n // max(len(criteria), 1),
            _("Criterion %(n)d of %(all)d", n=n, all=len(criteria)),
        )
    return sheets


# --- the ranking --------------------------------------------------------------------------


def ranking_count(request: ExportRequest) -> int:
    snapshot = latest_stage_snapshot(request.stage)
    return (
        db.session.scalar(
            sa.select(sa.func.count(SnapshotEntry.id)).where(
                SnapshotEntry.snapshot_id == snapshot.id
            )
        )
        if snapshot
        else 0
    )


def build_ranking(request: ExportRequest, progress: Progress) -> ExportFile:
    from venture.competitions.models import Category
    from venture.templating import format_local

    snapshot = latest_stage_snapshot(request.stage)
    if snapshot is None:
        raise ValidationError(_("No ranking has been computed for this stage yet."))
    rows = db.session.execute(
        sa.select(
            SnapshotEntry,
            Application.code,
            Application.project_name,
            Organization.name,
            Category.name,
        )
        .join(Application, Application.id == SnapshotEntry.application_id)
        .join(Organization, Organization.id == Application.organization_id)
        .outerjoin(Category, Category.id == SnapshotEntry.category_id)
        .where(SnapshotEntry.snapshot_id == snapshot.id)
        .order_by(SnapshotEntry.position)
    ).all()
    methods = list((snapshot.diagnostics or {}).get("methods") or METHODS)
    progress(50, _("Ranking loaded"))
    columns = [
        Column(_l("Position"), "int"),
        Column(_l("Rank in the category"), "int"),
        Column(_l("Code")),
        Column(_l("Project")),
        Column(_l("Organization")),
        Column(_l("Category")),
        Column(_l("Score"), "decimal"),
        Column(_l("Sheets"), "int"),
        Column(_l("Flags")),
        Column(_l("Advances")),
    ]
    columns += [Column(_("Score: %(method)s", method=method_label(m)), "decimal") for m in methods]
    data = []
    for entry, code, name, org, category in rows:
        scores = (entry.details or {}).get("scores") or []
        data.append(
            [
                entry.position,
                entry.rank,
                code or f"#{entry.application_id}",
                name,
                org,
                category or "",
                entry.score,
                entry.sheets,
                flags_text(entry.flags),
                yes_no(entry.advanced),
                *(
                    Decimal(str(scores[i])) if i < len(scores) and scores[i] is not None else None
                    for i in range(len(methods))
                ),
            ]
        )
    note = _(
        "Computed %(when)s with %(method)s from %(n)d sheets.",
        when=format_local(snapshot.created_at),
        method=method_label(snapshot.method),
        n=snapshot.sheet_count,
    )
    sheet = Sheet(_("Ranking"), columns, data, note=note)
    return ExportFile(file_name(request, _("ranking")), workbook_bytes([sheet]), rows=len(data))


# --- the sheets in the `venture rank` format --------------------------------------------------


def rank_rows(request: ExportRequest) -> tuple[tuple[str, ...], list[tuple]]:
    return export.rank_rows(request.stage)


def rank_count(request: ExportRequest) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(SheetScore.id))
            .join(ScoreSheet, ScoreSheet.id == SheetScore.sheet_id)
            .where(
                ScoreSheet.stage_id == request.stage.id, ScoreSheet.status == SheetStatus.SUBMITTED
            )
        )
        or 0
    )


def build_rank_csv(request: ExportRequest, progress: Progress) -> ExportFile:
    ties, rows = rank_rows(request)
    return ExportFile(
        file_name(request, "sheets", "csv"),
        export.rows_csv(ties, rows).encode("utf-8"),
        CSV,
        rows=len(rows),
    )


def build_rank_xlsx(request: ExportRequest, progress: Progress) -> ExportFile:
    ties, rows = rank_rows(request)
    progress(50, _("Sheets loaded"))
    # The column names are the format's, in every language: `venture rank` reads them. The
    # tie-break cells stay text, exactly as in the CSV.
    sheet = Sheet(
        "sheets",
        [
            Column("application"),
            Column("judge"),
            Column("criterion"),
            Column("score", "decimal"),
            Column("max", "decimal"),
            *(Column(name) for name in ties),
        ],
        [
            (code, judge, criterion, "NA" if score is None else score, maximum, *cells)
            for code, judge, criterion, score, maximum, cells in rows
        ],
    )
    return ExportFile(file_name(request, "sheets"), workbook_bytes([sheet]), rows=len(rows))


KINDS = [
    ExportKind(
        "score_matrix",
        _l("Score matrix"),
        _l(
            "Applications × judges with every sheet total, and one sheet per criterion. Prepared in the "
            "background."
        ),
        "stage",
        build_matrix,
        matrix_count,
        background=True,
    ),
    ExportKind(
        "ranking",
        _l("Ranking with flags"),
        _l(
            "The stage's latest computed ranking: scores by every method, ranks, flags and who advances."
        ),
        "stage",
        build_ranking,
        ranking_count,
    ),
    ExportKind(
        "rank_sheets",
        _l("Sheets for venture rank (Excel)"),
        _l(
            "Every submitted criterion score: application code, judge pseudonym, criterion, score, maximum — "
            "the input of the venture rank command, to recompute the ranking independently."
        ),
        "stage",
        build_rank_xlsx,
        rank_count,
    ),
    ExportKind(
        "rank_sheets_csv",
        _l("Sheets for venture rank (CSV)"),
        _l("The same rows as a UTF-8 CSV file."),
        "stage",
        build_rank_csv,
        rank_count,
    ),
]
