"""The full demo survives `venture backup` / `venture restore` from SQLite to PostgreSQL and
back to SQLite: the same rows in every table, the same uploaded files, the same audit chain.

The demo is seeded once for the module, as `venture demo` does (without serving).
"""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import test_config

pytestmark = pytest.mark.services

# Tables the demo leaves empty (the test adds a row to each). Every other table must hold rows
# after seeding, so the round trip covers it: a table added later fails here until the demo
# fills it, or it is named here and given a row in _add_what_the_demo_leaves_out.
DEMO_LEAVES_EMPTY = {
    "job",  # background exports and computations: the demo computes in-process
    "notice_preference",  # nobody in the demo changed their notice settings
    "user_token",  # no password reset or invitation is pending
    "judge_tie",  # no judge had to break a tie
    "objection_file",  # the demo's objections carry no attachment
    "user_session",  # nobody has signed in to the freshly seeded demo
    "stage_extension",  # no stage was extended for one person
    "dispute_evidence",  # the demo's open dispute waits for the organization's answer
}


def _app(instance: Path, name: str, url: str):
    from venture import create_app

    # One instance folder (its keys), one uploads folder per database.
    return create_app(
        test_config(
            instance,
            url,
            UPLOAD_FOLDER=str(instance / name / "uploads"),
            EXPORT_FOLDER=str(instance / name / "exports"),
        )
    )


def _migrate(app):
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def _invoke(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _add_what_the_demo_leaves_out(app) -> None:
    """One row in each table the demo leaves empty, so the round trip carries every table."""
    from datetime import UTC, datetime, timedelta

    from venture.accounts.models import TokenPurpose, User, UserSession, UserToken
    from venture.competitions.models import Stage, StageExtension
    from venture.extensions import db
    from venture.files.models import StoredFile
    from venture.followup.models import DisputeEntry, DisputeEvidence
    from venture.jobs.models import Job, JobStatus
    from venture.judging.models import JudgeTie, TieKind
    from venture.notices.models import NoticePreference
    from venture.orgs.models import Organization
    from venture.results.models import Objection, ObjectionFile

    def first(model):
        return db.session.scalar(sa.select(model).order_by(model.id).limit(1))

    now = datetime.now(UTC)
    rows = {
        "job": lambda: Job(
            kind="reports.export",
            status=JobStatus.DONE,
            progress=100,
            params={"competition": 1},
            result={"rows": 3},
            created_by_id=first(User).id,
            finished_at=now,
        ),
        "notice_preference": lambda: NoticePreference(
            user_id=first(User).id, kind="judge_assigned", email_enabled=False
        ),
        "user_token": lambda: UserToken(
            user_id=first(User).id,
            purpose=TokenPurpose.RESET,
            token_hash="f" * 64,
            expires_at=now + timedelta(hours=2),
            payload={"note": "备份"},
        ),
        "judge_tie": lambda: JudgeTie(
            judge_id=first(User).id,
            organization_id=first(Organization).id,
            kind=TieKind.CONSULTANT,
            note="曾任顾问",
        ),
        "objection_file": lambda: ObjectionFile(
            objection_id=first(Objection).id, stored_file_id=first(StoredFile).id
        ),
        "user_session": lambda: UserSession(user_id=first(User).id, token_hash="e" * 64),
        "stage_extension": lambda: StageExtension(
            stage_id=first(Stage).id,
            user_id=first(User).id,
            until=now + timedelta(days=2),
            reason="评审专家出差，延长两天",
        ),
        "dispute_evidence": lambda: DisputeEvidence(
            entry_id=first(DisputeEntry).id, stored_file_id=first(StoredFile).id
        ),
    }
    assert set(rows) == DEMO_LEAVES_EMPTY
    with app.app_context():
        for name, make in rows.items():
            if not db.session.scalar(
                sa.select(sa.func.count()).select_from(db.metadata.tables[name])
            ):
                db.session.add(make())
        _reshape_the_area_tree()
        db.session.commit()


def _reshape_the_area_tree() -> None:
    """Shapes the platform allows that a demo seeded top-down does not have: an area under a
    parent created after it, and two communities of one name in different streets."""
    from venture.extensions import db
    from venture.orgs.models import Area, AreaLevel

    communities = db.session.scalars(
        sa.select(Area).where(Area.level == AreaLevel.COMMUNITY).order_by(Area.id)
    ).all()
    moved, namesake = communities[0], communities[-1]
    district = moved.parent.parent
    street = Area(parent=district, level=AreaLevel.STREET, name="备份测试街道", code="")
    db.session.add(street)
    db.session.flush()
    moved.parent = street  # now points at a later row
    db.session.add(Area(parent=street, level=AreaLevel.COMMUNITY, name=namesake.name, code=""))
    db.session.flush()
    assert moved.id < street.id


def _fingerprint(app) -> dict:
    """Rows per table, the uploads' hashes, and what `venture audit verify` says."""
    from venture.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        counts = {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables
        }
    uploads = Path(app.config["UPLOAD_FOLDER"])
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in uploads.iterdir() if p.is_file()
    }
    return {"counts": counts, "uploads": files, "audit": _invoke(app, "audit", "verify")}


