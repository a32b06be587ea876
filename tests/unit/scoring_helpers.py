"""Small builders shared by the scoring tests."""

from __future__ import annotations

from decimal import Decimal

from venture.scoring import CriterionScore, SheetTotals, sheet_totals


def totals_of(table: dict[tuple[str, str], float]) -> SheetTotals:
    """{(application, judge): total} -> SheetTotals."""
    keys = list(table)
    return sheet_totals([a for a, _ in keys], [j for _, j in keys], [table[k] for k in keys])


def per_app(table: dict[str, list[float]]) -> SheetTotals:
    """{application: [total, ...]} with judges J1, J2, ... in list order."""
    return totals_of(
        {(app, f"J{i}"): t for app, ts in table.items() for i, t in enumerate(ts, start=1)}
    )


def criterion(app: str, judge: str, crit: str, score, maximum=None, line=None) -> CriterionScore:
    def dec(value):
        return None if value is None else Decimal(str(value))

    return CriterionScore(app, judge, crit, dec(score), dec(maximum), line)


def published(result) -> dict[str, str]:
    """{application: "score with 2 decimals"} of a StageResult or Ranking."""
    ranking = getattr(result, "ranking", result)
    return {e.application: format(e.score, "f") for e in ranking}


def ranks(result) -> list[tuple[int, str]]:
    ranking = getattr(result, "ranking", result)
    return [(e.rank, e.application) for e in ranking]
