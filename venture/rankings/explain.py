"""Every number of a snapshot written out: sheets, calibrated totals, the arithmetic
from the totals to each method's score, why an application moves between methods, and
what the panel's ICC means. Reads only what the snapshot stored."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from venture.rankings.labels import method_label


@dataclass
class SheetLine:
    judge_id: int
    judge: str
    total: float
    dropped: bool  # by the trimmed mean
    zscore: float | None  # the total as the zscore method used it
    bias_adjusted: float | None  # the total minus the judge's bias
    outlier: bool


@dataclass
class MethodLine:
    method: str
    label: str
    score: str | None
    rank: int | None
    arithmetic: str
    chosen: bool


class SnapshotFigures:
    """The snapshot-wide figures the explanations need (judges, stage mean and spread)."""

    def __init__(self, snapshot, judge_names: dict[int, str]):
        diagnostics = snapshot.diagnostics or {}
        self.snapshot = snapshot
        self.methods: list[str] = list(diagnostics.get("methods") or [])
        self.judges = {j["id"]: j for j in diagnostics.get("judges") or []}
        self.names = judge_names
        stage = diagnostics.get("stage") or {}
        self.stage_mean, self.stage_sd = stage.get("mean"), stage.get("sd")
        self.trim = int((snapshot.params or {}).get("trim", 1))
        self.outliers = {(o[0], o[1]) for o in diagnostics.get("outliers") or []}

    def name(self, judge_id: int) -> str:
        return self.names.get(judge_id) or _("Judge #%(id)s", id=judge_id)

    def zscore(self, judge_id: int, total: float) -> float | None:
        """μ + σ·(T − μj)/σj, as the engine computed it; T for an unstandardised judge."""
        judge = self.judges.get(judge_id)
        if judge is None or self.stage_mean is None:
            return None
        if judge.get("unstandardised") or not judge.get("sd"):
            return total
        return self.stage_mean + self.stage_sd * (total - judge["mean"]) / judge["sd"]

    def bias_adjusted(self, judge_id: int, total: float) -> float | None:
        judge = self.judges.get(judge_id)
        if judge is None or judge.get("bias") is None:
            return None
        return total - judge["bias"]

    def sheets(self, entry) -> list[SheetLine]:
        details = entry.details or {}
        dropped = set(details.get("dropped") or [])
        return [
            SheetLine(
                judge,
                self.name(judge),
                total,
                judge in dropped,
                self.zscore(judge, total),
                self.bias_adjusted(judge, total),
                (entry.application_id, judge) in self.outliers,
            )
            for judge, total in zip(
                details.get("judges") or [], details.get("totals") or [], strict=True
            )
        ]

    def method_lines(self, entry) -> list[MethodLine]:
        sheets = self.sheets(entry)
        lines = []
        for m in self.methods:
            score = self.score_of(entry, m)
            lines.append(
                MethodLine(
                    m,
                    method_label(m),
                    score,
                    self.rank_of(entry, m),
                    arithmetic(m, sheets, score),
                    m == self.snapshot.method,
                )
            )
        return lines

    def rank_of(self, entry, method: str) -> int | None:
        ranks = (entry.details or {}).get("ranks") or []
        index = self.methods.index(method) if method in self.methods else -1
        return ranks[index] if 0 <= index < len(ranks) else None

    def score_of(self, entry, method: str) -> str | None:
        """The published score under the method, with its two decimals."""
        scores = (entry.details or {}).get("scores") or []
        index = self.methods.index(method) if method in self.methods else -1
        if not 0 <= index < len(scores) or scores[index] is None:
            return None
        return f"{scores[index]:.2f}"  # a number of cents ÷ 100: exact at two decimals

    def movement_reason(self, entry, method: str) -> str:
        """Why the entry's score under ``method`` differs from the snapshot's method."""
        base = self.snapshot.method
        sheets = self.sheets(entry)
        if not sheets or method == base:
            return ""
        calibrated = (
            method if method in ("zscore", "bias") else base if base in ("zscore", "bias") else None
        )
        if calibrated is not None:
            judge = self._strongest_judge(sheets, calibrated)
            if judge is not None:
                name, value = judge
                if calibrated == "bias":
                    text = _(
                        "judge %(name)s's bias %(value)s removed", name=name, value=signed(value)
                    )
                else:
                    text = _(
                        "judge %(name)s's severity %(value)s calibrated",
                        name=name,
                        value=severity_points(value),
                    )
                return (
                    text if calibrated == method else _("without calibration: %(text)s", text=text)
                )
        dropped = [s for s in sheets if s.dropped]
        if {base, method} == {"trimmed", "mean"} and dropped:
            values = ", ".join(number(s.total) for s in dropped)
            if method == "mean":
                return _(
                    "the mean keeps the totals the trimmed mean drops: %(values)s", values=values
                )
            return _("the trimmed mean drops the totals %(values)s", values=values)
        if method == "median" or base == "median":
            return _("the median uses only the middle total(s), not the extremes")
        return _("other applications' scores moved around it")

    def _strongest_judge(self, sheets, method: str):
        key = "bias" if method == "bias" else "severity"
        candidates = [
            (abs(self.judges[s.judge_id][key]), s.judge, self.judges[s.judge_id][key])
            for s in sheets
            if self.judges.get(s.judge_id, {}).get(key) is not None
        ]
        if not candidates:
            return None
        _size, name, value = max(candidates)
        return name, value


def arithmetic(method: str, sheets: list[SheetLine], score) -> str:
    """From the sheet totals to the published score, e.g. (78.00 + 81.50 + 84.00) ÷ 3 = 81.17."""
    if not sheets or score is None:
        return ""
    totals = [s.total for s in sheets]
    if method == "median":
        n = len(totals)
        low, high = (n - 1) // 2, n // 2
        shown = [number(t) for t in totals]
        shown[low] = "[" + shown[low]
        shown[high] = shown[high] + "]"
        if low == high:
            return f"{', '.join(shown)} → {score}"
        return (
            f"{', '.join(shown)} → ({number(totals[low])} + {number(totals[high])}) ÷ 2 = {score}"
        )
    if method == "trimmed":
        kept = [s.total for s in sheets if not s.dropped]
        return f"({' + '.join(number(t) for t in kept)}) ÷ {len(kept)} = {score}"
    if method == "zscore":
        terms = [s.zscore for s in sheets]
    elif method == "bias":
        terms = [s.bias_adjusted for s in sheets]
    else:
        terms = totals
    if any(t is None for t in terms):
        return ""
    return f"({' + '.join(number(t) for t in terms)}) ÷ {len(terms)} = {score}"


def final_arithmetic(entry) -> str:
    """From the stages to a FINAL entry's score: weight × stage score + … = exact → score
    ("" when the entry has no score or lacks a weighted stage's score)."""
    if entry is None or entry.score is None:
        return ""
    details = entry.details or {}
    stages, weights = details.get("stages") or {}, details.get("weights") or {}
    if not weights or any(kind not in stages for kind in weights):
        return ""
    terms = " + ".join(f"{weight} × {stages[kind]}" for kind, weight in weights.items())
    return f"{terms} = {details.get('exact', entry.exact_score)} → {entry.score:.2f}"


def number(value: float | None) -> str:
    """Two decimals, or four when two would hide a digit (rescaled totals)."""
    if value is None:
        return ""
    text = f"{value:.2f}"
    return text if abs(float(text) - value) < 1e-9 else f"{value:.4f}"


def judge_points(value: float | None) -> str:
    """A judge statistic (mean, spread, quartile of their sheet totals) as every page writes
    it: one decimal. Totals are marked to half points; a second decimal only looks precise."""
    if value is None:
        return "—"
    return f"{value:.1f}"


def severity_points(value: float | None) -> str:
    """A judge's severity as every page writes it (the ranking's judge table and its
    bars, the judging dashboard's table and note, the movement reasons): the scoring
    engine's figure (their total minus the other judges' mean on the same applications,
    averaged; negative = harsher), signed, one decimal like the other judge statistics.
    One definition, one number."""
    if value is None:
        return "—"
    return f"{value:+.1f}".replace("-", "−")


def severity_sentence(name: str, value: float) -> str:
    """The same figure in words: how far a judge scores below or above the others."""
    points, shown = judge_points(abs(value)), severity_points(value)
    if value < 0:
        return _(
            "%(name)s scores %(points)s points below the other judges of the same applications "
            "(severity %(value)s).",
            name=name,
            points=points,
            value=shown,
        )
    return _(
        "%(name)s scores %(points)s points above the other judges of the same applications "
        "(severity %(value)s).",
        name=name,
        points=points,
        value=shown,
    )


def signed(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:+.1f}".replace("-", "−")


ICC_LEVELS = ((0.9, "excellent"), (0.75, "good"), (0.5, "moderate"), (float("-inf"), "poor"))


def icc_level(value: float | None) -> str | None:
    """Koo & Li (2016): below 0.5 poor, 0.5–0.75 moderate, 0.75–0.9 good, above excellent."""
    if value is None:
        return None
    return next(name for bound, name in ICC_LEVELS if value >= bound)


def icc_words(level: str | None) -> str:
    return {
        "excellent": _("excellent"),
        "good": _("good"),
        "moderate": _("moderate"),
        "poor": _("poor"),
    }.get(level or "", _("not computable"))


# An ICC needs applications that several judges scored: below this many applications with
# two sheets or more, the figure swings with a single sheet and says nothing about the panel
# (a "poor" from three applications is noise, not a verdict).
ICC_MIN_APPLICATIONS = 5


def icc_verdict(value: float | None, applications_with_two_sheets: int) -> str:
    """The ICC in words: its level, or that there are too few sheets to judge."""
    if value is not None and applications_with_two_sheets < ICC_MIN_APPLICATIONS:
        return _(
            "too few applications to judge: %(n)d scored by two judges or more, at least %(min)d needed",
            n=applications_with_two_sheets,
            min=ICC_MIN_APPLICATIONS,
        )
    return icc_words(icc_level(value))
