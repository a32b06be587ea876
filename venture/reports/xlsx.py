"""Excel in and out (openpyxl), the same way everywhere.

Out: headers in the reader's language, a frozen header row, sensible widths, numbers as
numbers, money with two decimals, dates as dates, and no cell that starts a formula.
In: a template with the expected columns, every row validated before anything is
stored, and errors reported per row and column; malformed, huge or zip-bomb files are
refused with a message.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from venture.errors import ValidationError
from venture.i18n import current_locale_code

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def safe_cell(value):
    """Text that would start a formula is written with a leading apostrophe (CSV/xlsx injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One exported column: its header (English source, translated) and its kind."""

    header: object  # a lazy string
    kind: str = "text"  # text, int, decimal, money (fen → yuan), date, datetime, percent
    width: int | None = None


NUMBER_FORMATS = {"int": "0", "decimal": "0.00", "money": "#,##0.00", "date": "yyyy-mm-dd",
                  "datetime": "yyyy-mm-dd hh:mm", "percent": "0.00%"}


def _convert(value, kind: str):
    if value is None:
        return None
    if kind == "money":
        return float((Decimal(value) / 100).quantize(Decimal("0.01")))
    if kind == "decimal":
        return float(Decimal(str(value)))
    if kind == "datetime" and isinstance(value, dt.datetime):
        from venture.templating import to_local

        return to_local(value).replace(tzinfo=None)
    if kind == "text":
        return safe_cell(str(value))
    return value


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    note: str = ""


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Write sheets into one xlsx file (in the current user's language)."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(title=_sheet_title(spec.title))
        headers = [str(c.header) for c in spec.columns]
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        widths = [max(len(h) * (2 if current_locale_code() == "zh_CN" else 1), 8) for h in headers]
        for row in spec.rows:
            values = [_convert(v, c.kind) for v, c in zip(row, spec.columns, strict=True)]
            ws.append(values)
            for i, value in enumerate(values):
                widths[i] = max(widths[i], min(_display_len(value), 60))
        for i, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = (column.width or widths[i - 1]) + 2
            number_format = NUMBER_FORMATS.get(column.kind)
            if number_format:
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = number_format
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in str(title) if ch not in '[]:*?/\\')
    return cleaned[:31] or "Sheet"


def _display_len(value) -> int:
    if value is None:
        return 0
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# --- import ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportColumn:
    """An expected column: the names it may have (Chinese and English) and how to parse it."""

    key: str
    names: tuple[str, ...]
    parse: Callable[[object], object] = lambda v: v
    required: bool = True
    example: object = ""


@dataclass
class RowError:
    row: int        # the spreadsheet's row number (the header is row 1)
    column: str     # the column's name as in the file (or the expected one)
    message: str


@dataclass
class ImportResult:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, values)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(ValidationError):
    """The file as a whole cannot be read (not xlsx, too large, no header...)."""


def template_bytes(columns: Sequence[ImportColumn], title: str) -> bytes:
    """A downloadable template: the header row and one example row."""
    spec = Sheet(title=title, columns=[Column(c.names[0]) for c in columns],
                 rows=[[c.example for c in columns]])
    return workbook_bytes([spec])


def read_rows(data: bytes, columns: Sequence[ImportColumn], *, max_rows: int = MAX_IMPORT_ROWS) -> ImportResult:
    """Parse every row; collect every error; never raise for a bad cell."""
    book = _open_workbook(data)
    ws = book.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header or not any(header):
        raise ImportRefused(_("The first sheet has no header row."))
    positions = _match_header([("" if h is None else str(h).strip()) for h in header], columns)
    result = ImportResult()
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(result.rows) + len(result.errors) >= max_rows:
            raise ImportRefused(_("The file has more than %(n)d rows; split it into smaller files.", n=max_rows))
        parsed, ok = {}, True
        for column in columns:
            raw = values[positions[column.key]] if positions.get(column.key) is not None and \
                positions[column.key] < len(values) else None
            if isinstance(raw, str):
                raw = raw.strip()
            if raw is None or raw == "":
                if column.required:
                    result.errors.append(RowError(number, column.names[0], _("This value is required.")))
                    ok = False
                parsed[column.key] = None
                continue
            try:
                parsed[column.key] = column.parse(raw)
            except (ValueError, TypeError, InvalidOperation, ValidationError) as error:
                message = getattr(error, "message", None) or str(error)
                result.errors.append(RowError(number, column.names[0], str(message)))
                ok = False
        if ok:
            result.rows.append((number, parsed))
    book.close()
    return result


def _open_workbook(data: bytes):
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(_("The file is larger than %(mb)d MB.", mb=MAX_IMPORT_BYTES // (1024 * 1024)))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ImportRefused(_("The file unpacks to an unreasonable size; it is refused."))
    except zipfile.BadZipFile:
        raise ImportRefused(_("This is not an Excel (.xlsx) file. Save it as .xlsx and try again.")) from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken files
        raise ImportRefused(_("The Excel file could not be read. Save it again as .xlsx and retry.")) from None


def _match_header(header: list[str], columns: Sequence[ImportColumn]) -> dict[str, int | None]:
    lowered = [h.lower() for h in header]
    positions: dict[str, int | None] = {}
    missing = []
    for column in columns:
        index = next((lowered.index(n.lower()) for n in column.names if n.lower() in lowered), None)
        positions[column.key] = index
        if index is None and column.required:
            missing.append(column.names[0])
    if missing:
        raise ImportRefused(_("Missing column(s): %(names)s. Download the template to see the expected columns.",
                              names="、".join(missing)))
    return positions


# --- parsers for ImportColumn.parse ----------------------------------------------------------

def parse_text(max_length: int) -> Callable[[object], str]:
    def parse(value) -> str:
        text = str(value).strip()
        if len(text) > max_length:
            raise ValueError(_("At most %(n)d characters.", n=max_length))
        return text

    return parse


def parse_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError(_("Enter a whole number."))
    return int(text)


def parse_decimal(value) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    return number


def parse_yuan_to_fen(value) -> int:
    amount = parse_decimal(value)
    if amount < 0:
        raise ValueError(_("The amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("At most two decimals (fen)."))
    return int(amount * 100)


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None

