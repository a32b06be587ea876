"""The engine's exceptions: each names what is wrong so a caller can point at it."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any


class ScoringError(Exception):
    """Base class of every error the scoring engine raises on purpose."""


class InvalidParameterError(ScoringError, ValueError):
    """A parameter (weights, K, a budget, a mode...) makes no sense."""


class SheetValidationError(ScoringError, ValueError):
    """One input record breaks a rule.

    ``record`` is the offending record (a ``CriterionScore`` when the input was records,
    else ``None``); ``index`` its position in the input (0-based); ``line`` the source line
    that the record carries, when it came from a file.
    """

    def __init__(self, message: str, *, record: Any = None, index: int | None = None):
        super().__init__(message)
        self.message = message
        self.record = record
        self.index = index

    @property
    def line(self) -> int | None:
        return getattr(self.record, "line", None)


class ScoreOutOfRangeError(SheetValidationError):
    """A criterion score below 0 or above the criterion's maximum."""


class DuplicateScoreError(SheetValidationError):
    """Two records for the same (application, judge, criterion)."""


class MissingCriterionError(SheetValidationError):
    """A sheet lacks a criterion that other sheets of the stage have."""


class InconsistentMaximumError(SheetValidationError):
    """The same criterion has different maxima (or a maximum on some rows only)."""


class MissingMaximumError(SheetValidationError):
    """A not-applicable score without a maximum: the total cannot be rescaled."""


class InvalidTotalError(SheetValidationError):
    """An aggregated sheet total that is not a finite number, or a duplicate sheet."""


@dataclass(frozen=True)
class PanelComponent:
    """One connected group of the application-judge graph."""

    applications: tuple[Hashable, ...]
    judges: tuple[Hashable, ...]


class DisconnectedPanelError(ScoringError):
    """Bias calibration needs one connected application-judge graph.

    Biases of judges who never share an application (directly or through a chain of
    applications) cannot be compared, so the engine refuses instead of guessing.
    ``components`` lists every group with its applications and judges.
    """

    LISTED = 20  # members named per group in the message; ``components`` has them all

    def __init__(self, components: Sequence[PanelComponent]):
        self.components = tuple(components)
        groups = "; ".join(
            f"group {number}: applications {_names(c.applications, self.LISTED)}"
            f" / judges {_names(c.judges, self.LISTED)}"
            for number, c in enumerate(self.components, start=1)
        )
        super().__init__(
            f"bias calibration needs judges linked by shared applications, but the panel "
            f"splits into {len(self.components)} separate groups: {groups}"
        )


def _names(items: Sequence[Hashable], limit: int) -> str:
    shown = ", ".join(str(item) for item in items[:limit])
    if len(items) > limit:
        shown += f", … and {len(items) - limit} more"
    return shown or "(none)"
