"""Loading a stage's submitted sheets in bulk: one query, numpy arrays.

Each submitted sheet carries its criterion scores in one text column (``tenths``: four
digits of tenths of a point per criterion in criterion-id order, 9999 for "not
applicable"; written by the judging services whenever a sheet changes). The load reads
ONE row per sheet from ``score_sheet`` alone — no join with the 490,000 criterion rows —
and numpy decodes every sheet at once and computes its total:

    total = answered sum                                  (no criterion n/a)
    total = answered sum × rubric total ÷ answered maxima  (some n/a: rescaled)

which is the engine's definition (``venture.scoring.totals``), with the same float
operations as ``venture rank`` so both publish the same scores. A sheet with every
criterion n/a has no total (the engine's ``empty_sheets``). The digest below and the
criterion tie-break come from the same rows.

The input digest (SHA-256, "venture-sheets-v1"). The canonical list is every criterion
score of the stage's submitted sheets as (application code, judge user id, criterion id,
score in tenths of a point or −1 for n/a), sorted by code, then judge id, then criterion
id. The hashed bytes are::

    b"venture-sheets-v1\\n"
    + the distinct application codes, sorted, each followed by b"\\n"
    + b"\\n"
    + for each item of the list, four little-endian int32: the code's index in the
      sorted codes, the judge id, the criterion id, the tenths (or −1)

:func:`reference_digest` computes the same from plain tuples (the tests check the fast
path against it); unchanged sheets always give the same digest, a changed score,
an added, reopened or removed sheet a different one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import sqlalchemy as sa

from venture.applications.models import Application
from venture.competitions.models import RubricCriterion, Stage
from venture.errors import ValidationError
from venture.extensions import db
from venture.judging.models import SheetStatus

DIGEST_HEADER = b"venture-sheets-v1\n"
NOT_APPLICABLE = 9999  # venture.judging.models.NOT_APPLICABLE_TENTHS
DIGITS = np.array([1000, 100, 10, 1], dtype=np.int64)


@dataclass(frozen=True)
class Criterion:
    id: int
    name: str
    max_tenths: int

    @property
    def max_score(self) -> Decimal:
        return Decimal(self.max_tenths).scaleb(-1)


@dataclass(frozen=True)
class AppInfo:
    """What the ranking needs to know of the applications, in code order (= key)."""

    ids: np.ndarray  # application id of each key
    codes: list[str]
    category_ids: list[int | None]
    requested_fen: list[int]
    submitted_at: _Lazy  # .by_id() -> {application id: first submission time}


@dataclass(frozen=True, eq=False)
class StageSheets:
    """A stage's submitted sheets as arrays (one row per sheet, sorted by code then judge)."""

    stage_id: int
    criteria: tuple[Criterion, ...]
    apps: AppInfo
    key: np.ndarray  # index into apps (code order) of each sheet
    judge: np.ndarray  # judge user id of each sheet
    tenths: np.ndarray  # sheets × criteria, −1 = n/a
    total: np.ndarray  # NaN for a sheet with every criterion n/a
    digest: str
    rubric_total: Decimal = field(default=Decimal(0))

    @property
    def n_sheets(self) -> int:
        return len(self.key)


class SheetDataError(ValidationError):
    """The stored sheets break a rule the computation relies on."""


def stage_criteria(stage: Stage) -> list[Criterion]:
    rows = db.session.execute(
        sa.select(RubricCriterion.id, RubricCriterion.name, RubricCriterion.max_score).where(
            RubricCriterion.rubric_id == stage.rubric_id
        )
    ).all()
    return [
        Criterion(cid, name, int((Decimal(str(maximum)) * 10).to_integral_value()))
        for cid, name, maximum in rows
    ]


