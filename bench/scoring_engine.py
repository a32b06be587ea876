"""Time the scoring engine alone on a stage of competition size.

10,000 applications × 7 judges (drawn from a pool of 200) × 7 criteria: 490,000
criterion rows, 70,000 sheet totals. Prints one line per step. Not a test: run it with

    /work/venv/bin/python bench/scoring_engine.py [--applications N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

# Score this checkout's engine, not an installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from venture.scoring import METHODS, aggregate_arrays, compute_all, sheet_totals  # noqa: E402
from venture.scoring.diagnostics import diagnose  # noqa: E402
from venture.scoring.methods import run_method  # noqa: E402


def synthetic_stage(
    applications: int, judges_per_app: int, pool: int, criteria: int, seed: int = 2024
):
    rng = np.random.default_rng(seed)
    panel = np.stack([rng.choice(pool, judges_per_app, replace=False) for _ in range(applications)])
    app = np.repeat(np.arange(applications), judges_per_app)
    judge = panel.reshape(-1)
    quality = rng.normal(0, 1, applications)[app]
    severity = rng.normal(0, 0.5, pool)[judge]
    maximum = np.full(criteria, 100 // criteria, dtype=float)
    maximum[0] += 100 - maximum.sum()  # whole-number maxima summing to 100
    raw = (0.7 + 0.12 * (quality + severity))[:, None] + rng.normal(0, 0.08, (len(app), criteria))
    scores = np.round(np.clip(raw, 0, 1) * maximum, 1)  # one decimal, as judges type them
    codes = np.array([f"A{i:05d}" for i in range(applications)])
    names = np.array([f"J{j:03d}" for j in range(pool)])
    return codes[app], names[judge], scores, maximum


def timed(label: str, repeat: int, action):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        value = action()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<52} {best * 1000:8.1f} ms")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--judges-per-application", type=int, default=7)
    parser.add_argument("--pool", type=int, default=200)
    parser.add_argument("--criteria", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs")
    args = parser.parse_args()

    apps, judges, scores, maximum = synthetic_stage(
        args.applications, args.judges_per_application, args.pool, args.criteria
    )
    sheets = len(apps)
    criterion_apps = np.repeat(apps, args.criteria)
    criterion_judges = np.repeat(judges, args.criteria)
    criteria = np.tile(np.array([f"C{c}" for c in range(args.criteria)]), sheets)
    print(
        f"{args.applications} applications, {sheets} sheets, "
        f"{sheets * args.criteria} criterion rows, pool of {args.pool} judges; "
        f"best of {args.repeat}"
    )

    r = args.repeat

    def from_criteria():
        return aggregate_arrays(
            criterion_apps, criterion_judges, criteria, scores.reshape(-1), np.tile(maximum, sheets)
        )

    timed("criterion rows -> sheet totals (checks included)", r, from_criteria)
    totals = timed(
        "sheet totals (str ids) -> SheetTotals",
        r,
        lambda: sheet_totals(apps, judges, scores.sum(axis=1)),
    )
    integer_ids = timed(
        "sheet totals (int ids) -> SheetTotals",
        r,
        lambda: sheet_totals(
            np.repeat(np.arange(args.applications), args.judges_per_application),
            np.searchsorted(np.array(totals.judges), judges),
            scores.sum(axis=1),
        ),
    )
    # replace() gives a copy without the cached per-application sort, so each run pays it.
    for method in METHODS:
        timed(
            f"  {method}: scores only (arrays)",
            r,
            lambda m=method: run_method(m, replace(integer_ids)),
        )
    timed("  diagnostics (outliers, judges, ICC)", r, lambda: diagnose(replace(integer_ids)))
    timed(
        "compute_all on sheet totals: 5 methods + diagnostics",
        r,
        lambda: compute_all(replace(totals)),
    )
    timed("end to end: criterion rows -> compute_all", r, lambda: compute_all(from_criteria()))


if __name__ == "__main__":
    main()
