"""Keeping the translation catalogs complete: `venture i18n update` and `check`.

Each *part* owns some Python packages and template folders; its catalog lives at
``venture/translations/<part>/zh_CN/LC_MESSAGES/messages.po``. ``update`` extracts the
part's strings and merges them into its catalog (keeping translations), ``check``
lists every string without a translation (a test runs it, so nothing ships
half-translated).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from flask.cli import with_appcontext

from venture.config import PROJECT_ROOT
from venture.i18n import TRANSLATIONS_DIR

# part -> folders (relative to the project root) whose strings it owns
PARTS: dict[str, list[str]] = {
    "core": [
        "venture/main",
        "venture/accounts",
        "venture/notices",
        "venture/audit",
        "venture/jobs",
        "venture/demo",
        "templates/main",
        "templates/errors",
        "templates/accounts",
        "templates/notices",
        "templates/audit",
        "venture/files",
        "@venture",
        "@templates",
    ],
    "orgs": ["venture/orgs", "templates/orgs"],
    "competitions": [
        "venture/competitions",
        "venture/applications",
        "templates/competitions",
        "templates/applications",
    ],
    "judging": ["venture/judging", "templates/judging"],
    "rankings": ["venture/rankings", "venture/scoring", "templates/rankings"],
    "results": ["venture/results", "templates/results"],
    "followup": ["venture/followup", "templates/followup"],
    "reports": ["venture/reports", "templates/reports"],
}
LOCALES = ["zh_CN"]

METHOD_MAP = [
    ("**.py", "python"),
    ("**.html", "jinja2"),
    ("**.txt", "jinja2"),
]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
}
OPTIONS = {"**.html": {"extensions": "jinja2.ext.do"}, "**.txt": {"extensions": "jinja2.ext.do"}}


def _files_of(entry: str):
    """A folder (recursively), or with '@' the files directly inside a folder."""
    if entry.startswith("@"):
        folder = PROJECT_ROOT / entry[1:]
        return folder, lambda name: "/" not in name
    return PROJECT_ROOT / entry, lambda name: True


def extract_part(part: str) -> Catalog:
    catalog = Catalog(locale=None, project="venture", charset="utf-8")
    for entry in PARTS[part]:
        folder, accept = _files_of(entry)
        if not folder.exists():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            folder,
            METHOD_MAP,
            OPTIONS,
            KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            if not accept(filename):
                continue
            location = (str((folder / filename).relative_to(PROJECT_ROOT)), lineno)
            catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def po_path(part: str, locale: str) -> Path:
    return TRANSLATIONS_DIR / part / locale / "LC_MESSAGES" / "messages.po"


def update_part(part: str, locale: str) -> tuple[int, int]:
    template = extract_part(part)
    path = po_path(part, locale)
    if path.exists():
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale)
    else:
        catalog = Catalog(locale=locale, project="venture", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, catalog)
    missing = sum(
        1
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    )
    return len(template), missing


STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def _write(path: Path, catalog: Catalog) -> None:
    """Write a catalog deterministically: no dates, no line numbers, sorted; so that
    re-running `update` changes nothing and merges of two parts' work stay clean."""
    catalog.creation_date = STABLE_DATE
    catalog.revision_date = STABLE_DATE
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, no_location=True, include_previous=False)


def missing_translations(locale: str = "zh_CN") -> list[tuple[str, str]]:
    """(part, msgid) of every string extracted from the code without a translation."""
    problems = []
    for part in PARTS:
        path = po_path(part, locale)
        translated: dict = {}
        if path.exists():
            with path.open("rb") as f:
                for m in read_po(f, locale=locale):
                    if m.id and m.string and not m.fuzzy:
                        key = m.id if isinstance(m.id, str) else m.id[0]
                        ok = all(m.string) if isinstance(m.string, tuple) else True
                        if ok:
                            translated[key] = m.string
        for m in extract_part(part):
            if not m.id:
                continue
            key = m.id if isinstance(m.id, str) else m.id[0]
            if key not in translated:
                problems.append((part, key))
    return problems


@click.group("i18n")
def i18n_group():
    """Translation catalogs (zh_CN)."""


@i18n_group.command("update")
@with_appcontext
def i18n_update():
    """Extract strings into every part's catalog, keeping existing translations."""
    for part in PARTS:
        for locale in LOCALES:
            total, missing = update_part(part, locale)
            click.echo(f"{part:14} {locale}: {total} strings, {missing} without translation")


@i18n_group.command("check")
@with_appcontext
def i18n_check():
    """List strings without a translation; exit 1 if there are any."""
    problems = missing_translations()
    for part, msgid in problems:
        click.echo(f"{part}: {msgid}")
    if problems:
        raise SystemExit(1)
    click.echo("All strings are translated.")


def fill_part(part: str, translations: dict[str, str], locale: str = "zh_CN") -> int:
    """Write translations (msgid -> text) into a part's catalog; returns how many were set."""
    path = po_path(part, locale)
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    count = 0
    for message in catalog:
        key = message.id if isinstance(message.id, str) else (message.id[0] if message.id else None)
        if key and key in translations:
            value = translations[key]
            message.string = (
                tuple(value) if isinstance(message.id, tuple) and isinstance(value, list) else value
            )
            message.flags.discard("fuzzy")
            count += 1
    _write(path, catalog)
    return count


@i18n_group.command("fill")
@click.argument("part")
@click.argument("json_file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def i18n_fill(part: str, json_file):
    """Set translations of PART from a JSON object {"English": "中文", ...}."""
    import json

    count = fill_part(part, json.load(json_file))
    click.echo(f"{count} translation(s) written to {po_path(part, 'zh_CN')}")
