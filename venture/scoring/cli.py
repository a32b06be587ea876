"""`venture rank SHEETS`: rank one stage from a file of criterion scores.

Click only (no Flask), so ``python -m venture.scoring`` runs it standalone. Bad input
exits with status 2 and one message on stderr naming the line; never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

import click

from venture.scoring.engine import StageResult, score_stage
from venture.scoring.errors import DisconnectedPanelError, SheetValidationError
from venture.scoring.links import SYNTAX, Link, LinkError, parse_link
from venture.scoring.methods import METHODS
from venture.scoring.ranking import TieBreak
from venture.scoring.sheets_io import SheetFile, SheetFileError, read_sheets

FORMATS = ("table", "csv", "json")
FIELDS = ("rank", "application", "score", "sheets", "flags")


class BadInput(click.ClickException):
    exit_code = 2


@click.command("rank")
@click.argument("sheets", type=click.Path(path_type=Path))
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="trimmed",
    show_default=True,
    help="How an application's sheet totals become its score.",
)
@click.option(
    "--trim",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    metavar="K",
    help="trimmed: drop the K highest and K lowest totals.",
)
@click.option(
    "--tie-break",
    "tie_breaks",
    multiple=True,
    metavar="LINK",
    callback=lambda _ctx, _param, values: _links(values),
    help=f"Separate equal scores, in the order given (repeatable): {SYNTAX}. "
    "All but criterion:NAME read the column tie:LINK of SHEETS.",
)
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True
)
def rank_command(
    sheets: Path, method: str, trim: int, tie_breaks: tuple[Link, ...], output_format: str
) -> None:
    """Rank the applications of one stage from SHEETS (.csv or .xlsx).

    Columns: application, judge, criterion, score (empty or NA = not applicable) and
    optionally max (needed to rescale not-applicable criteria); tie:LINK columns hold
    the values of the --tie-break links that are not in the sheets themselves.
    """
    result, unused = _score_file(sheets, method, trim, tie_breaks)
    rows = [_row(entry) for entry in result.ranking]
    if output_format == "csv":
        click.echo(_as_csv(rows), nl=False)
    elif output_format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(_as_table(rows, result, tie_breaks))
    for note in _notes(result) + [
        f"column {c} is not used: add --tie-break {c[4:]} to use it" for c in unused
    ]:
        click.echo(f"note: {note}", err=True)


def _links(values) -> tuple[Link, ...]:
    try:
        return tuple(parse_link(value) for value in values)
    except LinkError as error:
        raise click.BadParameter(str(error), param_hint="--tie-break") from None


def _score_file(
    path: Path, method: str, trim: int, links: tuple[Link, ...]
) -> tuple[StageResult, list[str]]:
    try:
        sheet_file = read_sheets(path)
        tie_breaks = [_tie_break(sheet_file, link) for link in links]
        unused = sorted(set(sheet_file.tie_values) - {link.column for link in links})
        return score_stage(sheet_file.records, method, trim=trim, tie_breaks=tie_breaks), unused
    except SheetFileError as error:
        raise BadInput(str(error)) from None
    except SheetValidationError as error:
        where = f"line {error.line}: " if error.line else ""
        raise BadInput(where + error.message) from None
    except DisconnectedPanelError as error:
        raise BadInput(str(error)) from None


def _tie_break(sheet_file: SheetFile, link: Link) -> TieBreak:
    """The link's value of each application: a criterion's average from the sheets, the
    others from their tie:LINK column."""
    if link.column is None:
        return TieBreak(_criterion_averages(sheet_file, link.name), name=link.text)
    column = sheet_file.tie_values.get(link.column)
    if column is None:
        raise BadInput(
            f"--tie-break {link.text} needs the column {link.column} in the sheets file "
            f"({_NEEDS[link.kind]} of each application); the platform's sheets export has it"
        )
    values = {
        application: _tie_value(link, text, line)
        for application, (text, line) in column.items()
        if text
    }
    return TieBreak(values, descending=link.descending, name=link.text)


_NEEDS = {
    "criterion": "the average on that criterion in that stage",
    "stage": "the published score in that stage",
    "requested_amount": "the amount requested",
    "submitted_at": "the time of the first submission",
}


def _criterion_averages(sheet_file: SheetFile, name: str) -> dict:
    """Exact averages (n/a left out): equal averages compare equal, as on the platform."""
    sums: dict = {}
    for record in sheet_file.records:
        if str(record.criterion) == name and record.score is not None:
            total, count = sums.get(record.application, (Fraction(0), 0))
            sums[record.application] = (total + Fraction(record.score), count + 1)
    if not any(str(record.criterion) == name for record in sheet_file.records):
        raise BadInput(f"--tie-break criterion:{name}: the sheets have no criterion {name!r}")
    return {application: total / count for application, (total, count) in sums.items()}


def _tie_value(link: Link, text: str, line: int):
    try:
        if link.kind == "submitted_at":
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        number = Decimal(text)
        if number.is_finite():
            return number
    except (ValueError, InvalidOperation):
        pass
    expected = "a date and time (ISO 8601)" if link.kind == "submitted_at" else "a number"
    raise BadInput(f"line {line}: the {link.column} value {text!r} is not {expected}")


def _row(entry) -> dict:
    return {
        "rank": entry.rank,
        "application": str(entry.application),
        "score": format(entry.score, "f"),
        "sheets": entry.sheets,
        "flags": list(entry.flags),
    }


def _as_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(
            [row["rank"], row["application"], row["score"], row["sheets"], ";".join(row["flags"])]
        )
    return buffer.getvalue()


def describe_method(result: StageResult) -> str:
    if result.method == "trimmed":
        k = result.params["trim"]
        return f"trimmed mean, K={k} (drops the {k} highest and {k} lowest totals)"
    return {
        "mean": "mean of the sheet totals",
        "median": "median of the sheet totals",
        "zscore": "mean of the totals standardised per judge (z-score)",
        "bias": "additive judge-bias calibration (least squares)",
    }[result.method]


def _as_table(rows: list[dict], result: StageResult, links: tuple[Link, ...] = ()) -> str:
    judges = len(result.diagnostics.judges)
    sheets = sum(row["sheets"] for row in rows)
    header = (
        f"Method: {describe_method(result)} | {len(rows)} applications, "
        f"{sheets} sheets, {judges} judges"
    )
    if links:
        header += " | ties broken by " + " → ".join(link.text for link in links)
    cells = [["Rank", "Application", "Score", "Sheets", "Flags"]] + [
        [str(r["rank"]), r["application"], r["score"], str(r["sheets"]), ", ".join(r["flags"])]
        for r in rows
    ]
    widths = [max(_width(line[i]) for line in cells) for i in range(len(cells[0]))]
    right = (True, False, True, True, False)
    lines = [
        "  ".join(_pad(text, widths[i], right[i]) for i, text in enumerate(line)).rstrip()
        for line in cells
    ]
    return "\n".join([header, "", *lines, *_reliability_line(result)])


def _reliability_line(result: StageResult) -> list[str]:
    reliability = result.diagnostics.reliability
    if reliability.icc1 is None or reliability.icc1k is None:
        return ["", "Reliability: ICC cannot be computed for this stage."]
    return [
        "",
        f"Reliability: ICC(1) = {reliability.icc1:.2f}, "
        f"ICC(1,k) = {reliability.icc1k:.2f} with k = {reliability.k:.2f}",
    ]


def _notes(result: StageResult) -> list[str]:
    notes = [
        f"application {a} has no sheet with a score (all criteria n/a): not ranked"
        for a in result.unscored
    ]
    notes += [
        f"judge {judge}'s totals were not standardised: {why}"
        for judge, why in result.unstandardised_judges
    ]
    return notes


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    padding = " " * (width - _width(text))
    return padding + text if right else text + padding
