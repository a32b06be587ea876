"""Alembic: upgrading an empty PostgreSQL database to head matches the models exactly,
and downgrading to base removes everything."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.services


def _app(url, tmp_path):
    from tests.conftest import test_config
    from venture import create_app

    return create_app(test_config(tmp_path, url))


def test_upgrade_to_head_matches_the_models_and_downgrade_to_base_works(pg_url, tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import downgrade, upgrade

    from venture.extensions import db

    app = _app(pg_url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], differences

        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def test_upgrade_works_on_sqlite(tmp_path):
    from flask_migrate import upgrade

    from venture.extensions import db

    app = _app(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)
    with app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables


def test_activities_disputed_before_the_disputes_revision_get_an_open_dispute(tmp_path):
    """The disputes revision gives every activity already disputed an open dispute whose
    first step is the liaison's note (so it holds its tranche and can be answered)."""
    import sqlite3

    from flask_migrate import upgrade

    from venture.extensions import db

    path = tmp_path / "d.db"
    app = _app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        upgrade(revision="5e1d2c3b4a60")
        db.engine.dispose()
        with sqlite3.connect(path) as conn:  # foreign keys are not enforced on this bare connection
            for status, note in (("disputed", "当天无此活动"), ("pending", ""), ("confirmed", "")):
                conn.execute(
                    "INSERT INTO activity (report_id, community_id, held_on, activity_type, participants, "
                    "residents, description, liaison_status, liaison_note, reviewed_at) "
                    "VALUES (1, 1, '2026-05-01', '探访', 10, 8, '', ?, ?, '2026-05-10 08:00:00')",
                    (status, note),
                )
        upgrade()
        with db.engine.connect() as conn:
            disputes = conn.execute(
                sa.text(
                    "SELECT a.liaison_status, d.status, e.step, e.text FROM activity_dispute d "
                    "JOIN activity a ON a.id = d.activity_id JOIN dispute_entry e ON e.dispute_id = d.id"
                )
            ).all()
        db.engine.dispose()
    assert [tuple(row) for row in disputes] == [("disputed", "open", "opened", "当天无此活动")]
