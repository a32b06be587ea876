"""The view rule (docs/ARCHITECTURE.md): views parse, ask the policy, call one service or
query function, render. They build no SQL and touch neither ``db`` nor its session: queries live in the
domain's ``queries.py``, state changes in its services."""

from __future__ import annotations

import ast
import pathlib

import venture

ROOT = pathlib.Path(venture.__file__).parent

# The rare view modules allowed to break the rule, each with its reason.
JUSTIFIED: dict[str, str] = {}


def view_modules() -> list[pathlib.Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if path.name == "views.py" or path.name.endswith("_views.py") or "views" in rel.parts[:-1]:
            found.append(path)
    return sorted(found)


def breaches(path: pathlib.Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [
                f"imports {a.name}" for a in node.names if a.name.split(".")[0] == "sqlalchemy"
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            found.append(f"imports from {node.module}")
        elif isinstance(node, ast.ImportFrom) and any(a.name == "db" for a in node.names):
            found.append(f"imports db from {node.module}")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "db"  # db.session, db.paginate, db.select ...
        ):
            found.append(f"line {node.lineno}: db.{node.attr}")
    return found


def test_the_finder_sees_the_view_packages():
    names = {str(p.relative_to(ROOT)) for p in view_modules()}
    assert "judging/views/sheets.py" in names and "main/views.py" in names


def test_views_build_no_sql_and_touch_no_session():
    problems = []
    for path in view_modules():
        rel = str(path.relative_to(ROOT))
        if rel in JUSTIFIED:
            continue
        problems += [f"{rel}: {b}" for b in breaches(path)]
    assert not problems, (
        "a view builds SQL or uses the session; move it to the domain's queries.py "
        "(or its services):\n" + "\n".join(problems)
    )


def test_every_justified_exception_still_breaks_the_rule():
    stale = [rel for rel in JUSTIFIED if not breaches(ROOT / rel)]
    assert not stale, f"no longer needed in JUSTIFIED: {stale}"
