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
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from venture.accounts.services import normalize_email
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


NUMBER_FORMATS = {
    "int": "0",
    "decimal": "0.00",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "percent": "0.00%",
}


def _convert(value, kind: str):
    if value is None:
        return None
    if isinstance(value, str) and kind != "text":
        return safe_cell(value)  # a word in a number column ("n/a"), kept as text
    if kind == "money":
        return float((Decimal(value) / 100).quantize(Decimal("0.01")))
    if kind == "decimal":
        return float(Decimal(str(value)))
    if kind in ("datetime", "date") and isinstance(value, dt.datetime):
        from venture.templating import to_local

        local = to_local(value).replace(tzinfo=None)
        return local if kind == "datetime" else local.date()
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
    return _save(_workbook(sheets))


def _workbook(sheets: Sequence[Sheet]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(title=_sheet_title(spec.title))
        headers = [safe_cell(str(c.header)) for c in spec.columns]  # a judge's name heads a column
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        widths = [max(_display_len(h), 8) for h in headers]
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
        if spec.note:
            ws.append([])
            ws.append([safe_cell(str(spec.note))])
    return book


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")
    return cleaned[:31] or "Sheet"


def _display_len(value) -> int:
    if value is None:
        return 0
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# --- import ------------------------------------------------------------------------------
# One way in for every spreadsheet import: a template to fill in, every row parsed and
# checked before anything is stored, and the errors listed by row and column
# (``templates/reports/_import_errors.html``). Domains add their own checks across rows
# (duplicates, what exists in the database) as more RowErrors, then raise ImportRejected.

INSTRUCTIONS_TITLES = ("填写说明", "Instructions")


@dataclass(frozen=True)
class ImportColumn:
    """An expected column: the names it may have (Chinese first, English and variants
    after) and how to parse a cell. ``parse`` raises ValueError with a message."""

    key: str
    names: tuple[str, ...]
    parse: Callable[[object], object] = lambda v: v
    required: bool = True
    example: object = ""

    @property
    def header(self) -> str:
        """The column's name in the reader's language (templates, messages)."""
        if current_locale_code() != "zh_CN":
            english = next((n for n in self.names[1:] if n.isascii()), None)
            if english:
                return english
        return self.names[0]


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1); 0 when no row applies
    column: str  # the column's name as in the file (or the expected one); "" for the whole row
    message: str
    sheet: str = ""  # the worksheet, when a file has several

    @property
    def where(self) -> str:
        return " · ".join(part for part in (self.sheet, self.column) if part)


@dataclass
class ImportResult:
    rows: list[tuple[int, dict]] = field(
        default_factory=list
    )  # (row number, values): every cell parsed
    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> its name in the file
    # Every non-empty row with the cells that parsed (a failed or missing cell is absent), so
    # the checks across rows (duplicates, what exists already) run on rows with a bad cell too:
    # a user sees every error of every row in one pass, not one round at a time.
    partial: list[tuple[int, dict]] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)  # headers of columns no one reads

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def warnings(self) -> list[str]:
        return extra_columns_warning(self.extra_columns)

    def column_name(self, key: str, columns: Sequence[ImportColumn]) -> str:
        return self.headers.get(key) or next(c.header for c in columns if c.key == key)


class ImportRefused(ValidationError):
    """The file as a whole cannot be read (not xlsx, too large, no header...); the
    message goes beside the upload field (named ``file`` in every import form)."""

    def __init__(self, message=None, *, field: str | None = "file"):
        super().__init__(message, field=field)


def extra_columns_warning(names: Sequence[str]) -> list[str]:
    """The warning that names the file's columns the import does not read (typed data that
    would otherwise vanish without a word)."""
    if not names:
        return []
    return [
        _(
            "The file has column(s) the import does not read, so their cells were not imported: %(names)s.",
            names="、".join(names),
        )
    ]


class ImportRejected(ValidationError):
    """Some rows are wrong, so nothing was stored; ``errors`` says where and why, and
    ``warnings`` what was noticed besides (columns that are not read)."""

    def __init__(self, errors: list[RowError], message=None, *, warnings: Sequence[str] = ()):
        self.errors = sort_errors(errors)
        self.warnings = list(warnings)
        super().__init__(
            message
            or _("Nothing was imported: %(count)d problem(s) in the file.", count=len(errors))
        )


def sort_errors(errors: Iterable[RowError], column_order: Sequence[str] = ()) -> list[RowError]:
    """By worksheet, row, then the columns' order in the template."""
    order = {name: i for i, name in enumerate(column_order)}
    return sorted(errors, key=lambda e: (e.sheet, e.row, order.get(e.column, len(order))))


def template_bytes(
    columns: Sequence[ImportColumn], title: str, *, notes: Sequence[str] = ()
) -> bytes:
    """A downloadable template: the header row to fill in, and an instructions sheet
    with notes and an example row (kept apart, so nobody imports the example)."""
    sheet = Sheet(title=title, columns=[Column(c.header) for c in columns], rows=[])
    book = _workbook([sheet])
    help_sheet = book.create_sheet(
        INSTRUCTIONS_TITLES[0] if current_locale_code() == "zh_CN" else INSTRUCTIONS_TITLES[1]
    )
    for line in notes:
        help_sheet.append([str(line)])
    help_sheet.append([])
    help_sheet.append([_("Example (only the first sheet is imported):")])
    help_sheet.append([c.header for c in columns])
    help_sheet.append([safe_cell(c.example) for c in columns])
    help_sheet.column_dimensions["A"].width = 24
    return _save(book)


