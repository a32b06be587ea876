"""The frozen form of an application (ApplicationRevision.data), the differences
between two revisions, and the blind copy judges may see.

Shape of ``data`` (schema 1)::

    {"schema": 1, "number": 2, "code": "GY2027-001", "frozen_at": "2027-01-03T02:00:00+00:00",
     "competition": {"id", "name", "code_prefix"},
     "organization": {"id", "name", "uscc", "org_type", "registration_date", "legal_representative",
                      "contact_name", "contact_phone", "rating", "annual_inspection", "party_org"},
     "project": {"project_name", "category_id", "category", "period_months", "start_date", "end_date",
                 "direct_beneficiaries", "indirect_beneficiaries", "beneficiary_description", "summary",
                 "need_analysis", "overall_goal", "specific_goals", "implementation_plan", "features",
                 "risks", "requested_fen", "cofunding_fen", "total_budget_fen", "pledge"},
     "communities": [{"id", "name", "path"}],
     "milestones": [{"name", "month", "deliverable"}],
     "team": [{"name", "education", "qualification", "role", "social_worker_id"}],
     "budget_lines": [{"rule_id", "group", "line", "item", "amount_fen", "note"}],
     "attachments": [{"stored_file_id", "kind", "name", "size", "sha256", "identifying"}]}

Identifying data (hidden in a blind review): the whole "organization" block, team
member names, attachments with ``identifying`` true, and the organization's name
wherever it appears in the free text (see :func:`blind_copy`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from venture.db import utcnow

SCHEMA = 1
TEXT_FIELDS = [
    "project_name",
    "category",
    "period_months",
    "start_date",
    "end_date",
    "direct_beneficiaries",
    "indirect_beneficiaries",
    "beneficiary_description",
    "summary",
    "need_analysis",
    "overall_goal",
    "specific_goals",
    "implementation_plan",
    "features",
    "risks",
    "requested_fen",
    "cofunding_fen",
    "total_budget_fen",
]
FIELD_LABELS = {
    "project_name": _l("Project name"),
    "category": _l("Category"),
    "period_months": _l("Period (months)"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "direct_beneficiaries": _l("Direct beneficiaries"),
    "indirect_beneficiaries": _l("Indirect beneficiaries"),
    "beneficiary_description": _l("Beneficiaries"),
    "summary": _l("Summary"),
    "need_analysis": _l("Need analysis"),
    "overall_goal": _l("Overall goal"),
    "specific_goals": _l("Specific goals"),
    "implementation_plan": _l("Implementation plan"),
    "features": _l("Features (innovation, replicability)"),
    "risks": _l("Risks and controls"),
    "requested_fen": _l("Amount requested"),
    "cofunding_fen": _l("Co-funding"),
    "total_budget_fen": _l("Budget total"),
    "pledge": _l("Truthfulness pledge"),
}
TABLES = {
    "communities": (_l("Host communities"), ["path"]),
    "milestones": (_l("Milestones"), ["name", "month", "deliverable"]),
    "team": (_l("Team"), ["name", "education", "qualification", "role"]),
    "budget_lines": (_l("Budget"), ["line", "item", "amount_fen", "note"]),
    "attachments": (_l("Attachments"), ["kind", "name", "size", "identifying"]),
}
COLUMN_LABELS = {
    "path": _l("Community"),
    "name": _l("Name"),
    "month": _l("Month"),
    "deliverable": _l("Deliverable"),
    "education": _l("Education"),
    "qualification": _l("Social-work qualification"),
    "role": _l("Role in the project"),
    "line": _l("Budget line"),
    "item": _l("Item"),
    "amount_fen": _l("Amount"),
    "note": _l("Note"),
    "kind": _l("Kind"),
    "size": _l("Size"),
    "identifying": _l("Identifies the applicant"),
}
# A column's heading where its table means something else by it: a milestone's "name" is
# the milestone, not a person's name (姓名), and an attachment's is its file name.
TABLE_COLUMN_LABELS = {
    "milestones": {"name": _l("Milestone")},
    "attachments": {"name": _l("File name")},
}


def column_label(table: str, column: str):
    """The heading of ``column`` in ``table`` (print and revision views)."""
    return TABLE_COLUMN_LABELS.get(table, {}).get(column) or COLUMN_LABELS[column]


MONEY_KEYS = {"requested_fen", "cofunding_fen", "total_budget_fen", "amount_fen"}


def _iso(value):
    return value.isoformat() if value is not None else None


def build_snapshot(app, number: int | None = None) -> dict:
    """Every section of the application as plain JSON values."""
    org, comp = app.organization, app.competition
    return {
        "schema": SCHEMA,
        "number": number if number is not None else app.revision,
        "code": app.code,
        "frozen_at": utcnow().isoformat(),
        "competition": {"id": comp.id, "name": comp.name, "code_prefix": comp.code_prefix},
        "organization": {
            "id": org.id,
            "name": org.name,
            "uscc": org.uscc,
            "org_type": org.org_type.value,
            "registration_date": _iso(org.registration_date),
            "legal_representative": org.legal_representative,
            "contact_name": org.contact_name,
            "contact_phone": org.contact_phone,
            "rating": org.rating.value,
            "annual_inspection": org.annual_inspection.value,
            "party_org": org.party_org.value,
        },
        "project": {
            "project_name": app.project_name,
            "category_id": app.category_id,
            "category": app.category.name if app.category else "",
            "period_months": app.period_months,
            "start_date": _iso(app.start_date),
            "end_date": _iso(app.end_date),
            "direct_beneficiaries": app.direct_beneficiaries,
            "indirect_beneficiaries": app.indirect_beneficiaries,
            "beneficiary_description": app.beneficiary_description,
            "summary": app.summary,
            "need_analysis": app.need_analysis,
            "overall_goal": app.overall_goal,
            "specific_goals": app.specific_goals,
            "implementation_plan": app.implementation_plan,
            "features": app.features,
            "risks": app.risks,
            "requested_fen": app.requested_fen,
            "cofunding_fen": app.cofunding_fen,
            "total_budget_fen": app.total_budget_fen,
            "pledge": app.pledge,
        },
        "communities": [{"id": c.id, "name": c.name, "path": c.path} for c in app.communities],
        "milestones": [
            {"name": m.name, "month": m.month, "deliverable": m.deliverable} for m in app.milestones
        ],
        "team": [
            {
                "name": t.name,
                "education": t.education,
                "qualification": t.qualification.value,
                "role": t.role,
                "social_worker_id": t.social_worker_id,
            }
            for t in app.team
        ],
        "budget_lines": [
            {
                "rule_id": b.rule_id,
                "group": b.rule.line_group.value,
                "line": b.rule.name,
                "item": b.item,
                "amount_fen": b.amount_fen,
                "note": b.note,
            }
            for b in app.budget_lines
        ],
        "attachments": [
            {
                "stored_file_id": a.stored_file_id,
                "kind": a.kind.value,
                "name": a.file.original_name,
                "size": a.file.size,
                "sha256": a.file.sha256,
                "identifying": a.identifying,
            }
            for a in app.attachments
        ],
    }


# --- differences ----------------------------------------------------------------------------


@dataclass
class FieldDiff:
    key: str
    label: str
    old: object
    new: object
    changed: bool
    old_parts: list = field(default_factory=list)  # [(op, text)] with op in "same", "del"
    new_parts: list = field(default_factory=list)  # [(op, text)] with op in "same", "ins"


@dataclass
class RowDiff:
    status: str  # same, changed, added, removed
    old: dict | None
    new: dict | None
    changed_columns: set


@dataclass
class TableDiff:
    key: str
    label: str
    columns: list
    rows: list
    changed: bool


def text_parts(old: str, new: str) -> tuple[list, list]:
    """Character-level differences (Chinese has no spaces to split words on)."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    old_parts, new_parts = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            old_parts.append(("same", old[a1:a2]))
            new_parts.append(("same", new[b1:b2]))
        else:
            if a2 > a1:
                old_parts.append(("del", old[a1:a2]))
            if b2 > b1:
                new_parts.append(("ins", new[b1:b2]))
    return old_parts, new_parts