def load_stage_sheets(stage: Stage) -> StageSheets:
    """Every submitted sheet of the stage, in a constant number of queries."""
    from flask_babel import gettext as _

    criteria = stage_criteria(stage) if stage.rubric_id else []
    if not criteria:
        raise SheetDataError(
            _("The stage has no rubric with criteria: there is nothing to compute.")
        )
    criteria = tuple(sorted(criteria, key=lambda c: c.id))
    rows = _fetch_sheets(stage.id)
    apps = _application_info(stage.competition_id)
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return StageSheets(
            stage.id,
            criteria,
            _subset(apps, empty),
            empty,
            empty,
            np.zeros((0, len(criteria)), dtype=np.int64),
            np.zeros(0),
            digest_of(criteria, [], empty, empty, np.zeros((0, len(criteria)))),
        )
    app_ids, judges, rubrics, texts = zip(*rows, strict=True)
    app_ids, judges = np.array(app_ids, dtype=np.int64), np.array(judges, dtype=np.int64)
    rubric_id = stage.rubric_id  # read once: an ORM attribute costs a call per sheet
    _check_one_rubric(len(rubrics) - rubrics.count(rubric_id))
    tenths, counts = _decode(texts, len(criteria))
    _check_sheets(criteria, counts, tenths, app_ids, judges, apps)

    # Keys: applications in code order (so ties list by code, as in `venture rank`).
    used = np.unique(app_ids)
    sub = _subset(apps, used)
    key_of_used = np.empty(len(used), dtype=np.int64)
    key_of_used[np.searchsorted(used, sub.ids)] = np.arange(len(sub.ids))
    keys = key_of_used[np.searchsorted(used, app_ids)]
    order = np.lexsort((judges, keys))
    keys, judges, tenths = keys[order], judges[order], tenths[order]
    return StageSheets(
        stage.id,
        criteria,
        sub,
        keys,
        judges,
        tenths,
        sheet_totals_from_tenths(criteria, tenths),
        digest_of(criteria, sub.codes, keys, judges, tenths),
        Decimal(sum(c.max_tenths for c in criteria)).scaleb(-1),
    )