def open_workbook(data: bytes):
    """A read-only workbook, after refusing files that are too big, not xlsx, or zip bombs."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            _("The file is larger than %(mb)d MB.", mb=MAX_IMPORT_BYTES // (1024 * 1024))
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ImportRefused(_("The file unpacks to an unreasonable size; it is refused."))
    except zipfile.BadZipFile:
        raise ImportRefused(
            _("This is not an Excel (.xlsx) file. Save it as .xlsx and try again.")
        ) from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken files
        raise ImportRefused(
            _("The Excel file could not be read. Save it again as .xlsx and retry.")
        ) from None


def data_sheets(book) -> list:
    """The worksheets to read: all but an instructions sheet."""
    return [ws for ws in book.worksheets if ws.title not in INSTRUCTIONS_TITLES]


def read_rows(
    data: bytes, columns: Sequence[ImportColumn], *, max_rows: int = MAX_IMPORT_ROWS
) -> ImportResult:
    """Parse every row of the first sheet; collect every error; never raise for a bad cell."""
    book = open_workbook(data)
    try:
        return read_table(
            book.worksheets[0].iter_rows(values_only=True), columns, max_rows=max_rows
        )
    finally:
        book.close()


def read_table(
    rows: Iterable[Sequence],
    columns: Sequence[ImportColumn],
    *,
    header_row: int = 1,
    sheet: str = "",
    max_rows: int = MAX_IMPORT_ROWS,
) -> ImportResult:
    """Parse a table whose first row (numbered ``header_row``) holds the column names."""
    rows = iter(rows)
    header = next(rows, None)
    if not header or not any(_cell(h) for h in header):
        raise ImportRefused(
            _(
                "Row %(row)d should hold the column names; it is empty. Download the template.",
                row=header_row,
            )
        )
    names = [_cell(h) for h in header]
    positions = _match_header(names, columns)
    used = {i for i in positions.values() if i is not None}
    result = ImportResult(
        headers={key: names[i] for key, i in positions.items() if i is not None},
        extra_columns=[name for i, name in enumerate(names) if name and i not in used],
    )
    for number, values in enumerate(rows, start=header_row + 1):
        if values is None or all(_cell(v) == "" for v in values):
            continue
        if len(result.rows) + len({e.row for e in result.errors}) >= max_rows:
            raise ImportRefused(
                _("The file has more than %(n)d rows; split it into smaller files.", n=max_rows)
            )
        parsed, failed = _parse_row(result, number, values, columns, positions, sheet)
        result.partial.append((number, {k: v for k, v in parsed.items() if k not in failed}))
        if not failed:
            result.rows.append((number, parsed))
    return result


def _parse_row(
    result: ImportResult,
    number: int,
    values: Sequence,
    columns: Sequence[ImportColumn],
    positions: dict[str, int | None],
    sheet: str,
) -> tuple[dict, set[str]]:
    """One row's cells parsed by their columns, and the keys of those that failed (each
    failure noted in ``result.errors``)."""
    parsed, failed = {}, set()
    for column in columns:
        index = positions.get(column.key)
        raw = values[index] if index is not None and index < len(values) else None
        if isinstance(raw, str):
            raw = raw.strip()
        name = result.column_name(column.key, columns)
        if raw is None or raw == "":
            if column.required:
                result.errors.append(RowError(number, name, _("This value is required."), sheet))
                failed.add(column.key)
            parsed[column.key] = None
            continue
        try:
            parsed[column.key] = column.parse(raw)
        except (ValueError, TypeError, InvalidOperation, ValidationError) as error:
            message = getattr(error, "message", None) or str(error)
            result.errors.append(RowError(number, name, str(message), sheet))
            failed.add(column.key)
    return parsed, failed


def _cell(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _normal(name: str) -> str:
    """Header names compare without case, spaces or a note in brackets: 金额（元） = 金额."""
    name = re.sub(r"\s*[（(][^）)]*[）)]\s*$", "", name.strip())
    return "".join(name.lower().split())


def _match_header(header: list[str], columns: Sequence[ImportColumn]) -> dict[str, int | None]:
    normal = [_normal(h) for h in header]
    positions: dict[str, int | None] = {}
    missing = []
    for column in columns:
        wanted = {_normal(n) for n in column.names}
        index = next((i for i, h in enumerate(normal) if h and h in wanted), None)
        positions[column.key] = index
        if index is None and column.required:
            missing.append(column.header)
    if missing:
        raise ImportRefused(
            _(
                "Missing column(s): %(names)s. Download the template to see the expected columns.",
                names="、".join(missing),
            )
        )
    return positions


# --- parsers for ImportColumn.parse ----------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text: 439901002001.0 (how Excel keeps numbers) reads 439901002001."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def parse_text(max_length: int) -> Callable[[object], str]:
    def parse(value) -> str:
        text = cell_text(value)
        if len(text) > max_length:
            raise ValueError(_("At most %(n)d characters.", n=max_length))
        return text

    return parse


def parse_choice(choices: dict[str, object]) -> Callable[[object], object]:
    """One of the given words (any case); the message lists the first word of each value
    (later words are accepted aliases: English, synonyms)."""
    lookup = {k.lower(): v for k, v in choices.items()}
    shown: dict = {}
    for word, value in choices.items():
        shown.setdefault(value, word)

    def parse(value):
        found = lookup.get(cell_text(value).lower())
        if found is None:
            raise ValueError(_("Use one of: %(choices)s.", choices="、".join(shown.values())))
        return found

    return parse


def parse_email(value) -> str:
    """An email address, normalized as accounts store them."""
    email = normalize_email(cell_text(value))
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(_("%(email)s is not a valid email address.", email=email)) from None
    return email


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
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
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
    match = re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", text)
    if match:
        text = "-".join(match.groups())
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        text = f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