def _table_rows(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()
            for m in tar.getmembers()
            if m.isfile() and m.name.startswith("tables/")
        }


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo seeded into SQLite, its backup and its fingerprint."""
    instance = tmp_path_factory.mktemp("instance")
    app = _app(instance, "source", f"sqlite:///{instance / 'source.db'}")
    _invoke(app, "demo", "--no-serve")
    seeded = _fingerprint(app)
    _add_what_the_demo_leaves_out(app)
    archive = instance / "source.tar.gz"
    _invoke(app, "backup", str(archive))
    yield {
        "instance": instance,
        "archive": archive,
        "seeded": seeded,
        "fingerprint": _fingerprint(app),
    }
    with app.app_context():
        from venture.extensions import db

        db.engine.dispose()


def test_the_demo_fills_every_table_a_restore_must_carry(demo):
    empty = {name for name, count in demo["seeded"]["counts"].items() if count == 0}
    assert empty <= DEMO_LEAVES_EMPTY, (
        f"tables the demo leaves empty: {sorted(empty - DEMO_LEAVES_EMPTY)}"
    )
    # With the few rows the test adds, the archive carries every table.
    assert all(demo["fingerprint"]["counts"].values()), demo["fingerprint"]["counts"]
    assert demo["fingerprint"]["uploads"], "the demo stores uploaded files"
    assert demo["fingerprint"]["audit"].startswith("OK")


def test_the_demo_restores_into_postgresql_and_back_into_sqlite(demo, pg_databases):
    from venture.extensions import db

    instance, source_archive = demo["instance"], demo["archive"]
    url = pg_databases("venture_restore")
    postgres = _app(instance, "postgres", url)
    _migrate(postgres)
    _invoke(postgres, "restore", str(source_archive))
    assert _fingerprint(postgres) == demo["fingerprint"]
    with postgres.app_context():
        # The cycle that stopped restores: a session pointing at its current slot.
        assert db.session.scalar(
            sa.text("SELECT count(*) FROM roadshow_session WHERE current_slot_id IS NOT NULL")
        )
    postgres_archive = instance / "postgres.tar.gz"
    _invoke(postgres, "backup", str(postgres_archive))
    with postgres.app_context():
        db.session.remove()
        db.engine.dispose()

    back = _app(instance, "back", f"sqlite:///{instance / 'back.db'}")
    _migrate(back)
    _invoke(back, "restore", str(postgres_archive))
    assert _fingerprint(back) == demo["fingerprint"]
    back_archive = instance / "back.tar.gz"
    _invoke(back, "backup", str(back_archive))
    with back.app_context():
        db.engine.dispose()

    # Not only as many rows: the same values, column by column, after both trips.
    assert _table_rows(postgres_archive) == _table_rows(source_archive)
    assert _table_rows(back_archive) == _table_rows(source_archive)
