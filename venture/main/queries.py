"""Reading for the main pages: the health check's question to the database."""

from __future__ import annotations

import sqlalchemy as sa

from venture.extensions import db


def ping_database() -> None:
    """One trivial statement: raises when the database cannot be reached."""
    db.session.execute(sa.text("SELECT 1"))
