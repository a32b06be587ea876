"""Importing the community tree from an xlsx sheet, and its template.

Columns: 区县, 街道/乡镇, 社区/村, and optionally 代码 (the community's code). Every row is
checked before anything is stored; one bad row and nothing is imported. Rows that
exist already change nothing, so the same sheet can be imported again.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from venture.audit.services import record
from venture.db import service
from venture.errors import ValidationError
from venture.extensions import db
from venture.files.services import MB, path_of, store_upload
from venture.orgs.models import Area, AreaLevel
from venture.orgs.services.areas import CODE_MAX, NAME_MAX

MAX_ROWS = 5000
HEADERS = ("区县", "街道/乡镇", "社区/村", "代码")
COLUMN_LABELS = (_l("District"), _l("Street / township"), _l("Community / village"), _l("Area code"))
_ACCEPTED_HEADERS = (
    {"区县", "区/县", "district"},
    {"街道/乡镇", "街道", "乡镇", "街道（乡镇）", "street", "street / township"},
    {"社区/村", "社区", "村", "社区（村）", "community", "community / village"},
    {"代码", "编码", "code"},
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class AreaImportRejected(ValidationError):
    """The sheet has errors; ``errors`` lists them by row and column."""

    def __init__(self, errors: list[RowError], message=None):
        super().__init__(message or _("Nothing was imported: correct the rows below and import the sheet again."))
        self.errors = errors


@dataclass
class ImportSummary:
    rows: int = 0
    created: dict = field(default_factory=lambda: {AreaLevel.DISTRICT: 0, AreaLevel.STREET: 0,
                                                   AreaLevel.COMMUNITY: 0})
    codes_set: int = 0

    @property
    def unchanged(self) -> bool:
        return not any(self.created.values()) and not self.codes_set


@dataclass(frozen=True)
class _Row:
    number: int
    district: str
    street: str
    community: str
    code: str


def template_bytes() -> bytes:
    """The xlsx template: the header row and a sheet that explains the columns."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "社区"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (16, 20, 20, 16), strict=True):
        sheet.column_dimensions[column].width = width
    help_sheet = wb.create_sheet("说明")
    for line in (
        [_("One row per community or village; the first sheet is imported.")],
        [_("District, street / township and community / village are required; the code is optional.")],
        [_("Rows that exist already change nothing: the same sheet can be imported again.")],
        [_("Example:"), "城东区", "丹桂街道", "丹桂社区", "439901001001"],
    ):
        help_sheet.append(line)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _read_rows(path, name: str) -> list[tuple]:
    # A file object, not the path: stored files have random names without an extension,
    # which openpyxl would refuse.
    with open(path, "rb") as stream:
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ValidationError(_("%(name)s could not be read as an Excel .xlsx workbook. Save it as .xlsx "
                                    "(Excel 2007 or later) and try again.", name=name), field="file") from None
        try:
            rows = []
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append(tuple(values))
                if len(rows) > MAX_ROWS + 1:
                    break
            return rows
        finally:
            workbook.close()


def _check_header(header: tuple) -> bool:
    cells = [_text(v).lower() for v in header[:4]]
    cells += [""] * (4 - len(cells))
    return all(cells[i] in _ACCEPTED_HEADERS[i] for i in range(3)) and (
        not cells[3] or cells[3] in _ACCEPTED_HEADERS[3])


def _parse(rows: list[tuple]) -> tuple[list[_Row], list[RowError]]:
    errors: list[RowError] = []
    if not rows or not _check_header(rows[0]):
        return [], [RowError(1, "", _("The first row must be the header: 区县, 街道/乡镇, 社区/村 and "
                                      "optionally 代码. Download the template."))]
    parsed = []
    for number, values in enumerate(rows[1:], start=2):
        cells = [_text(values[i]) if i < len(values) else "" for i in range(4)]
        if not any(cells):
            continue
        if len(parsed) >= MAX_ROWS:
            errors.append(RowError(number, "", _("At most %(n)d rows can be imported at once.", n=MAX_ROWS)))
            break
        bad = False
        for i in range(3):
            if not cells[i]:
                errors.append(RowError(number, str(COLUMN_LABELS[i]), _("This cell is empty.")))
                bad = True
            elif len(cells[i]) > NAME_MAX:
                errors.append(RowError(number, str(COLUMN_LABELS[i]), _("At most %(n)d characters.", n=NAME_MAX)))
                bad = True
        if len(cells[3]) > CODE_MAX:
            errors.append(RowError(number, str(COLUMN_LABELS[3]), _("At most %(n)d characters.", n=CODE_MAX)))
            bad = True
        if not bad:
            parsed.append(_Row(number, *cells))
    if not parsed and not errors:
        errors.append(RowError(2, "", _("The sheet has no rows under the header.")))
    return parsed, errors


