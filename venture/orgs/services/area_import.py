"""Importing the community tree from an xlsx sheet, and its template.

Columns: 区县, 街道/乡镇, 社区/村, and optionally 代码 (the community's code). Reading,
the template and the error report are the shared ones (``venture.reports.xlsx``);
this module adds the tree's rules. Every row is checked before anything is stored;
one bad row and nothing is imported. Rows that exist already change nothing, so the
same sheet can be imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.audit.services import record
from venture.db import service
from venture.extensions import db
from venture.files.services import MB, path_of, store_upload
from venture.orgs.models import Area, AreaLevel
from venture.orgs.services.areas import clean_area_code, clean_area_name
from venture.reports import xlsx
from venture.reports.xlsx import RowError


def _name(value) -> str:
    return clean_area_name(xlsx.cell_text(value))  # the form's rule for a place name


def _code(value) -> str:
    return clean_area_code(xlsx.cell_text(value))  # the form's rule for an area code


COLUMNS = [
    xlsx.ImportColumn("district", ("区县", "District", "区/县"), _name, example="城东区"),
    xlsx.ImportColumn(
        "street",
        ("街道/乡镇", "Street / township", "街道", "乡镇", "street"),
        _name,
        example="丹桂街道",
    ),
    xlsx.ImportColumn(
        "community",
        ("社区/村", "Community / village", "社区", "村", "community"),
        _name,
        example="丹桂社区",
    ),
    xlsx.ImportColumn(
        "code", ("代码", "Code", "编码", "area code"), _code, required=False, example="439901001001"
    ),
]
HEADERS = tuple(c.names[0] for c in COLUMNS)


class AreaImportRejected(xlsx.ImportRejected):
    """The sheet has errors; ``errors`` lists them by row and column."""

    def __init__(self, errors: list[RowError], message=None, *, warnings=()):
        super().__init__(
            errors,
            message
            or _("Nothing was imported: correct the rows below and import the sheet again."),
            warnings=warnings,
        )


@dataclass
class ImportSummary:
    rows: int = 0
    created: dict = field(
        default_factory=lambda: {AreaLevel.DISTRICT: 0, AreaLevel.STREET: 0, AreaLevel.COMMUNITY: 0}
    )
    codes_set: int = 0
    warnings: list = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not any(self.created.values()) and not self.codes_set


@dataclass(frozen=True)
class _Row:
    number: int
    district: str | None  # None: the cell did not parse (the row is then only checked for its code)
    street: str | None
    community: str | None
    code: str

    @property
    def key(self) -> tuple:
        """The community the row names; a row with a bad name names no existing one."""
        names = (self.district, self.street, self.community)
        return names if all(names) else ("#row", self.number)


def template_bytes() -> bytes:
    """The xlsx template: the header row and a sheet that explains the columns."""
    return xlsx.template_bytes(
        COLUMNS,
        _("Communities"),
        notes=(
            _("One row per community or village; the first sheet is imported."),
            _(
                "District, street / township and community / village are required; the code is optional."
            ),
            _("Rows that exist already change nothing: the same sheet can be imported again."),
        ),
    )


def _parse(data: bytes) -> tuple[list[_Row], list[_Row], list[RowError], dict, list[str]]:
    """The rows whose cells all parsed, every row with what parsed of it (checked across
    rows even when another cell failed, so every error shows in one pass), the errors, the
    columns' names in the file and the warnings."""
    result = xlsx.read_rows(data, COLUMNS)
    rows = [
        _Row(number, v["district"], v["street"], v["community"], v["code"] or "")
        for number, v in result.rows
    ]
    named = [
        _Row(number, v.get("district"), v.get("street"), v.get("community"), v.get("code") or "")
        for number, v in result.partial
    ]
    errors = list(result.errors)
    if not result.partial and not errors:
        errors.append(RowError(2, "", _("The sheet has no rows under the header.")))
    return rows, named, errors, result.headers, result.warnings


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
        if row.key[0] == "#row":
            return None, None, None
        district = self.by_key.get((None, row.district))
        street = self.by_key.get((district.id, row.street)) if district else None
        community = self.by_key.get((street.id, row.community)) if street else None
        return district, street, community


def _cross_check(rows: list[_Row], tree: _Tree, code_label: str) -> list[RowError]:
    """Codes must name one community each, in the sheet and in the stored tree."""
    errors = []
    seen_code: dict[str, tuple] = {}
    seen_community: dict[tuple, tuple[str, int]] = {}
    for row in rows:
        key = row.key
        if row.code:
            first = seen_code.setdefault(row.code, (key, row.number))
            if first[0] != key:
                errors.append(
                    RowError(
                        row.number,
                        code_label,
                        _(
                            "The code %(code)s is given to another community in row %(row)d.",
                            code=row.code,
                            row=first[1],
                        ),
                    )
                )
                continue
            earlier = seen_community.setdefault(key, (row.code, row.number))
            if earlier[0] != row.code:
                errors.append(
                    RowError(
                        row.number,
                        code_label,
                        _(
                            "Row %(row)d gives this community the code %(code)s.",
                            row=earlier[1],
                            code=earlier[0],
                        ),
                    )
                )
                continue
        _district, _street, community = tree.find(row)
        if community is not None and row.code and community.code and community.code != row.code:
            errors.append(
                RowError(
                    row.number,
                    code_label,
                    _("This community exists with the code %(code)s.", code=community.code),
                )
            )
        elif row.code and row.code in tree.by_code and tree.by_code[row.code] is not community:
            errors.append(
                RowError(
                    row.number,
                    code_label,
                    _(
                        "The code %(code)s belongs to %(path)s.",
                        code=row.code,
                        path=tree.by_code[row.code].path,
                    ),
                )
            )
    return errors


def _get_or_create(
    tree: _Tree, parent: Area | None, name: str, level: AreaLevel, summary: ImportSummary
) -> Area:
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
    rows, named, errors, headers, warnings = _parse(path_of(stored).read_bytes())
    tree = _Tree()
    errors += _cross_check(named, tree, headers.get("code") or COLUMNS[3].header)
    if errors:
        raise AreaImportRejected(errors, warnings=warnings)
    summary = ImportSummary(rows=len(rows), warnings=warnings)
    for row in rows:
        district = _get_or_create(tree, None, row.district, AreaLevel.DISTRICT, summary)
        street = _get_or_create(tree, district, row.street, AreaLevel.STREET, summary)
        community = _get_or_create(tree, street, row.community, AreaLevel.COMMUNITY, summary)
        if row.code and not community.code:
            community.code = row.code
            summary.codes_set += 1
    record(
        "orgs.areas_import",
        stored,
        actor=actor,
        changes={
            "file": [None, stored.original_name],
            "rows": [None, summary.rows],
            "districts": [None, summary.created[AreaLevel.DISTRICT]],
            "streets": [None, summary.created[AreaLevel.STREET]],
            "communities": [None, summary.created[AreaLevel.COMMUNITY]],
            "codes": [None, summary.codes_set],
        },
    )
    return summary
