"""The scoring engine: how judges' sheets become published scores, ranks and flags.

Pure: it imports numpy and scipy, never Flask, SQLAlchemy or the rest of Venture. It takes
plain records or arrays and returns plain dataclasses, so the platform, a Celery task,
the ``venture rank`` command and a curious reader all get the same numbers.

The arithmetic, step by step (the "explainable" promise):

1. **Sheet total** (``totals``). A sheet is one judge's scores of one application, one
   per criterion of the stage's rubric (the union of criteria in the stage). Its total
   is the sum of the scores. When some criteria are "not applicable" the total is
   rescaled: answered sum ÷ answered criteria's maxima × all the rubric's maxima (e.g.
   scores 8 and 6 out of 10 and 10, third criterion n/a out of 20: 14 ÷ 20 × 40 = 28).
   A sheet with every criterion n/a has no total: it is left out and its application is
   flagged ``sheet_without_total``.
2. **Score of an application** (``methods``), from its totals:
   ``mean``; ``median`` (mean of the two middle totals for an even count);
   ``trimmed`` (去掉最高分和最低分: drop the K highest and K lowest, default K=1, average
   the rest; with fewer than 2K+1 totals the plain mean, flagged
   ``too_few_sheets_to_trim``); ``zscore`` (each total T of a judge with at least 3
   totals and σj > 0 becomes μ + σ·(T − μj)/σj, μj/σj the judge's mean and population
   standard deviation, μ/σ those of all the stage's totals; other totals stay as they
   are and their applications are flagged ``unstandardised_sheet``; then the mean);
   ``bias`` (least squares T = v(application) + b(judge) with Σ b = 0, MacKay et al.
   2017; the score is v; refused with ``DisconnectedPanelError`` when judges cannot be
   compared through shared applications).
3. **Published score and rank** (``ranking``). Rounded to 2 decimals, half up (how
   floats become Decimals is explained there). Highest first; equal published scores
   share the rank of the first (1, 2, 2, 4) and are listed by application id, unless a
   tie-break chain (``TieBreak``) separates them.
4. **Diagnostics** (``diagnostics``): ``disagreement`` (highest − lowest total above 20
   points by default), ``outlier_sheet`` (|T − median| > 3 × MAD), per-judge count,
   mean, standard deviation and severity, and the panel's ICC(1) and ICC(1,k).
5. **Across stages** (``stages``, ``funding``): weighted combination of published stage
   scores, advancement (top N per category or a threshold) and the funding line per
   category budget (integer fen).

Entry points: ``score_stage`` / ``compute_all`` on criterion records (``CriterionScore``)
or on already aggregated totals (``sheet_totals(applications, judges, totals)``).
"""

from venture.scoring.diagnostics import (
    DISAGREEMENT,
    OUTLIER_SHEET,
    SHEET_WITHOUT_TOTAL,
    Diagnostics,
    Disagreement,
    JudgeStats,
    OutlierSheet,
    Reliability,
    diagnose,
)
from venture.scoring.engine import MethodComparison, StageResult, compute_all, score_stage
from venture.scoring.errors import (
    DisconnectedPanelError,
    DuplicateScoreError,
    InconsistentMaximumError,
    InvalidParameterError,
    InvalidTotalError,
    MissingCriterionError,
    MissingMaximumError,
    PanelComponent,
    ScoreOutOfRangeError,
    ScoringError,
    SheetValidationError,
)
from venture.scoring.funding import (
    CategoryBudget,
    FundingDecision,
    FundingRequest,
    FundingResult,
    funding_line,
)
from venture.scoring.methods import METHODS, TOO_FEW_TO_TRIM, UNSTANDARDISED_SHEET
from venture.scoring.ranking import (
    Movement,
    RankedApplication,
    Ranking,
    RankingCents,
    RankingColumns,
    TieBreak,
    compare_rankings,
    publish_score,
    rank_scores,
)
from venture.scoring.stages import (
    INCOMPLETE_STAGES,
    advance_by_threshold,
    advance_top_n,
    combine_stages,
)
from venture.scoring.totals import (
    CriterionScore,
    SheetTotals,
    aggregate,
    aggregate_arrays,
    sheet_totals,
)

__all__ = [
    "DISAGREEMENT",
    "INCOMPLETE_STAGES",
    "METHODS",
    "OUTLIER_SHEET",
    "SHEET_WITHOUT_TOTAL",
    "TOO_FEW_TO_TRIM",
    "UNSTANDARDISED_SHEET",
    "CategoryBudget",
    "CriterionScore",
    "Diagnostics",
    "Disagreement",
    "DisconnectedPanelError",
    "DuplicateScoreError",
    "FundingDecision",
    "FundingRequest",
    "FundingResult",
    "InconsistentMaximumError",
    "InvalidParameterError",
    "InvalidTotalError",
    "JudgeStats",
    "MethodComparison",
    "MissingCriterionError",
    "MissingMaximumError",
    "Movement",
    "OutlierSheet",
    "PanelComponent",
    "RankedApplication",
    "Ranking",
    "RankingCents",
    "RankingColumns",
    "Reliability",
    "ScoreOutOfRangeError",
    "ScoringError",
    "SheetTotals",
    "SheetValidationError",
    "StageResult",
    "TieBreak",
    "advance_by_threshold",
    "advance_top_n",
    "aggregate",
    "aggregate_arrays",
    "combine_stages",
    "compare_rankings",
    "compute_all",
    "diagnose",
    "funding_line",
    "publish_score",
    "rank_scores",
    "score_stage",
    "sheet_totals",
]
