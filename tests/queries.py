"""Counting the SQL statements a page sends: the query-count guards of the list pages.

A guard loads a page with N rows and with about 3N and asserts the count stays the same,
so a page that queries once per row (an N+1) fails. The ``count_queries`` fixture
(tests/conftest.py) gives a ``QueryCounter``:

    with count_queries() as statements:   # every statement sent inside the block
        client.get(url)
    len(statements)

    count_queries.get(client, url)        # one page's count, after a warm-up request
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from venture.extensions import db


class QueryCounter:
    @contextmanager
    def __call__(self) -> Iterator[list[str]]:
        """The statements sent to the database inside the block (the list fills as they go)."""
        statements: list[str] = []

        def listener(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)

    def get(self, client, url: str) -> int:
        """How many statements a GET of ``url`` sends; the page must answer 200. A first,
        uncounted request loads what is loaded once (catalogs, caches)."""
        client.get(url)
        with self() as statements:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        return len(statements)