def diff_snapshots(old: dict, new: dict) -> dict:
    """Field by field and row by row: {"fields": [FieldDiff], "tables": [TableDiff], "changed": n}."""
    fields = []
    for key in TEXT_FIELDS + ["pledge"]:
        a, b = old.get("project", {}).get(key), new.get("project", {}).get(key)
        diff = FieldDiff(key, str(FIELD_LABELS[key]), a, b, a != b)
        if diff.changed and isinstance(a, str) and isinstance(b, str):
            diff.old_parts, diff.new_parts = text_parts(a, b)
        fields.append(diff)
    tables = []
    for key, (title, columns) in TABLES.items():
        rows = _row_diffs(old.get(key, []), new.get(key, []), columns)
        tables.append(
            TableDiff(key, str(title), columns, rows, any(r.status != "same" for r in rows))
        )
    changed = sum(f.changed for f in fields) + sum(t.changed for t in tables)
    return {"fields": fields, "tables": tables, "changed": changed}


def _row_diffs(old_rows: list, new_rows: list, columns: list) -> list[RowDiff]:
    """Rows are matched by their content first, then by position, so an inserted row
    shows as one addition rather than every later row as changed."""
    key = lambda row: tuple(str(row.get(c)) for c in columns)  # noqa: E731
    matcher = difflib.SequenceMatcher(
        a=[key(r) for r in old_rows], b=[key(r) for r in new_rows], autojunk=False
    )
    result = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            result += [
                RowDiff("same", o, n, set())
                for o, n in zip(old_rows[a1:a2], new_rows[b1:b2], strict=True)
            ]
            continue
        olds, news = old_rows[a1:a2], new_rows[b1:b2]
        for i in range(max(len(olds), len(news))):
            o = olds[i] if i < len(olds) else None
            n = news[i] if i < len(news) else None
            if o is not None and n is not None:
                result.append(
                    RowDiff("changed", o, n, {c for c in columns if o.get(c) != n.get(c)})
                )
            elif o is not None:
                result.append(RowDiff("removed", o, None, set(columns)))
            else:
                result.append(RowDiff("added", None, n, set(columns)))
    return result


# --- blind review ------------------------------------------------------------------------------

HIDDEN = "■■■"


def blind_copy(data: dict) -> dict:
    """The snapshot without what identifies the applicant (for a blind review stage)."""
    import copy

    blind = copy.deepcopy(data)
    org_name = (data.get("organization") or {}).get("name") or ""
    blind["organization"] = None
    for member in blind.get("team", []):
        member["name"] = HIDDEN
        member["social_worker_id"] = None
    blind["attachments"] = [
        a for a in blind.get("attachments", []) if not a.get("identifying", True)
    ]
    if org_name:
        for key, value in blind.get("project", {}).items():
            if isinstance(value, str):
                blind["project"][key] = value.replace(org_name, HIDDEN)
    return blind
