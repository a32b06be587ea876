"""Languages: Simplified Chinese by default, English on request.

Source strings are English. Catalogs are plain ``.po`` files, one folder per domain
package under ``venture/translations/<part>/zh_CN/LC_MESSAGES/messages.po`` so that
each domain owns its strings; they are compiled in memory at first use, so nothing
generated has to be committed or built before the app runs.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session
from flask_babel import Domain, get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"


def catalog_files(locale: str) -> list[Path]:
    return sorted(TRANSLATIONS_DIR.glob(f"*/{locale}/LC_MESSAGES/messages.po"))


def load_translations(locale: str) -> support.Translations:
    """Merge every part's catalog for one locale into one Translations object."""
    merged = support.Translations()
    for po_path in catalog_files(locale):
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = support.Translations(fp=buffer)
        merged.merge(part)
        merged.plural = part.plural  # merge keeps the empty catalog's English plural rule
    return merged


class PoDomain(Domain):
    """Flask-Babel domain that reads the per-part .po files (cached per process)."""

    _lock = threading.Lock()

    def __init__(self):
        super().__init__()
        self._loaded: dict[str, support.Translations] = {}

    def get_translations(self):
        locale = current_locale_code()
        if locale == "en":
            return support.NullTranslations()
        cached = self._loaded.get(locale)
        if cached is None:
            with self._lock:
                cached = self._loaded.get(locale) or load_translations(locale)
                self._loaded[locale] = cached
        return cached


def current_locale_code() -> str:
    """'zh_CN' or 'en' (Babel spells the Chinese locale zh_Hans_CN)."""
    locale = get_locale()
    return "zh_CN" if locale is None or locale.language == "zh" else "en"


def normalize_locale(code: str | None) -> str | None:
    if not code:
        return None
    code = code.replace("-", "_")
    if code in LANGUAGES:
        return code
    if code.lower().startswith("zh"):
        return "zh_CN"
    if code.lower().startswith("en"):
        return "en"
    return None


def select_locale() -> str:
    """The signed-in user's choice, then the session's, then zh_CN.

    The browser's Accept-Language is deliberately not consulted: the product's
    audience reads Chinese first, and English is an explicit choice.
    """
    try:
        if current_user and getattr(current_user, "is_authenticated", False):
            chosen = normalize_locale(getattr(current_user, "locale", None))
            if chosen:
                return chosen
    except SQLAlchemyError:
        pass  # the database is unreachable: the page that says so still needs a language
    if request:
        chosen = normalize_locale(session.get("locale"))
        if chosen:
            return chosen
    return current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
