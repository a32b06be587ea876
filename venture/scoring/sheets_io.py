"""Reading a stage's criterion scores from a .csv or .xlsx file (csv and openpyxl only).

The file has a header row and the columns ``application``, ``judge``, ``criterion``,
``score`` and optionally ``max`` (names are matched case-insensitively; other columns
are ignored). One row per criterion score; ``score`` is a number, or empty / ``NA``
(also ``N/A``, any case) for "not applicable". Blank rows are skipped. Line numbers
count the header as line 1 (for CSV, the physical line where the row ends).

Columns named ``tie:LINK`` hold the values of a tie-break link (see ``scoring.links``):
one value per application, repeated on its rows (empty: no value).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from venture.scoring.links import COLUMN_PREFIX
from venture.scoring.totals import CriterionScore

REQUIRED_COLUMNS = ("application", "judge", "criterion", "score")
MAX_COLUMN = "max"
NOT_APPLICABLE = frozenset({"", "na", "n/a"})
EXTENSIONS = (".csv", ".xlsx")


class SheetFileError(Exception):
    """The file cannot be used; ``line`` is the row at fault when there is one."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class SheetFile:
    records: list[CriterionScore]
    has_max: bool
    # tie:LINK column -> application -> (value as text, "" for none; line)
    tie_values: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)


def read_sheets(path: str | Path) -> SheetFile:
    """Parse the file into criterion records (the engine checks the scoring rules)."""
    path = Path(path)
    if path.suffix.lower() not in EXTENSIONS:
        raise SheetFileError(f"{path.name}: expected a .csv or .xlsx file")
    rows = _csv_rows(path) if path.suffix.lower() == ".csv" else _xlsx_rows(path)
    header = next(rows, None)
    if header is None:
        raise SheetFileError(
            f"{path.name} is empty: expected a header row ({', '.join(REQUIRED_COLUMNS)}[, max])"
        )
    columns = _columns(header[1])
    tie_columns = _tie_columns(header[1])
    has_max = MAX_COLUMN in columns
    records, tie_values = [], {name: {} for name in tie_columns}
    for line, cells in rows:
        record = _record(line, cells, columns, has_max)
        records.append(record)
        for name, position in tie_columns.items():
            _tie_value(
                tie_values[name],
                name,
                record.application,
                _cell_text(cells[position] if position < len(cells) else None),
                line,
            )
    if not records:
        raise SheetFileError(f"{path.name} has a header but no score rows", line=1)
    return SheetFile(records, has_max, tie_values)


def _tie_columns(header: list[Any]) -> dict[str, int]:
    """``tie:LINK`` columns by name (the prefix in any case, the link as written)."""
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = _text(cell)
        if name[: len(COLUMN_PREFIX)].lower() == COLUMN_PREFIX:
            name = COLUMN_PREFIX + name[len(COLUMN_PREFIX) :].strip()
            if name in columns:
                raise SheetFileError(f"column {name!r} appears twice", line=1)
            columns[name] = position
    return columns


def _tie_value(values: dict, column: str, application: str, value: str, line: int) -> None:
    seen = values.setdefault(application, (value, line))
    if seen[0] != value:
        raise SheetFileError(
            f"application {application} has {column} {value or 'empty'!r} here but "
            f"{seen[0] or 'empty'!r} on line {seen[1]}: one value per application",
            line=line,
        )


def _cell_text(value: Any) -> str:
    """A tie-break cell as text: a workbook's dates in ISO 8601, its numbers as written."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return _text(value)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise SheetFileError(f"cannot read {path}: {error.strerror or error}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield reader.line_num, cells
        except UnicodeDecodeError:
            raise SheetFileError("the file is not UTF-8 text", line=reader.line_num + 1) from None
        except csv.Error as error:
            raise SheetFileError(f"unreadable CSV: {error}", line=reader.line_num) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # only needed for workbooks

    try:
        workbook = load_workbook(path, data_only=True)
    except OSError as error:
        raise SheetFileError(f"cannot read {path}: {error.strerror or error}") from None
    except Exception as error:  # zipfile, XML and openpyxl errors alike: not a workbook
        raise SheetFileError(
            f"cannot read {path.name} as an .xlsx workbook ({type(error).__name__})"
        ) from None
    sheet = workbook.worksheets[0]
    for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if any(_text(cell) for cell in cells):
            yield line, list(cells)


def _columns(header: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = _text(cell).lower()
        if name in (*REQUIRED_COLUMNS, MAX_COLUMN):
            if name in columns:
                raise SheetFileError(f"column {name!r} appears twice", line=1)
            columns[name] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise SheetFileError(
            f"missing column(s): {', '.join(missing)} (the header needs "
            f"{', '.join(REQUIRED_COLUMNS)}, and optionally max)",
            line=1,
        )
    return columns


def _record(line: int, cells: list[Any], columns: dict[str, int], has_max: bool) -> CriterionScore:
    def cell(name: str) -> Any:
        position = columns[name]
        return cells[position] if position < len(cells) else None

    ids = []
    for name in ("application", "judge", "criterion"):
        value = _id_text(cell(name))
        if not value:
            raise SheetFileError(f"the {name} is empty", line=line)
        ids.append(value)
    score = _number(cell("score"), "score", line, allow_not_applicable=True)
    maximum = _number(cell(MAX_COLUMN), "max", line) if has_max else None
    if score is None and not has_max:
        raise SheetFileError(
            "the score is not applicable (NA), and the max column is needed "
            "for not-applicable rescaling: add a max column",
            line=line,
        )
    if maximum is not None and maximum <= 0:
        raise SheetFileError(f"max {maximum} must be above 0", line=line)
    return CriterionScore(*ids, score=score, max=maximum, line=line)


def _number(value: Any, name: str, line: int, allow_not_applicable: bool = False) -> Decimal | None:
    if isinstance(value, bool):
        raise SheetFileError(f"the {name} {value} is not a number", line=line)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _text(value)
        if text.lower() in NOT_APPLICABLE:
            if allow_not_applicable:
                return None
            raise SheetFileError(f"the {name} is empty", line=line)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise SheetFileError(f"the {name} {text!r} is not a number", line=line) from None
    if not number.is_finite():
        raise SheetFileError(f"the {name} {value!r} is not a finite number", line=line)
    return number


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _id_text(value: Any) -> str:
    """An id as written: a workbook's 101.0 (numbers are floats there) reads as 101."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)
