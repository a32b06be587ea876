"""Audit entries as sentences: "王晓梅 提交了申报书 GY2026-004 …", with links.

The page shows one page of entries at a time. Every name it needs (actors, objects,
objects that changes refer to, and what those objects hang off) is loaded in bulk: one
query per object type and round, never one per entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from venture.audit.labels import ACTIONS, FIELDS, NOUNS, VALUES
from venture.extensions import db
from venture.labels import label
from venture.templating import format_local, format_money

# Objects whose names other names are made of: followed through foreign keys.
FOLLOW = {
    "application",
    "project",
    "user",
    "competition",
    "stage",
    "organization",
    "progress_report",
}
# Fields of changes that hold the id of another object.
VALUE_REFS = {
    "application_id": "application",
    "judge_id": "user",
    "organization_id": "organization",
    "project_id": "project",
    "stage_id": "stage",
    "snapshot_id": "result_snapshot",
    "category_id": "category",
    "community_id": "area",
    "parent_id": "area",
    "rubric_id": "rubric",
    "report_id": "progress_report",
    "changed_decision_id": "decision",
    "copied_from": "rubric",
    "job": "job",
    "file": "stored_file",
    "evaluation": "evaluation",
}
# Fields that hold lists of ids (as bare numbers they are counts).
LIST_REFS = {"judges": "user", "applications": "application"}
# Fields whose values are names of other fields.
FIELD_NAME_LISTS = {"unverified_fields"}
MAX_TEXT = 160
MAX_ITEMS = 12
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
DASH = "—"


@cache
def _models() -> dict[str, type]:
    return {
        m.class_.__tablename__: m.class_
        for m in db.Model.registry.mappers
        if hasattr(m.class_, "__tablename__")
    }


@cache
def _form_labels() -> dict[str, object]:
    """Field name -> the label its form gives it (the first form that has it)."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    found: dict[str, object] = {}
    pending = list(FlaskForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        for name, value in vars(cls).items():
            if isinstance(value, UnboundField) and name not in found:
                text = value.kwargs.get("label", value.args[0] if value.args else None)
                if text:
                    found[name] = text
    return found


def field_label(name: str) -> str:
    text = FIELDS.get(name) or _form_labels().get(name)
    return str(text) if text else name.replace("_", " ").capitalize()


def action_phrase(action: str) -> str:
    phrase = ACTIONS.get(action)
    return str(phrase) if phrase is not None else action


class Names:
    """Objects by (table, id), loaded in bulk; their names and links."""

    def __init__(self):
        self.objects: dict[tuple[str, int], object] = {}
        self.wanted: set[tuple[str, int]] = set()

    def want(self, table: str, value) -> None:
        if table in _models() and isinstance(value, int | str) and str(value).isdigit():
            key = (table, int(value))
            if key not in self.objects:
                self.wanted.add(key)

    def load(self, rounds: int = 4) -> None:
        for _round in range(rounds):
            if not self.wanted:
                return
            by_table: dict[str, set[int]] = {}
            for table, ident in self.wanted:
                by_table.setdefault(table, set()).add(ident)
            self.wanted = set()
            for table, ids in sorted(by_table.items()):
                model = _models()[table]
                for obj in db.session.scalars(sa.select(model).where(model.id.in_(sorted(ids)))):
                    self.objects[(table, obj.id)] = obj
                    self._follow(model, obj)

    def _follow(self, model, obj) -> None:
        for column in model.__table__.columns:
            for fk in column.foreign_keys:
                if fk.column.table.name in FOLLOW:
                    self.want(fk.column.table.name, getattr(obj, column.key, None))

    def get(self, table: str, ident):
        try:
            return self.objects.get((table, int(ident)))
        except (TypeError, ValueError):
            return None

    # --- names ----------------------------------------------------------------------
    def name(self, table: str, obj) -> str:
        if table == "user":
            return obj.display_name
        if table == "application":
            return f"{obj.display_code} {obj.project_name}".strip()
        if table == "project":
            return self._ref_name("application", obj.application_id) or f"#{obj.id}"
        if table == "stage":
            return " · ".join(
                filter(None, [self._ref_name("competition", obj.competition_id), label(obj.kind)])
            )
        if table == "result_snapshot":
            owner = (
                self._ref_name("stage", obj.stage_id)
                if obj.stage_id
                else self._ref_name("competition", obj.competition_id)
            )
            return " · ".join(filter(None, [owner, label(obj.kind), f"#{obj.id}"]))
        if table == "stored_file":
            return obj.original_name
        if table == "evaluation":
            return " · ".join(
                filter(None, [self._ref_name("project", obj.project_id), label(obj.kind)])
            )
        own = _own_name(obj)
        if own:
            return own
        parts = [
            self._ref_name(t, getattr(obj, c, None))
            for c, t in (
                ("application_id", "application"),
                ("project_id", "project"),
                ("report_id", "progress_report"),
                ("competition_id", "competition"),
                ("judge_id", "user"),
                ("user_id", "user"),
            )
        ]
        parts = [p for p in parts if p]
        if table in ("tranche", "progress_report") and getattr(obj, "number", None):
            parts.append(f"#{obj.number}")
        return " · ".join(parts) or f"#{obj.id}"

    def _ref_name(self, table: str, ident) -> str:
        obj = self.get(table, ident)
        return self.name(table, obj) if obj is not None else ""

    def link(self, table: str, obj, viewer) -> str | None:
        if viewer is None or not getattr(viewer, "is_organizer", False):
            return None  # every page linked below is an organizer's page
        endpoint = LINKS.get(table)
        return endpoint(obj) if endpoint else None

    def markup(self, table: str, ident, viewer, *, noun: bool = False) -> Markup:
        """The object's name, linked when the viewer may open its page."""
        obj = self.get(table, ident)
        if obj is None:
            kind = str(NOUNS.get(table, table or ""))
            text = f"{kind} #{ident}".strip() if ident not in (None, "") else kind
            return escape(
                text
                + (" " + _("(deleted)") if ident not in (None, "") and table in _models() else "")
            )
        text = self.name(table, obj)
        if noun:
            text = f"{NOUNS.get(table, table)} {text}"
        href = self.link(table, obj, viewer)
        return Markup('<a href="{}">{}</a>').format(href, text) if href else escape(text)


def _own_name(obj) -> str:
    columns = obj.__table__.columns
    for attr in ("name", "title", "activity_type", "real_name", "kind"):
        if attr in columns and getattr(obj, attr, None):
            value = getattr(obj, attr)
            return label(value) if not isinstance(value, str) or hasattr(value, "value") else value
    return ""


def _project_page(obj):
    return url_for("followup.project", project_id=obj.project_id)


LINKS = {
    "user": lambda o: url_for("judging.judge_detail", user_id=o.id) if o.is_judge else None,
    "organization": lambda o: url_for("orgs.show", org_id=o.id),
    "social_worker": lambda o: url_for("orgs.workers", org_id=o.organization_id),
    "area": lambda o: url_for("orgs.area", area_id=o.id),
    "competition": lambda o: url_for("competitions.overview", competition_id=o.id),
    "stage": lambda o: url_for("rankings.stage", stage_id=o.id),
    "category": lambda o: url_for("competition_setup.setup", competition_id=o.competition_id),
    "budget_line_rule": lambda o: url_for(
        "competition_setup.setup", competition_id=o.competition_id
    ),
    "rubric": lambda o: url_for("competition_setup.setup", competition_id=o.competition_id),
    "application": lambda o: url_for("applications.show", application_id=o.id),
    "activity_dispute": lambda o: url_for("followup.dispute", dispute_id=o.id),
    "judge_profile": lambda o: url_for("judging.judge_detail", user_id=o.user_id),
    "judge_tie": lambda o: url_for("judging.judge_detail", user_id=o.judge_id),
    "panel": lambda o: url_for("judging.assignments", stage_id=o.stage_id),
    "assignment": lambda o: url_for("judging.assignments", stage_id=o.stage_id),
    "score_sheet": lambda o: url_for(
        "judging.application_sheets", stage_id=o.stage_id, application_id=o.application_id
    ),
    "roadshow_session": lambda o: url_for("judging.roadshow_control", session_id=o.id),
    "roadshow_slot": lambda o: url_for(
        "judging.roadshow_results", session_id=o.session_id, slot_id=o.id
    ),
    "result_snapshot": lambda o: url_for("rankings.snapshot", snapshot_id=o.id),
    "publication": lambda o: url_for("results.decisions", competition_id=o.competition_id),
    "decision": lambda o: url_for(
        "results.decision_edit", competition_id=o.competition_id, decision_id=o.id
    ),
    "objection": lambda o: url_for(
        "results.objection_detail", competition_id=o.competition_id, objection_id=o.id
    ),
    "project": lambda o: url_for("followup.project", project_id=o.id),
    "agreement": _project_page,
    "tranche": _project_page,
    "progress_report": _project_page,
    "expense": _project_page,
    "project_milestone": _project_page,
    "recovery_payment": _project_page,
    "evaluation": lambda o: url_for("followup.evaluation", evaluation_id=o.id),
    "job": lambda o: (
        url_for("reports.export_job", job_id=o.id)
        if o.kind == "export"
        else url_for("rankings.job_status", job_id=o.id)
    ),
}


# --- values ------------------------------------------------------------------------------


@cache
def _enum_of(table: str, name: str):
    model = _models().get(table)
    column = model.__table__.columns.get(name) if model is not None else None
    return getattr(column.type, "enum_class", None) if column is not None else None


def _section_title(value) -> str | None:
    from venture.applications.sections import BY_KEY

    found = BY_KEY.get(value) if isinstance(value, str) else None
    return str(found.title) if found else None


@cache
def _unique_enum_values() -> dict[str, object]:
    """Stored enum values that belong to one labelled enum only: their labels."""
    from venture.labels import LABELS

    seen: dict[str, list] = {}
    for key, text in dict.items(LABELS):
        if isinstance(key, tuple):
            seen.setdefault(key[2], []).append(text)
    return {value: texts[0] for value, texts in seen.items() if len(texts) == 1}


def readable(
    table: str, name: str, value, names: Names, viewer, *, in_list: bool = False
) -> Markup:
    """One stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return escape(DASH)
    if isinstance(value, bool):
        return escape(_("Yes") if value else _("No"))
    if in_list and name in LIST_REFS and isinstance(value, int):
        return names.markup(LIST_REFS[name], value, viewer)
    if isinstance(value, list):
        shown = Markup("、").join(
            readable(table, name, v, names, viewer, in_list=True) for v in value[:MAX_ITEMS]
        )
        more = len(value) - MAX_ITEMS
        return shown + (escape(" " + _("and %(count)d more", count=more)) if more > 0 else "")
    if isinstance(value, dict):
        return Markup("; ").join(
            Markup("{}: {}").format(field_label(str(k)), readable(table, str(k), v, names, viewer))
            for k, v in list(value.items())[:MAX_ITEMS]
        )
    if isinstance(value, int):
        return _readable_number(name, value, names, viewer)
    if isinstance(value, str):
        return escape(_readable_text(table, name, value))
    return _plain(value)


def _readable_number(name: str, value: int, names: Names, viewer) -> Markup:
    """An amount in fen as money, a row id as the row's name, any other number as it is."""
    if name.endswith("_fen"):
        return escape(format_money(value))
    if name in VALUE_REFS:
        return names.markup(VALUE_REFS[name], value, viewer)
    return _plain(value)


def _readable_text(table: str, name: str, value: str) -> str:
    """A stored string by its label when it has one (field, section, enum value, fixed value),
    a time in Beijing time, else the text itself (cut short)."""
    if name in FIELD_NAME_LISTS:
        return field_label(value)
    if name == "section" and _section_title(value):
        return _section_title(value)
    enum_label = _enum_label(table, name, value)
    if enum_label is not None:
        return enum_label
    if (name, value) in VALUES:
        return str(VALUES[(name, value)])
    if value in _unique_enum_values():
        return str(_unique_enum_values()[value])
    local = _local_time(value)
    return local if local is not None else _cut(value)


def _enum_label(table: str, name: str, value: str) -> str | None:
    """The label of the column's enum value; None when the column holds no enum or not this value."""
    enum_cls = _enum_of(table, name)
    if enum_cls is None:
        return None
    try:
        return label(enum_cls(value))
    except ValueError:
        return None


def _local_time(value: str) -> str | None:
    """An ISO time (as the audit log stores them) in Beijing time; None for any other text."""
    if not _ISO_TIME.match(value):
        return None
    try:
        return format_local(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def _plain(value) -> Markup:
    return escape(_cut(str(value)))


# --- entries ------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: Markup | None  # None: a value set, not changed from something
    after: Markup


@dataclass
class Line:
    entry: object
    actor: Markup
    what: Markup
    refused: str = ""
    changes: list[FieldChange] = field(default_factory=list)


def _changes(entry, names: Names, viewer) -> list[FieldChange]:
    rows = []
    for name, value in (entry.changes or {}).items():
        if name == "refused":
            continue
        if (
            isinstance(value, list)
            and len(value) == 2
            and not any(isinstance(v, list | dict) for v in value)
        ):
            before, after = value
            rows.append(
                FieldChange(
                    field_label(name),
                    None
                    if before in (None, "")
                    else readable(entry.object_type, name, before, names, viewer),
                    readable(entry.object_type, name, after, names, viewer),
                )
            )
        else:
            rows.append(
                FieldChange(
                    field_label(name), None, readable(entry.object_type, name, value, names, viewer)
                )
            )
    return rows


def _flat(values: list):
    for value in values:
        if isinstance(value, list):
            yield from _flat(value)
        else:
            yield value


def present(entries, viewer) -> list[Line]:
    """Sentences for a page of entries, with every name loaded in bulk."""
    names = Names()
    for entry in entries:
        names.want("user", entry.actor_id)
        names.want(entry.object_type, entry.object_id)
        for name, value in (entry.changes or {}).items():
            if name in VALUE_REFS:
                for item in value if isinstance(value, list) else [value]:
                    names.want(VALUE_REFS[name], item)
            if name in LIST_REFS and isinstance(value, list):
                for item in _flat(value):
                    names.want(LIST_REFS[name], item)
    names.load()
    lines = []
    for entry in entries:
        if entry.actor_id is not None and names.get("user", entry.actor_id) is not None:
            actor = names.markup("user", entry.actor_id, viewer)
        else:
            actor = escape(entry.actor_label or _("The system"))
        obj = (
            names.markup(entry.object_type, entry.object_id, viewer)
            if entry.object_type
            else Markup("")
        )
        what = (
            escape(action_phrase(entry.action)) % {"object": obj}
            if "%(object)s" in action_phrase(entry.action)
            else escape(action_phrase(entry.action))
        )
        refused = str((entry.changes or {}).get("refused") or "")
        lines.append(Line(entry, actor, Markup(what), refused, _changes(entry, names, viewer)))
    return lines


def action_choices() -> list[tuple[str, str]]:
    return sorted(
        ((code, action_phrase(code).replace("%(object)s", "…")) for code in ACTIONS),
        key=lambda pair: pair[1],
    )


def noun(table: str) -> str:
    return str(NOUNS.get(table, table))
