"""Paper fallback for the roadshow: an xlsx template (one worksheet per judge, one row per
project, one column per criterion) and the upload of the filled sheets, all rows checked
before anything is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from venture.accounts.models import Role, User
from venture.audit.services import record
from venture.competitions.locks import ensure_unlocked
from venture.db import service, utcnow
from venture.errors import ValidationError
from venture.extensions import db
from venture.files.services import path_of, store_upload
from venture.i18n import current_locale_code
from venture.judging.models import (
    Assignment,
    AssignmentStatus,
    RoadshowSession,
    ScoreSheet,
    SheetScore,
    SheetStatus,
)
from venture.judging.services.conflicts import detect
from venture.judging.services.roadshow import session_judges
from venture.judging.services.sheets import parse_score
from venture.reports import xlsx
from venture.reports.xlsx import RowError

NA_WORDS = {"不适用", "n/a", "na", "-"}
HEADER_ROW = 4
EMAIL_ROW = 2
EMAIL_CELL = f"B{EMAIL_ROW}"
# Headers in Chinese first, then English: a template downloaded in either language reads back.
CODE_NAMES = ("项目编号", "Application code")
COMMENT_NAMES = ("总体评语", "Overall comment")


def _email_label() -> str:
    return _("Email")


def _criterion_header(criterion) -> str:
    # The note in brackets is ignored when the header is read back.
    return _(
        "%(name)s (max %(max)s)",
        name=criterion.name,
        max=format(criterion.max_score.normalize(), "f"),
    )


def template(session: RoadshowSession) -> bytes:
    """The template in the organizer's language; either language reads back."""
    rubric = session.stage.rubric
    criteria = rubric.criteria if rubric else []
    columns = {c.key: c for c in _columns(criteria)}
    wb = Workbook()
    wb.remove(wb.active)
    judges = session_judges(session) or [None]
    used_titles = set()
    for judge in judges:
        title = _sheet_title(judge.display_name if judge else _("Judge"), used_titles)
        ws = wb.create_sheet(title)
        ws["A1"], ws["B1"] = _("Judge"), xlsx.safe_cell(judge.display_name if judge else "")
        ws[f"A{EMAIL_ROW}"], ws[EMAIL_CELL] = (
            _email_label(),
            xlsx.safe_cell(judge.email if judge else ""),
        )
        ws["A3"] = xlsx.safe_cell(f"{session.name}（{session.venue}）")
        header = (
            [columns["code"].header, _("Project name")]
            + [_criterion_header(c) for c in criteria]
            + [columns["comment"].header]
        )
        for column, text in enumerate(header, start=1):
            cell = ws.cell(row=HEADER_ROW, column=column, value=text)
            cell.font = Font(bold=True)
        for offset, slot in enumerate(sorted(session.slots, key=lambda s: s.position), start=1):
            ws.cell(
                row=HEADER_ROW + offset,
                column=1,
                value=xlsx.safe_cell(slot.application.display_code),
            )
            ws.cell(
                row=HEADER_ROW + offset,
                column=2,
                value=xlsx.safe_cell(slot.application.project_name),
            )
        ws.column_dimensions["A"].width = 14
        ws.column_dimensions["B"].width = 32
    notes = wb.create_sheet(xlsx.INSTRUCTIONS_TITLES[0 if current_locale_code() == "zh_CN" else 1])
    for line in (
        _(
            "One worksheet per judge; do not change rows 1–4, the application codes or the column names."
        ),
        _(
            "Each score is a number from 0 to the maximum in steps of 0.5; a criterion that allows it "
            "may be marked n/a."
        ),
        _(
            "Leave the whole row empty for a project the judge did not score; a scored project needs "
            "every criterion."
        ),
    ):
        notes.append([line])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or _("Judge")
    candidate, n = title, 2
    while candidate in used:
        candidate, n = f"{title}{n}", n + 1
    used.add(candidate)
    return candidate


@dataclass
class PaperSheet:
    judge: User
    application_id: int
    sheet: str  # where the row is in the file, for errors found across rows
    row: int
    column: str  # the application code's column as named in the file
    scores: dict[int, tuple[Decimal | None, bool]] = field(default_factory=dict)
    comment: str = ""


class PaperRejected(xlsx.ImportRejected):
    def __init__(self, errors: list[RowError]):
        super().__init__(
            errors, _("Nothing was stored: %(count)d problem(s) in the file.", count=len(errors))
        )


