"""Fixtures shared by every test.

``app`` is parametrized over SQLite and PostgreSQL: a test that uses it runs on both
(a fresh database per module, emptied after each test). PostgreSQL tests skip when no
server answers, unless VENTURE_REQUIRE_SERVICES=1 (CI), where they fail instead.

The suite runs in parallel (pytest-xdist, see pyproject's addopts): each worker is a
process with its own temporary folders (so its own SQLite files and instance folders)
and its own PostgreSQL databases; tests/services starts its Redis, SMTP server, Celery
workers and web servers per test, on free ports.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask_login import FlaskLoginClient

from tests import factories

REQUIRE_SERVICES = os.environ.get("VENTURE_REQUIRE_SERVICES") == "1"
PG_ADMIN_URL = os.environ.get(
    "VENTURE_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/postgres"
)


# Slowest first: a file runs whole on one worker (--dist loadfile) and the workers take
# files in collection order, so the long service and browser files (a few tests of minutes
# each) start early, then the files with the most tests; the short ones fill in at the end
# instead of one long file running alone. (--no-loadscope-reorder keeps this order: xdist
# would sort by the number of tests alone.)
FIRST_IN_A_PARALLEL_RUN = ("services", "browser")


def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):  # a serial run keeps the fast tests first
        return
    per_file = Counter(item.path for item in items)
    items.sort(
        key=lambda item: (
            item.path.parent.name not in FIRST_IN_A_PARALLEL_RUN,
            -per_file[item.path],
        )
    )


def unavailable(reason: str):
    """Skip, or fail where the services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def _pg_reachable() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
        return None
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"


# The suite runs in parallel (pytest-xdist): "gw0", "gw1"... in a worker, "main" in a serial run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def create_pg_database(prefix: str = "venture_test") -> str:
    """A new empty PostgreSQL database; returns its URL. Its name carries the xdist worker
    (whose it is, when one is left behind) and a random part (unique across workers and
    across runs sharing the server)."""
    problem = _pg_reachable()
    if problem:
        unavailable(problem)
    name = f"{prefix}_{WORKER}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # A test needs no durability: commits do not wait for the disk.
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def empty_pg_database(url: str) -> None:
    """Make the database as a new one: other connections to it end (as with DROP DATABASE
    WITH (FORCE)) and its public schema is made again, as PostgreSQL makes it."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public AUTHORIZATION pg_database_owner")
        conn.exec_driver_sql("GRANT USAGE ON SCHEMA public TO PUBLIC")
    engine.dispose()


@pytest.fixture(scope="session")
def pg_databases():
    """fresh(prefix) -> the URL of this worker's PostgreSQL database for that prefix, as
    new. Each is made once per worker and emptied for every later use: dropping a database
    costs PostgreSQL a checkpoint (seconds on a busy server), making a schema again does not."""
    made: dict[str, str] = {}

    def fresh(prefix: str = "venture_test") -> str:
        if prefix in made:
            empty_pg_database(made[prefix])
        else:
            made[prefix] = create_pg_database(prefix)
        return made[prefix]

    yield fresh
    for url in made.values():
        drop_pg_database(url)


def test_config(instance, database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "EXPORT_FOLDER": str(instance / "exports"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "REDIS_URL": "",
        "MAIL_SERVER": "",
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


test_config.__test__ = False  # a helper, not a test, wherever it is imported


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request, tmp_path_factory):
    marks = {m.name for m in request.node.iter_markers()}
    if request.param == "sqlite":
        if "postgres_only" in marks:
            pytest.skip("PostgreSQL only")
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    else:
        if "sqlite_only" in marks:
            pytest.skip("SQLite only")
        yield request.getfixturevalue("pg_databases")()


@pytest.fixture(scope="session", autouse=True)
def _instance_folder_of_this_worker(tmp_path_factory):
    """create_app takes its instance folder from the environment: each worker has its own,
    not the checkout's instance/ that every worker (and the developer) would share."""
    os.environ.setdefault("VENTURE_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))


@pytest.fixture(scope="module")
def app(db_url, tmp_path_factory):
    from venture import create_app
    from venture.extensions import db

    instance = tmp_path_factory.mktemp("instance")
    application = create_app(test_config(instance, db_url))
    application.test_client_class = VentureTestClient
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


class VentureTestClient(FlaskLoginClient):
    """Each request runs in an app context of its own, as in production: its own
    session and its own ``g``. The test's session commits before the request (so the
    request sees what the test made) and forgets what it loaded after it.

    ``user=`` signs the client in as a login does: with a server-side session of its own
    (accounts.sessions), which logout revokes."""

    def __init__(self, *args, **kwargs):
        user = kwargs.pop("user", None)
        fresh = kwargs.pop("fresh_login", True)
        super().__init__(*args, **kwargs)
        if user is not None:
            with self.session_transaction() as sess:
                sess["_user_id"] = self._open_session(user)
                sess["_fresh"] = fresh

    def _open_session(self, user) -> str:
        from venture.accounts.sessions import open_session

        if has_app_context():
            open_session(user)
            return user.get_id()
        with self.application.app_context():
            from venture.accounts.models import User
            from venture.extensions import db

            own = db.session.get(User, user.id)
            open_session(own)
            return own.get_id()

    def open(self, *args, **kwargs):
        from venture.extensions import db

        outer = db.session() if has_app_context() else None
        if outer is not None:
            outer.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer is not None:
            outer.expire_all()
        return response


def empty_all_tables() -> None:
    from venture.extensions import db

    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # The tables with rows, found in one query, are emptied by DELETE with the foreign
        # keys' triggers off (TRUNCATE ... CASCADE took 0.3 s a test); every sequence starts
        # again at 1, as after RESTART IDENTITY.
        filled = db.session.scalars(
            sa.text(
                " UNION ALL ".join(
                    f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables
                )
            )
        ).all()
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in filled:
            db.session.execute(sa.text(f'DELETE FROM "{table}"'))
        db.session.execute(
            sa.text(
                "SELECT setval(c.oid, 1, false) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
        )
    else:
        db.session.execute(sa.text("PRAGMA foreign_keys=OFF"))
        for table in tables:
            db.session.execute(sa.text(f'DELETE FROM "{table}"'))
        db.session.execute(sa.text("PRAGMA foreign_keys=ON"))
    db.session.commit()


@pytest.fixture
def app_ctx(app):
    """An app context for the test; every table is emptied afterwards."""
    from venture.extensions import db

    with app.app_context():
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def client(app_ctx):
    return app_ctx.test_client()


@pytest.fixture
def make(app_ctx):
    """Factory functions bound to the test's database (see tests/factories.py)."""
    return factories


@pytest.fixture
def login(app_ctx):
    """login(user) -> a test client signed in as that user."""

    def _login(user):
        return app_ctx.test_client(user=user)

    return _login


@pytest.fixture
def count_queries(app_ctx):
    """Counts the statements a page sends (tests/queries.py): ``with count_queries() as
    statements`` or ``count_queries.get(client, url)``."""
    from tests.queries import QueryCounter

    return QueryCounter()
