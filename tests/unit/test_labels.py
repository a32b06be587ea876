"""Enum labels: every member of an enum that has labels has its own.

Equal values of different string enums are equal keys in a dict literal
(``{RoadshowStatus.CLOSED: ..., SlotStatus.CLOSED: ...}`` keeps one entry), so a
label table written that way silently loses members, which then show their raw value.
"""

from __future__ import annotations

import enum
from importlib import import_module

import pytest


@pytest.fixture(scope="module")
def labels():
    from venture import MODEL_MODULES, create_app
    from venture.labels import LABELS

    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # imports every domain's labels
    enums = []
    for name in MODEL_MODULES:
        module = import_module(name)
        enums += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == name
        ]
    return LABELS, enums


def test_every_member_of_a_labelled_enum_has_a_label(labels):
    table, enums = labels
    missing = []
    for cls in enums:
        members = list(cls)
        if any(m in table for m in members):
            missing += [
                f"{cls.__module__}.{cls.__name__}.{m.name}" for m in members if m not in table
            ]
    assert missing == []


def test_equal_values_of_different_enums_keep_their_own_labels(labels):
    from venture.followup.models import EvaluationStatus, LiaisonStatus, ReportStatus, TrancheStatus
    from venture.judging.models import RoadshowStatus, SlotStatus

    table, _enums = labels
    pairs = [
        (RoadshowStatus.CLOSED, SlotStatus.CLOSED),
        (TrancheStatus.PENDING, LiaisonStatus.PENDING),
        (ReportStatus.SUBMITTED, EvaluationStatus.SUBMITTED),
    ]
    for first, second in pairs:
        assert first == second  # the same string value, and yet their own (English source) labels:
        assert table[first]._args[0] != table[second]._args[0]


def test_labels_set_only_if_missing_are_found_by_their_enum(labels):
    from venture.judging.models import RoadshowStatus, SlotStatus
    from venture.labels import EnumLabels

    table = EnumLabels()
    table.setdefault(RoadshowStatus.CLOSED, "the session ended")
    table.setdefault(RoadshowStatus.CLOSED, "ignored: it is set already")
    assert table[RoadshowStatus.CLOSED] == "the session ended" and SlotStatus.CLOSED not in table
    assert dict.get(table, "closed") is None  # never stored under the bare value


def test_every_page_labels_a_stage_kind_from_one_table(labels):
    """The rankings, the scorecard and the generic filter say the same name for each stage kind."""
    from flask_babel import force_locale

    from venture import create_app
    from venture.competitions.labels import STAGE_KIND, stage_label
    from venture.competitions.models import SCORING_STAGES, StageKind
    from venture.labels import label
    from venture.rankings.labels import stage_label as ranking_stage_label

    table, _enums = labels
    with (
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_request_context(),
        force_locale("zh_CN"),
    ):
        for kind in StageKind:
            assert table[kind] is STAGE_KIND[kind]
            assert label(kind) == stage_label(kind)
        for kind in SCORING_STAGES:
            assert ranking_stage_label(kind) == stage_label(kind)


def test_no_module_keeps_its_own_stage_kind_labels():
    """A second table of stage names is how one stage came to be "专家评审" here and "网络评审" there."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "venture"
    own_table = re.compile(r"StageKind\.\w+\s*:\s*_l\(")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "labels.py" or path.parent.name != "competitions"
        if own_table.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