NA = object()  # a cell marked not applicable


def _score_column(criterion) -> xlsx.ImportColumn:
    def parse(value):
        text = xlsx.cell_text(value)
        if text.lower() in NA_WORDS:
            if not criterion.allow_na:
                raise ValueError(
                    _("%(name)s cannot be marked not applicable.", name=criterion.name)
                )
            return NA
        score, problem = parse_score(text, criterion)
        if problem:
            raise ValueError(problem)
        return score

    # Not required: a row the judge did not score on paper stays empty.
    return xlsx.ImportColumn(f"c{criterion.id}", (criterion.name,), parse, required=False)


def _columns(criteria) -> list[xlsx.ImportColumn]:
    return [
        xlsx.ImportColumn("code", CODE_NAMES, xlsx.cell_text, required=False),
        *[_score_column(c) for c in criteria],
        xlsx.ImportColumn("comment", COMMENT_NAMES, xlsx.parse_text(5000), required=False),
    ]


@dataclass
class _Reading:
    """What read_paper gathers across a file's worksheets."""

    criteria: list
    columns: list[xlsx.ImportColumn]
    slots: dict  # application code -> the session's slot
    sheets: list[PaperSheet] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    seen: set[tuple[int, int]] = field(default_factory=set)  # (judge id, application id)


def read_paper(session: RoadshowSession, data: bytes) -> tuple[list[PaperSheet], list[RowError]]:
    """Every worksheet (one per judge) read with the shared reader, then checked."""
    book = xlsx.open_workbook(data)
    criteria = session.stage.rubric.criteria
    reading = _Reading(
        criteria, _columns(criteria), {s.application.display_code: s for s in session.slots}
    )
    for ws in xlsx.data_sheets(book):
        _read_worksheet(reading, ws)
    book.close()
    sheets, errors = reading.sheets, reading.errors
    errors.extend(_check_pairs(session, sheets))
    if not sheets and not errors:
        errors.append(RowError(HEADER_ROW + 1, "", _("The file holds no scores.")))
    return sheets, xlsx.sort_errors(errors)


def _read_worksheet(reading: _Reading, ws) -> None:
    """One judge's worksheet: the judge by the email at the top, then a row per project."""
    rows = list(ws.iter_rows(values_only=True))
    where = ws.title
    cells = rows[EMAIL_ROW - 1] if len(rows) >= EMAIL_ROW else ()
    email = xlsx.cell_text(cells[1]).lower() if len(cells) > 1 and cells[1] else ""
    judge = (
        db.session.scalar(sa.select(User).where(User.email == email, User.role == Role.JUDGE))
        if email
        else None
    )
    if judge is None:
        reading.errors.append(
            RowError(
                EMAIL_ROW,
                _email_label(),
                _("Unknown judge: %(email)s.", email=email or "—"),
                where,
            )
        )
        return
    result = _read_scores_table(reading, rows, where)
    if result is None:
        return
    reading.errors.extend(result.errors)
    for number, values in result.rows:
        _read_row(reading, judge, result, where, number, values)


def _read_scores_table(reading: _Reading, rows: list, where: str) -> xlsx.ImportResult | None:
    """The worksheet's table; None (with the errors noted) when its headers are unusable or a
    criterion's column is missing."""
    try:
        result = xlsx.read_table(
            rows[HEADER_ROW - 1 :], reading.columns, header_row=HEADER_ROW, sheet=where
        )
    except xlsx.ImportRefused as refused:
        reading.errors.append(RowError(HEADER_ROW, "", str(refused.message), where))
        return None
    missing = [c for c in reading.criteria if f"c{c.id}" not in result.headers]
    for c in missing:
        reading.errors.append(
            RowError(
                HEADER_ROW, c.name, _("The column for %(name)s is missing.", name=c.name), where
            )
        )
    return None if missing else result


