"""The bare endpoint the load benchmark compares with: Flask doing one INSERT per
request on the same PostgreSQL, served by the same gunicorn settings."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request

from venture.config import normalize_database_url


def create() -> Flask:
    app = Flask(__name__)
    engine = sa.create_engine(
        normalize_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True
    )
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS bare_sheet (id SERIAL PRIMARY KEY, judge TEXT NOT NULL, "
            "n INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
    insert = sa.text("INSERT INTO bare_sheet (judge, n) VALUES (:judge, :n)")

    @app.post("/insert")
    def insert_one():
        with engine.begin() as conn:
            conn.execute(
                insert, {"judge": request.form.get("judge", ""), "n": int(request.form.get("n", 0))}
            )
        return "ok"

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app
