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
