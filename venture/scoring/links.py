"""Tie-break links as ``venture rank --tie-break LINK`` writes them, and their columns.

A stage stores its chain as JSON links (``rankings.tiebreaks``); on the command line and
in the sheets export each link is one word:

* ``criterion:NAME``: higher average on criterion NAME of these sheets (n/a left out);
* ``criterion:NAME@STAGE``: the same in another stage;
* ``stage:STAGE``: higher published score in STAGE;
* ``requested_amount``: lower amount requested (元);
* ``submitted_at``: earlier first submission (ISO 8601).

Every link but ``criterion:NAME`` reads its values from a ``tie:LINK`` column of the
sheets file (e.g. ``tie:stage:roadshow``), the same value on every row of an application
(empty: no value, ranked after those with one). Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

COLUMN_PREFIX = "tie:"
SYNTAX = "criterion:NAME, criterion:NAME@STAGE, stage:STAGE, requested_amount or submitted_at"


class LinkError(ValueError):
    """A link that is not one of the forms above."""


@dataclass(frozen=True)
class Link:
    kind: str  # criterion, stage, requested_amount, submitted_at
    name: str = ""  # the criterion, or the stage of a stage link
    stage: str = ""  # a criterion link's other stage

    @property
    def text(self) -> str:
        if self.kind == "criterion":
            return f"criterion:{self.name}@{self.stage}" if self.stage else f"criterion:{self.name}"
        if self.kind == "stage":
            return f"stage:{self.name}"
        return self.kind

    @property
    def column(self) -> str | None:
        """The column the values are read from; None when the sheets hold them."""
        return None if self.kind == "criterion" and not self.stage else COLUMN_PREFIX + self.text

    @property
    def descending(self) -> bool:
        return self.kind in ("criterion", "stage")


def parse_link(text: str) -> Link:
    text = text.strip()
    kind, _colon, rest = text.partition(":")
    if kind in ("requested_amount", "submitted_at") and not rest:
        return Link(kind)
    if kind == "stage" and rest and "@" not in rest:
        return Link("stage", rest)
    if kind == "criterion" and rest:
        name, _at, stage = rest.rpartition("@") if "@" in rest else (rest, "", "")
        if name.strip() and (stage.strip() or "@" not in rest):
            return Link("criterion", name.strip(), stage.strip())
    raise LinkError(f"tie-break {text!r} is not understood: use {SYNTAX}")


def stored_link(link: dict, stage: str = "") -> Link:
    """A stage's stored link (JSON, ``rankings.tiebreaks``) as a ``Link``: the one reading
    of that format. With ``stage``, as written for ranking that stage's sheets: a
    criterion of the stage itself is read from its sheets."""
    kind = link.get("kind") if isinstance(link, dict) else None
    if kind == "criterion":
        other = link.get("stage") or ""
        return Link("criterion", str(link.get("name", "")), "" if other == stage else str(other))
    if kind == "stage":
        return Link("stage", str(link.get("stage", "")))
    if kind in ("requested_amount", "submitted_at"):
        return Link(kind)
    raise LinkError(f"tie-break {link!r} is not understood")
