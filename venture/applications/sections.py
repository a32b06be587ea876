"""The sections of the application form, in the order applicants fill them in."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Section:
    key: str
    title: object
    fields: tuple  # what the section's save changes (service keys)
    autosave: bool = True


SECTIONS = [
    Section(
        "project",
        _l("Project"),
        ("project_name", "category_id", "period_months", "start_date", "end_date", "communities"),
    ),
    Section(
        "beneficiaries",
        _l("Beneficiaries"),
        ("direct_beneficiaries", "indirect_beneficiaries", "beneficiary_description"),
    ),
    Section("need", _l("Summary and need"), ("summary", "need_analysis")),
    Section("goals", _l("Goals"), ("overall_goal", "specific_goals")),
    Section("plan", _l("Implementation plan"), ("implementation_plan", "milestones")),
    Section("features", _l("Features and risks"), ("features", "risks")),
    Section("team", _l("Team"), ("team",)),
    Section("budget", _l("Budget"), ("budget_lines", "requested_fen", "cofunding_fen")),
    Section("attachments", _l("Attachments"), (), autosave=False),
    Section("submit", _l("Pledge and submission"), ("pledge",)),
]
BY_KEY = {s.key: s for s in SECTIONS}
SCALAR_FIELDS = {
    "project_name",
    "category_id",
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
    "pledge",
}


def section(key: str) -> Section | None:
    return BY_KEY.get(key)


def next_section(key: str) -> Section | None:
    keys = [s.key for s in SECTIONS]
    i = keys.index(key)
    return SECTIONS[i + 1] if i + 1 < len(SECTIONS) else None
