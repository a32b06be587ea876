"""Every state change of the results domain (decisions, public notice, objections,
finalization). Other domains call these; views call them one per user intention."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.notices import kinds
from venture.results.services.decisions import (
    CategoryBudget,
    apply_change,
    approve,
    budget_summary,
    change_decision,
    decision_for,
    decisions_of,
    finalize,
    finalize_blockers,
    generate_decisions,
    get_decision,
    latest_final_snapshot,
    open_objection_count,
    planned_publicity,
    proposal_from_entry,
    publication_of,
    publicity_window,
)
from venture.results.services.objections import (
    answer_objection,
    file_objection,
    get_objection,
    lookup_objection,
    normalize_receipt,
)

kinds.register("results_published", _l("Results on public notice: your outcome and score card"))
kinds.register("results_final", _l("Final results: your outcome"))
kinds.register("objection_received", _l("An objection was filed (organizers)"))
kinds.register("objection_answered", _l("Reply to an objection (sent to the objector)"))

__all__ = [
    "CategoryBudget",
    "answer_objection",
    "apply_change",
    "approve",
    "budget_summary",
    "change_decision",
    "decision_for",
    "decisions_of",
    "file_objection",
    "finalize",
    "finalize_blockers",
    "generate_decisions",
    "get_decision",
    "get_objection",
    "latest_final_snapshot",
    "lookup_objection",
    "normalize_receipt",
    "open_objection_count",
    "planned_publicity",
    "proposal_from_entry",
    "publication_of",
    "publicity_window",
]
