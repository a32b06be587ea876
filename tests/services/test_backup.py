"""`venture backup` / `venture restore`, with uploads, on PostgreSQL and SQLite (and across)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.conftest import test_config
from tests.factories import PASSWORD

pytestmark = pytest.mark.services


def _migrated_app(url, folder):
    from flask_migrate import upgrade

    from venture import create_app

    app = create_app(test_config(folder, url))
    with app.app_context():
        upgrade()
    return app


def _make_some_history(app):
    from werkzeug.datastructures import FileStorage

    from venture.extensions import db
    from venture.files.services import store_upload

    client = app.test_client()
    for i in range(3):
        client.post(
            "/signup",
            data={
                "name": f"用户{i}",
                "email": f"u{i}@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )
    with app.app_context():
        stored = store_upload(FileStorage(io.BytesIO(b"%PDF-1.4 backup test"), filename="章程.pdf"))
        db.session.commit()
        return stored.stored_name


@pytest.mark.parametrize(
    "source_kind, target_kind",
    [("postgresql", "postgresql"), ("sqlite", "sqlite"), ("sqlite", "postgresql")],
)
def test_backup_restores_into_an_empty_database_and_the_audit_chain_verifies(
    tmp_path, pg_databases, source_kind, target_kind
):
    def url_for(kind, name):
        if kind == "postgresql":
            return pg_databases(f"venture_backup_{name}")
        return f"sqlite:///{tmp_path / name}.db"

    source = _migrated_app(url_for(source_kind, "source"), tmp_path / "a")
    stored_name = _make_some_history(source)
    archive = tmp_path / "backup.tar.gz"
    result = source.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output

    target = _migrated_app(url_for(target_kind, "target"), tmp_path / "b")
    restored = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    verified = target.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "OK" in verified.output, verified.output
    assert (tmp_path / "b" / "uploads" / stored_name).read_bytes().startswith(b"%PDF")

    from venture.accounts.models import User
    from venture.extensions import db

    with target.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 3
        # New rows get fresh ids after a restore (sequences were moved on).
        target.test_client().post(
            "/signup",
            data={
                "name": "新",
                "email": "new@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 4

    again = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code != 0 and "not empty" in again.output
