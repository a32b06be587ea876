"""Decisions and final results: every decision beside the funding line's proposal, and
the money per category."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.errors import ValidationError
from venture.extensions import db
from venture.rankings.models import FundingOutcome
from venture.reports.exports import ExportFile, ExportKind, ExportRequest, Progress, file_name
from venture.reports.labels import label, yes_no
from venture.reports.xlsx import Column, Sheet, workbook_bytes
from venture.results.models import Decision
from venture.results.services import budget_summary, decisions_of, publication_of
from venture.templating import format_local


def count(request: ExportRequest) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Decision.id)).where(
                Decision.competition_id == request.competition.id
            )
        )
        or 0
    )


def _status_note(competition) -> str:
    publication = publication_of(competition)
    if publication is None:
        return ""
    note = _("Status: %(status)s.", status=label(publication.status))
    if publication.finalized_at:
        note += " " + _("Final since %(when)s.", when=format_local(publication.finalized_at))
    elif publication.publicity_ends_at:
        note += " " + _(
            "Public notice until %(when)s.", when=format_local(publication.publicity_ends_at)
        )
    return note


def build(request: ExportRequest, progress: Progress) -> ExportFile:
    competition = request.competition
    decisions = decisions_of(competition)
    if not decisions:
        raise ValidationError(_("There are no decisions for this competition yet."))
    progress(50, _("Decisions loaded"))
    note = _status_note(competition)
    rows = [
        [
            d.rank,
            d.application.code or "",
            d.application.project_name,
            d.application.organization.name,
            d.category.name if d.category else "",
            "；".join(c.path for c in d.application.communities),
            d.score,
            d.application.requested_fen,
            label(d.proposed_outcome),
            d.proposed_fen,
            label(d.outcome),
            d.approved_fen,
            yes_no(d.differs_from_line),
            d.reason,
            d.changed_by.display_name if d.changed_by else "",
        ]
        for d in decisions
    ]
    sheet = Sheet(
        _("Decisions"),
        [
            Column(_l("Rank in the category"), "int"),
            Column(_l("Code")),
            Column(_l("Project")),
            Column(_l("Organization")),
            Column(_l("Category")),
            Column(_l("Host communities")),
            Column(_l("Score"), "decimal"),
            Column(_l("Amount requested (yuan)"), "money"),
            Column(_l("Proposed by the funding line")),
            Column(_l("Proposed amount (yuan)"), "money"),
            Column(_l("Decision")),
            Column(_l("Approved amount (yuan)"), "money"),
            Column(_l("Differs from the funding line")),
            Column(_l("Reason"), width=40),
            Column(_l("Changed by")),
        ],
        rows,
        note=note,
    )
    funded = [r for r, d in zip(rows, decisions, strict=True) if d.outcome == FundingOutcome.FUNDED]
    final = Sheet(
        _("Funded projects"),
        [
            Column(_l("Code")),
            Column(_l("Project")),
            Column(_l("Organization")),
            Column(_l("Category")),
            Column(_l("Host communities")),
            Column(_l("Score"), "decimal"),
            Column(_l("Approved amount (yuan)"), "money"),
        ],
        [[r[1], r[2], r[3], r[4], r[5], r[6], r[11]] for r in funded],
        note=note,
    )
    budgets = Sheet(
        _("By category"),
        [
            Column(_l("Category")),
            Column(_l("Budget (yuan)"), "money"),
            Column(_l("Funded projects"), "int"),
            Column(_l("Approved (yuan)"), "money"),
            Column(_l("Remaining (yuan)"), "money"),
            Column(_l("Used by the funding line (yuan)"), "money"),
        ],
        [
            [b.name, b.budget_fen, b.funded, b.used_fen, b.budget_fen - b.used_fen, b.line_used_fen]
            for b in budget_summary(competition, decisions)
        ],
    )
    return ExportFile(
        file_name(request, _("results")), workbook_bytes([sheet, final, budgets]), rows=len(rows)
    )


KIND = ExportKind(
    "results",
    _l("Decisions and final results"),
    _l(
        "Every decision beside the funding line's proposal with the reasons for changes, the funded projects, "
        "and the money per category."
    ),
    "competition",
    build,
    count,
)