def _read_row(
    reading: _Reading, judge: User, result: xlsx.ImportResult, where: str, number: int, values
) -> None:
    """One project's row: a sheet for the judge, with an error for each score not given."""
    criteria, columns = reading.criteria, reading.columns
    scores = {c.id: values[f"c{c.id}"] for c in criteria}
    if all(v is None for v in scores.values()):
        return  # the judge did not score this project on paper
    code = values["code"] or ""
    code_column = result.column_name("code", columns)
    slot = reading.slots.get(code)
    if slot is None:
        reading.errors.append(
            RowError(
                number,
                code_column,
                _(
                    "Unknown application %(code)s: it is not in this session.",
                    code=code or "—",
                ),
                where,
            )
        )
        return
    sheet = PaperSheet(
        judge,
        slot.application_id,
        where,
        number,
        code_column,
        comment=values["comment"] or "",
    )
    for c in criteria:
        if scores[c.id] is None:
            reading.errors.append(
                RowError(
                    number,
                    result.column_name(f"c{c.id}", columns),
                    _("%(name)s: give a score.", name=c.name),
                    where,
                )
            )
        sheet.scores[c.id] = (None, True) if scores[c.id] is NA else (scores[c.id], False)
    if (judge.id, slot.application_id) in reading.seen:
        reading.errors.append(
            RowError(
                number,
                code_column,
                _("%(code)s is listed twice for this judge.", code=code),
                where,
            )
        )
    reading.seen.add((judge.id, slot.application_id))
    reading.sheets.append(sheet)


def _check_pairs(session: RoadshowSession, sheets: list[PaperSheet]) -> list[RowError]:
    """Judges must be assigned to the project, without a conflict, and not have submitted online."""
    if not sheets:
        return []
    apps = {s.application.id: s.application for s in session.slots}
    assigned = set(
        db.session.execute(
            sa.select(Assignment.application_id, Assignment.judge_id).where(
                Assignment.stage_id == session.stage_id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
        ).all()
    )
    submitted = set(
        db.session.execute(
            sa.select(ScoreSheet.application_id, ScoreSheet.judge_id).where(
                ScoreSheet.stage_id == session.stage_id, ScoreSheet.status == SheetStatus.SUBMITTED
            )
        ).all()
    )
    conflicted = detect({s.judge.id for s in sheets}, list(apps.values()))
    errors = []
    for s in sheets:
        pair = (s.application_id, s.judge.id)
        names = {"judge": s.judge.display_name, "code": apps[s.application_id].display_code}
        if pair in conflicted:
            message = _("%(judge)s has a conflict of interest with %(code)s.", **names)
        elif pair not in assigned:
            message = _("%(judge)s is not a judge of %(code)s.", **names)
        elif pair in submitted:
            message = _("%(judge)s has already submitted %(code)s online.", **names)
        else:
            continue
        errors.append(RowError(s.row, s.column, message, s.sheet))
    return errors


@service
def import_paper(session: RoadshowSession, upload, actor: User) -> int:
    """Store the paper sheets of a session as submitted score sheets: all or nothing."""
    ensure_unlocked(
        session.stage.competition,
        action="judging.roadshow_paper",
        object_type="roadshow_session",
        object_id=session.id,
        actor=actor,
        stage_kind=session.stage.kind,
    )
    if session.stage.rubric is None:
        raise ValidationError(_("This stage has no rubric yet."))
    stored = store_upload(upload, user=actor, allowed_kinds=("excel",), max_bytes=5 * 1024 * 1024)
    db.session.flush()
    sheets, errors = read_paper(session, path_of(stored).read_bytes())
    if errors:
        raise PaperRejected(errors)
    rubric = session.stage.rubric
    for paper in sheets:
        sheet = db.session.scalar(
            sa.select(ScoreSheet).where(
                ScoreSheet.stage_id == session.stage_id,
                ScoreSheet.application_id == paper.application_id,
                ScoreSheet.judge_id == paper.judge.id,
            )
        )
        if sheet is None:
            sheet = ScoreSheet(
                stage_id=session.stage_id,
                application_id=paper.application_id,
                judge_id=paper.judge.id,
                rubric_id=rubric.id,
                version=0,
            )
            db.session.add(sheet)
        sheet.scores.clear()
        db.session.flush()
        for cid, (score, na) in paper.scores.items():
            sheet.scores.append(SheetScore(criterion_id=cid, score=score, not_applicable=na))
        sheet.overall_comment = paper.comment
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = utcnow()
        sheet.version += 1
        db.session.flush()
        record(
            "judging.sheet_paper",
            sheet,
            actor=actor,
            changes={
                "judge_id": paper.judge.id,
                "application_id": paper.application_id,
                "scores": {
                    str(cid): "n/a" if na else score for cid, (score, na) in paper.scores.items()
                },
            },
        )
    record(
        "judging.roadshow_paper",
        session,
        actor=actor,
        changes={"sheets": len(sheets), "file": stored.id},
    )
    return len(sheets)