def sheet_totals_from_tenths(criteria, tenths: np.ndarray) -> np.ndarray:
    """The engine's sheet totals, with the float operations of ``venture rank``."""
    maxima = np.array([c.max_tenths for c in criteria], dtype=np.float64) / 10
    answered = tenths >= 0
    answered_sum = np.where(answered, tenths, 0).sum(axis=1) / 10
    answered_max = np.where(answered, maxima, 0.0).sum(axis=1)
    partial = answered.any(axis=1) & ~answered.all(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rescaled = answered_sum * maxima.sum() / answered_max
    total = np.where(partial, rescaled, answered_sum)
    total[~answered.any(axis=1)] = np.nan
    return total


def _check_one_rubric(others: int) -> None:
    from flask_babel import gettext as _

    if others:
        raise SheetDataError(
            _(
                "%(count)s submitted sheets of this stage use another rubric than the "
                "stage's: they cannot be ranked together.",
                count=others,
            )
        )


def _fetch_sheets(stage_id: int) -> list[tuple]:
    """One row per submitted sheet: application, judge, rubric, scores text."""
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.execute(
            "SELECT application_id, judge_id, rubric_id, tenths FROM score_sheet "
            f"WHERE stage_id = {int(stage_id)} AND status = '{SheetStatus.SUBMITTED.value}'"
        )
        return cursor.fetchall()  # plain tuples: no Row objects for 70,000 sheets
    finally:
        cursor.close()


def _decode(texts, n_criteria: int) -> tuple[np.ndarray, np.ndarray]:
    """(sheets × criteria) tenths, −1 where not applicable; and each sheet's number of
    scores (a sheet with another number is reported by _check_sheets)."""
    width = n_criteria * 4
    counts = np.fromiter((len(t or "") // 4 for t in texts), dtype=np.int64, count=len(texts))
    whole = [t if t and len(t) == width else "9" * width for t in texts]
    digits = (
        np.frombuffer("".join(whole).encode("ascii", "replace"), dtype=np.uint8).astype(np.int64)
        - 48
    )
    if len(digits) and (digits.min() < 0 or digits.max() > 9):
        raise SheetDataError(_scores_unreadable())
    tenths = digits.reshape(len(texts), n_criteria, 4) @ DIGITS
    tenths[tenths == NOT_APPLICABLE] = -1
    return tenths, counts


def _scores_unreadable() -> str:
    from flask_babel import gettext as _

    return _("A submitted sheet's stored scores cannot be read; save the sheet again.")


def _check_sheets(criteria, counts, tenths, app_ids, judges, apps: AppInfo) -> None:
    from flask_babel import gettext as _

    maxima = np.array([c.max_tenths for c in criteria])
    bad = np.flatnonzero((counts != len(criteria)) | (tenths > maxima).any(axis=1))
    if len(bad):
        i = int(bad[0])
        code = _code_of(apps, int(app_ids[i]))
        if counts[i] != len(criteria):
            raise SheetDataError(
                _(
                    "The sheet of judge #%(judge)s for %(code)s has %(count)s criterion "
                    "scores; the rubric has %(expected)s.",
                    judge=int(judges[i]),
                    code=code,
                    count=int(counts[i]),
                    expected=len(criteria),
                )
            )
        raise SheetDataError(
            _(
                "The sheet of judge #%(judge)s for %(code)s has a score above its "
                "criterion's maximum.",
                judge=int(judges[i]),
                code=code,
            )
        )


def _code_of(apps: AppInfo, app_id: int) -> str:
    index = int(np.searchsorted(apps.ids, app_id)) if len(apps.ids) else 0
    if index < len(apps.ids) and apps.ids[index] == app_id:
        return apps.codes[index]
    return f"#{app_id}"


def _application_info(competition_id: int) -> AppInfo:
    """Every application of the competition, sorted by id (one query)."""
    connection = db.session.connection()
    cursor = connection.connection.dbapi_connection.cursor()
    try:  # plain tuples: 10,000 applications, no Row objects
        cursor.execute(
            "SELECT id, code, category_id, requested_fen FROM application "
            f"WHERE competition_id = {int(competition_id)} ORDER BY id"
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    ids, codes, categories, requested = zip(*rows, strict=True) if rows else ((), (), (), ())
    return AppInfo(
        np.array(ids, dtype=np.int64),
        [c or f"#{i}" for i, c in zip(ids, codes, strict=True)],
        list(categories),
        list(requested),
        _Lazy(competition_id),
    )


class _Lazy:
    """Submission times, read only when a tie-break asks for them (one query)."""

    def __init__(self, competition_id: int):
        self.competition_id = competition_id
        self._values: dict | None = None

    def by_id(self) -> dict:
        if self._values is None:
            self._values = dict(
                db.session.execute(
                    sa.select(Application.id, Application.submitted_at).where(
                        Application.competition_id == self.competition_id
                    )
                ).all()
            )
        return self._values


def _subset(apps: AppInfo, ids: np.ndarray) -> AppInfo:
    """The applications with these ids, re-ordered by code."""
    index = np.searchsorted(apps.ids, ids) if len(apps.ids) else np.zeros(0, dtype=np.int64)
    index = [int(i) for i in index]
    index.sort(key=apps.codes.__getitem__)
    return AppInfo(
        apps.ids[index] if index else np.zeros(0, dtype=np.int64),
        [apps.codes[i] for i in index],
        [apps.category_ids[i] for i in index],
        [apps.requested_fen[i] for i in index],
        apps.submitted_at,
    )


# --- the digest -------------------------------------------------------------------------


def digest_of(
    criteria, codes: list[str], keys: np.ndarray, judges: np.ndarray, tenths: np.ndarray
) -> str:
    """SHA-256 of the canonical form (module docstring); sheets sorted by (key, judge)."""
    n_criteria = len(criteria)
    records = np.empty((len(keys), n_criteria, 4), dtype="<i4")
    records[:, :, 0] = keys[:, None]
    records[:, :, 1] = judges[:, None]
    records[:, :, 2] = np.array([c.id for c in criteria], dtype=np.int64)[None, :]
    records[:, :, 3] = tenths
    digest = hashlib.sha256(DIGEST_HEADER)
    digest.update("".join(code + "\n" for code in codes).encode("utf-8") + b"\n")
    digest.update(records.tobytes())
    return digest.hexdigest()


def reference_digest(items: Iterable[tuple[str, int, int, Decimal | None]]) -> str:
    """The digest from plain (code, judge id, criterion id, score or None) tuples."""
    items = sorted(
        (code, judge, criterion, -1 if score is None else int(Decimal(score) * 10))
        for code, judge, criterion, score in items
    )
    codes = sorted({item[0] for item in items})
    index = {code: i for i, code in enumerate(codes)}
    digest = hashlib.sha256(DIGEST_HEADER)
    digest.update("".join(code + "\n" for code in codes).encode("utf-8") + b"\n")
    for code, judge, criterion, tenths in items:
        digest.update(np.array([index[code], judge, criterion, tenths], dtype="<i4").tobytes())
    return digest.hexdigest()
