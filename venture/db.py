"""Column types, mixins and the unit of work shared by every domain."""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from venture.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    PostgreSQL keeps it as timestamptz; SQLite has no time zones, so the value is
    stored as naive UTC and the zone is put back on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


# --- unit of work -------------------------------------------------------------------
# One transaction per user intention: the outermost service call commits, nested calls
# join it, and any exception rolls the whole intention back.
_depth: ContextVar[int] = ContextVar("venture_uow_depth", default=0)


@contextmanager
def unit_of_work():
    depth = _depth.get()
    token = _depth.set(depth + 1)
    try:
        yield db.session
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        _depth.reset(token)
    if depth == 0:
        from venture.tasks import run_ready

        run_ready()


def service(fn):
    """Run a service function as one transaction (or inside the caller's)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper


MAX_ID = 2**63 - 1  # the largest id a database holds: a bigger number in a URL names no row


def get_or_404(model, ident):
    from venture.errors import NotFound

    if isinstance(ident, int) and not -MAX_ID <= ident <= MAX_ID:
        raise NotFound()  # SQLite cannot even compare it (OverflowError), PostgreSQL refuses it
    obj = db.session.get(model, ident)
    if obj is None:
        raise NotFound()
    return obj


def enum_type(enum_cls, length: int = 20) -> sa.Enum:
    """A string enum stored as its value in a VARCHAR with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        name=enum_cls.__name__.lower(),
        create_constraint=True,
    )


# --- Is the database there and migrated? (for the console commands) -------------------------


def missing_tables(conn) -> list[str]:
    """The application's tables this database lacks (all of them when it was never migrated)."""
    present = set(sa.inspect(conn).get_table_names())
    return [name for name in sorted(db.metadata.tables) if name not in present]


def not_migrated_message(missing: list[str]) -> str:
    shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
    return (
        f"this database has not been migrated ({len(missing)} table(s) missing: {shown}): "
        "run `venture db upgrade` first"
    )


def database_problem(*, migrated: bool = True) -> str | None:
    """Why the console commands cannot use this database, in a sentence; None when they can.
    ``migrated=False``: only whether it answers (for the commands that migrate it)."""
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            missing = missing_tables(conn) if migrated else []
    except (sa.exc.SQLAlchemyError, OSError) as error:
        cause = getattr(error, "orig", None) or error
        first_line = (str(cause).strip().splitlines() or [""])[0]
        return f"the database does not answer ({type(cause).__name__}: {first_line})"
    return not_migrated_message(missing) if missing else None
