"""Time the platform's stage computation against the cost of reading the sheets.

Seeds one online-review stage of N applications (default 10,000), each scored by 7
judges drawn from a pool of 200, on 7 criteria (490,000 criterion scores), into the
configured database, then times as medians of 5 runs in one process:

* the floor: one ``SELECT application_id, judge_id, SUM(score) ... GROUP BY
  application_id, judge_id`` over the same rows, fetched completely;
* the full compute: the code path of the ``venture.compute_stage`` task (bulk load,
  digest, every method, ranking, advancement, diagnostics, snapshot written).

It also prints, for information, the time of the FINAL snapshot (stage combination and
funding line per category) over the same 10,000 applications.

The last line printed is ``compute/floor ratio: X.XX`` (target: at most 2.00).

Where it writes. SQLite (default): a new file in a temporary folder, deleted at the
end. PostgreSQL (``DATABASE_URL`` set): a new schema ``venture_bench_<random>`` inside
that database, dropped at the end; nothing outside that schema is read or written. Use
a database of its own, e.g.::

    createdb venture_bench
    DATABASE_URL=postgresql://root@127.0.0.1/venture_bench python -m bench.scoring
    dropdb venture_bench

Not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import venture  # noqa: E402,F401  (its process settings come before numpy's import)

# isort: split
import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402

RUNS = 5
NOW = datetime(2025, 4, 1, tzinfo=UTC)


def make_app(database_url: str | None, folder: Path):
    """A Venture app on a fresh SQLite file, or on a fresh schema of DATABASE_URL."""
    from venture import create_app
    from venture.config import normalize_database_url

    config = {
        "TESTING": False,
        "SECRET_KEY": "bench",
        "INSTANCE_PATH": str(folder),
        "REDIS_URL": "",
        "MAIL_SERVER": "",
        "BASE_URL": "http://localhost",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "EXPORT_FOLDER": str(folder / "exports"),
    }
    schema = None
    if database_url:
        schema = f"venture_bench_{uuid.uuid4().hex[:10]}"
        url = normalize_database_url(database_url)
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        admin.dispose()
        config["SQLALCHEMY_DATABASE_URI"] = url
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "connect_args": {"options": f"-csearch_path={schema}"},
        }
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'bench.db'}"
    return create_app(config), schema


def drop_schema(database_url: str, schema: str) -> None:
    from venture.config import normalize_database_url

    admin = sa.create_engine(normalize_database_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    admin.dispose()


# --- seeding ----------------------------------------------------------------------------


def synthetic_scores(
    applications: int, judges_per_app: int, pool: int, criteria: int, seed: int = 2024
):
    """Panels, per-criterion maxima and one-decimal scores with judge severity; ~1% of
    the last criterion's answers are "not applicable" (NaN)."""
    rng = np.random.default_rng(seed)
    panel = np.argsort(rng.random((applications, pool)), axis=1)[:, :judges_per_app]
    app = np.repeat(np.arange(applications), judges_per_app)
    judge = panel.reshape(-1)
    quality = rng.normal(0, 1, applications)[app]
    severity = rng.normal(0, 0.5, pool)[judge]
    maximum = np.full(criteria, 100 // criteria, dtype=float)
    maximum[0] += 100 - maximum.sum()
    raw = (0.7 + 0.12 * (quality + severity))[:, None] + rng.normal(0, 0.08, (len(app), criteria))
    scores = np.round(np.clip(raw, 0, 1) * maximum, 1)
    scores[rng.random(len(app)) < 0.01, criteria - 1] = np.nan
    return app, judge, scores, maximum


def seed_stage(app, applications: int, judges_per_app: int, pool: int, criteria: int) -> int:
    """Insert everything one computation reads; returns the stage id."""
    from venture.accounts.models import Role, User
    from venture.applications.models import Application, ApplicationStatus
    from venture.competitions.models import (
        Category,
        Competition,
        Rubric,
        RubricCriterion,
        Stage,
        StageKind,
    )
    from venture.extensions import db
    from venture.judging.models import ScoreSheet, SheetScore
    from venture.orgs.models import Organization, OrgType

    app_index, judge_index, scores, maximum = synthetic_scores(
        applications, judges_per_app, pool, criteria
    )
    with app.app_context():
        db.create_all()
        conn = db.session.connection()
        conn.execute(
            sa.insert(User.__table__),
            [
                {
                    "id": 1,
                    "email": "organizer@bench.local",
                    "name": "Organizer",
                    "role": Role.ORGANIZER,
                    "locale": "zh_CN",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ]
            + [
                {
                    "id": 2 + j,
                    "email": f"judge{j}@bench.local",
                    "name": f"Judge {j}",
                    "role": Role.JUDGE,
                    "locale": "zh_CN",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for j in range(pool)
            ],
        )
        conn.execute(
            sa.insert(Organization.__table__).values(
                id=1,
                name="Bench organization",
                uscc="52430702MJ0000001X",
                org_type=OrgType.PRIVATE_NON_ENTERPRISE,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        conn.execute(
            sa.insert(Competition.__table__).values(
                id=1,
                name="Bench competition",
                year=2025,
                code_prefix="BENCH",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        budgets = [
            ("为老服务", 0.3),
            ("助残服务", 0.2),
            ("儿童青少年", 0.2),
            ("社区治理", 0.2),
            ("党建引领", 0.1),
        ]
        requested = 8_000_000
        conn.execute(
            sa.insert(Category.__table__),
            [
                {
                    "id": i + 1,
                    "competition_id": 1,
                    "name": name,
                    "position": i,
                    "budget_fen": int(applications * share * 0.3) * requested,
                }
                for i, (name, share) in enumerate(budgets)
            ],
        )
        conn.execute(
            sa.insert(Rubric.__table__).values(
                id=1,
                competition_id=1,
                name="评分表",
                stage_kind=StageKind.ONLINE_REVIEW,
                created_at=NOW,
            )
        )
        conn.execute(
            sa.insert(RubricCriterion.__table__),
            [
                {
                    "id": c + 1,
                    "rubric_id": 1,
                    "position": c,
                    "name": f"C{c + 1}",
                    "max_score": float(m),
                    "allow_na": c == criteria - 1,
                }
                for c, m in enumerate(maximum)
            ],
        )
        conn.execute(
            sa.insert(Stage.__table__).values(  # the only weighted stage: weight 1
                id=1,
                competition_id=1,
                kind=StageKind.ONLINE_REVIEW,
                position=2,
                rubric_id=1,
                judges_per_application=judges_per_app,
                weight=1,
            )
        )
        categories = np.random.default_rng(7).integers(1, len(budgets) + 1, applications)
        conn.execute(
            sa.insert(Application.__table__),
            [
                {
                    "id": i + 1,
                    "competition_id": 1,
                    "organization_id": 1,
                    "category_id": int(categories[i]),
                    "code": f"BENCH-{i + 1:05d}",
                    "status": ApplicationStatus.PASSED,
                    "project_name": f"项目{i + 1}",
                    "requested_fen": requested,
                    "submitted_at": NOW,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for i in range(applications)
            ],
        )
        tenths = np.where(np.isnan(scores), 9999, np.round(np.nan_to_num(scores) * 10)).astype(
            np.int64
        )
        tenths_text = [
            "".join(f"{t:04d}" for t in row) for row in tenths.tolist()
        ]  # criteria in id order
        sheets = [
            (
                s + 1,
                1,
                int(a) + 1,
                int(j) + 2,
                1,
                "submitted",
                NOW,
                NOW,
                NOW,
                1,
                "",
                "",
                tenths_text[s],
            )
            for s, (a, j) in enumerate(zip(app_index.tolist(), judge_index.tolist(), strict=True))
        ]
        sheet_columns = (
            "id",
            "stage_id",
            "application_id",
            "judge_id",
            "rubric_id",
            "status",
            "submitted_at",
            "created_at",
            "updated_at",
            "version",
            "overall_comment",
            "reopened_reason",
            "tenths",
        )
        flat = scores.reshape(-1)
        score_rows = [
            (
                r + 1,
                r // criteria + 1,
                r % criteria + 1,
                None if np.isnan(v) else v,
                bool(np.isnan(v)),
                "",
            )
            for r, v in enumerate(flat.tolist())
        ]
        score_columns = ("id", "sheet_id", "criterion_id", "score", "not_applicable", "comment")
        _bulk(conn, ScoreSheet.__table__.name, sheet_columns, sheets)
        _bulk(conn, SheetScore.__table__.name, score_columns, score_rows)
        if conn.dialect.name == "postgresql":
            for table in (
                "user",
                "organization",
                "competition",
                "category",
                "rubric",
                "rubric_criterion",
                "stage",
                "application",
                "score_sheet",
                "sheet_score",
            ):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT MAX(id) FROM "{table}"))'
                )
            conn.exec_driver_sql("ANALYZE")
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as raw:
                raw.exec_driver_sql("ANALYZE")
    return 1


def _bulk(conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY on PostgreSQL, executemany on SQLite."""
    dbapi = conn.connection.dbapi_connection
    names = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    sqlite_rows = [tuple(_sqlite_value(v) for v in row) for row in rows]
    marks = ", ".join("?" for _ in columns)
    dbapi.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', sqlite_rows)


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return value


# --- timing -----------------------------------------------------------------------------

FLOOR_SQL = (
    "SELECT s.application_id, s.judge_id, SUM(x.score) FROM sheet_score x "
    "JOIN score_sheet s ON s.id = x.sheet_id "
    "WHERE s.stage_id = :stage AND s.status = 'submitted' "
    "GROUP BY s.application_id, s.judge_id"
)


def floor(app, stage_id: int) -> int:
    """The aggregate alone, fetched as plain tuples (as the computation fetches its rows)."""
    from venture.extensions import db

    with app.app_context():
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        cursor.execute(FLOOR_SQL.replace(":stage", str(int(stage_id))))
        rows = cursor.fetchall()
        cursor.close()
        db.session.rollback()
    return len(rows)


def full_compute(app, stage_id: int) -> int:
    from venture.extensions import db
    from venture.rankings.compute import compute_stage_snapshot

    with app.app_context():
        # As `venture scores compute` runs it: no organizer to notify.
        snapshot_id = compute_stage_snapshot(stage_id)
        db.session.remove()
    return snapshot_id


def final_snapshot(app) -> int:
    """The FINAL snapshot of the bench competition: combination and funding line."""
    from venture.competitions.models import Competition
    from venture.extensions import db
    from venture.rankings.services import build_final_snapshot

    with app.app_context():
        snapshot_id = build_final_snapshot(db.session.get(Competition, 1), None).id
        db.session.remove()
    return snapshot_id


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_time(action, runs: int = RUNS) -> tuple[float, list[float]]:
    times = [timed(action) for _ in range(runs)]
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--judges-per-application", type=int, default=7)
    parser.add_argument("--pool", type=int, default=200)
    parser.add_argument("--criteria", type=int, default=7)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="venture-bench-") as folder:
        app, schema = make_app(database_url, Path(folder))
        try:
            started = time.perf_counter()
            stage_id = seed_stage(
                app, args.applications, args.judges_per_application, args.pool, args.criteria
            )
            with app.app_context():
                from venture.extensions import db

                where = db.engine.url.render_as_string(hide_password=True)
            rows = args.applications * args.judges_per_application * args.criteria
            print(f"database: {where}" + (f" (schema {schema})" if schema else ""))
            print(
                f"seeded {args.applications} applications, "
                f"{args.applications * args.judges_per_application} sheets, {rows} criterion "
                f"scores in {time.perf_counter() - started:.1f} s"
            )
            floor(app, stage_id)  # warm the caches once, for both measurements alike
            # Interleaved, so that a busy moment of the machine hits both alike.
            floor_runs, compute_runs = [], []
            for _run in range(RUNS):
                floor_runs.append(timed(lambda: floor(app, stage_id)))
                compute_runs.append(timed(lambda: full_compute(app, stage_id)))
            floor_time, compute_time = (
                statistics.median(floor_runs),
                statistics.median(compute_runs),
            )
            print(
                f"floor (aggregate query, fetched): median {floor_time * 1000:8.1f} ms  "
                f"runs {_ms(floor_runs)}"
            )
            print(
                f"full compute (task code path):   median {compute_time * 1000:8.1f} ms  "
                f"runs {_ms(compute_runs)}"
            )
            final_time, final_runs = median_time(lambda: final_snapshot(app), runs=3)
            print(
                f"(for information) FINAL snapshot, weights and funding line over the same "
                f"applications: median {final_time * 1000:.1f} ms  runs {_ms(final_runs)}"
            )
            print(f"compute/floor ratio: {compute_time / floor_time:.2f}")
        finally:
            with app.app_context():
                from venture.extensions import db

                db.session.remove()
                db.engine.dispose()
            if schema:
                drop_schema(database_url, schema)


def _ms(values: list[float]) -> str:
    return " ".join(f"{v * 1000:.0f}" for v in values)


if __name__ == "__main__":
    main()
