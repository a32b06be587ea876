"""Every audit action the code writes has a label, so a new action cannot ship as a
raw code on the audit log page; every field that changes name has a label too."""

from __future__ import annotations

import ast

import pytest

from tests.unit.audit_actions import ROOT, SOURCES, find_actions

# Written outside venture/ (by a migration), not found by reading the services.
WRITTEN_ELSEWHERE = {"audit.chain_keyed"}


@pytest.fixture(scope="module")
def app():
    from venture import create_app

    application = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )  # imports every form and label
    with application.test_request_context():
        yield application


def test_every_action_written_anywhere_has_a_label():
    from venture.audit.labels import ACTIONS

    found = find_actions()
    assert found.unresolved == [], "action names the finder cannot read: use literals"
    assert len(found.actions) > 100  # the finder sees the services
    missing = {action: where[0] for action, where in found.actions.items() if action not in ACTIONS}
    assert missing == {}, "add these to venture/audit/labels.py ACTIONS"


def test_no_label_waits_for_an_action_nobody_writes():
    from venture.audit.labels import ACTIONS

    stale = set(ACTIONS) - set(find_actions().actions) - WRITTEN_ELSEWHERE
    assert stale == set()


def test_the_finder_follows_parameters_and_tables():
    actions = find_actions().actions
    assert (
        "orgs.member_leave" in actions and "orgs.member_remove" in actions
    )  # a conditional expression
    assert (
        "judging.sheet_save" in actions
    )  # ensure_unlocked(action=...) → record_refusal(action, ...)
    assert "competition.basics_changed" in actions  # _apply(..., "competition.basics_changed", ...)
    assert "application.screening_returned" in actions  # SCREENING_ACTIONS[status]


def _changed_field_names() -> set[str]:
    """Keys of literal changes={...} and the *_FIELDS tuples that snapshot() reads."""
    names: set[str] = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            if (ROOT / "venture" / "audit") in path.parents:
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        if keyword.arg == "changes" and isinstance(keyword.value, ast.Dict):
                            names |= {
                                k.value for k in keyword.value.keys if isinstance(k, ast.Constant)
                            }
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Tuple | ast.List)
                    and any(
                        isinstance(t, ast.Name) and t.id.endswith("FIELDS") for t in node.targets
                    )
                ):
                    names |= {
                        e.value
                        for e in node.value.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    }
    return names


def test_every_field_named_in_changes_has_a_label(app):
    from venture.audit.labels import FIELDS
    from venture.audit.presenting import _form_labels

    names = _changed_field_names()
    assert len(names) > 100
    unlabelled = sorted(n for n in names if n not in FIELDS and n not in _form_labels())
    assert unlabelled == []


def test_each_phrase_names_its_object_at_most_once():
    from venture.audit.labels import ACTIONS

    for action, phrase in ACTIONS.items():
        assert phrase._args[0].count("%(object)s") <= 1, action


def test_every_object_link_builds_a_url_of_the_app(app):
    """A mistyped endpoint would make the log page fail on the first entry of that type."""
    from types import SimpleNamespace

    from venture.audit.labels import NOUNS
    from venture.audit.presenting import LINKS, _models

    assert set(LINKS) <= set(NOUNS) <= set(_models())
    for table, link in LINKS.items():
        obj = SimpleNamespace(
            id=1,
            competition_id=2,
            stage_id=3,
            application_id=4,
            project_id=5,
            session_id=6,
            organization_id=7,
            user_id=8,
            judge_id=9,
            kind="export",
            is_judge=True,
        )
        url = link(obj)
        assert url and url.startswith("/"), table