class _Tree:
    """The stored tree, by (parent id, name), with the new nodes of this import."""

    def __init__(self):
        self.areas = list(db.session.scalars(sa.select(Area)))
        self.by_key = {(a.parent_id, a.name): a for a in self.areas}
        self.by_code = {}
        for a in self.areas:
            if a.level == AreaLevel.COMMUNITY and a.code:
                self.by_code.setdefault(a.code, a)

    def find(self, row: _Row) -> tuple[Area | None, Area | None, Area | None]:
        district = self.by_key.get((None, row.district))
        street = self.by_key.get((district.id, row.street)) if district else None
        community = self.by_key.get((street.id, row.community)) if street else None
        return district, street, community


def _cross_check(rows: list[_Row], tree: _Tree) -> list[RowError]:
    """Codes must name one community each, in the sheet and in the stored tree."""
    errors = []
    code_label = str(COLUMN_LABELS[3])
    seen_code: dict[str, tuple] = {}
    seen_community: dict[tuple, tuple[str, int]] = {}
    for row in rows:
        key = (row.district, row.street, row.community)
        if row.code:
            first = seen_code.setdefault(row.code, (key, row.number))
            if first[0] != key:
                errors.append(RowError(row.number, code_label, _("The code %(code)s is given to another community "
                                                                 "in row %(row)d.", code=row.code, row=first[1])))
                continue
            earlier = seen_community.setdefault(key, (row.code, row.number))
            if earlier[0] != row.code:
                errors.append(RowError(row.number, code_label, _("Row %(row)d gives this community the code "
                                                                 "%(code)s.", row=earlier[1], code=earlier[0])))
                continue
        _district, _street, community = tree.find(row)
        if community is not None and row.code and community.code and community.code != row.code:
            errors.append(RowError(row.number, code_label, _("This community exists with the code %(code)s.",
                                                             code=community.code)))
        elif row.code and row.code in tree.by_code and tree.by_code[row.code] is not community:
            errors.append(RowError(row.number, code_label, _("The code %(code)s belongs to %(path)s.",
                                                             code=row.code, path=tree.by_code[row.code].path)))
    return errors


def _get_or_create(tree: _Tree, parent: Area | None, name: str, level: AreaLevel, summary: ImportSummary) -> Area:
    key = (parent.id if parent else None, name)
    area = tree.by_key.get(key)
    if area is None:
        area = Area(parent_id=key[0], level=level, name=name, code="")
        db.session.add(area)
        db.session.flush()
        tree.by_key[key] = area
        summary.created[level] += 1
    return area


@service
def import_areas(upload, *, actor) -> ImportSummary:
    """Check every row of the sheet, then add what is missing (all or nothing)."""
    stored = store_upload(upload, user=actor, allowed_kinds=("excel",), max_bytes=5 * MB)
    rows, errors = _parse(_read_rows(path_of(stored), stored.original_name))
    tree = _Tree()
    if not errors:
        errors = _cross_check(rows, tree)
    if errors:
        raise AreaImportRejected(errors)
    summary = ImportSummary(rows=len(rows))
    for row in rows:
        district = _get_or_create(tree, None, row.district, AreaLevel.DISTRICT, summary)
        street = _get_or_create(tree, district, row.street, AreaLevel.STREET, summary)
        community = _get_or_create(tree, street, row.community, AreaLevel.COMMUNITY, summary)
        if row.code and not community.code:
            community.code = row.code
            summary.codes_set += 1
    record("orgs.areas_import", stored, actor=actor, changes={
        "file": [None, stored.original_name], "rows": [None, summary.rows],
        "districts": [None, summary.created[AreaLevel.DISTRICT]],
        "streets": [None, summary.created[AreaLevel.STREET]],
        "communities": [None, summary.created[AreaLevel.COMMUNITY]], "codes": [None, summary.codes_set]})
    return summary
