"""Template globals and filters: money, local time, the navigation's inbox count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import request
from flask_babel import format_decimal, ngettext
from flask_login import current_user
from markupsafe import Markup, escape

from venture.i18n import LANGUAGES, current_locale_code

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def format_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.isoformat()


def fen_to_yuan(fen: int | None) -> Decimal | None:
    if fen is None:
        return None
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def format_money(fen: int | None) -> str:
    """Integer fen shown as yuan with two decimals and grouping: ¥12,345.00."""
    if fen is None:
        return ""
    return "¥" + format_decimal(fen_to_yuan(fen), format="#,##0.00")


def format_score(value) -> str:
    """Scores are published with two decimals, rounded half up."""
    if value is None or value == "":
        return ""
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


MINUTE, HOUR, DAY = 60, 60 * 60, 24 * 60 * 60


def format_duration(seconds: int) -> str:
    """A lifetime in the reader's language: 14 days, 72 hours, 90 minutes. Days from four
    days on, hours from one hour on (minutes below two hours when not whole), rounded
    down so the text never promises more than the link gives."""
    seconds = int(seconds)
    if seconds >= 4 * DAY:
        return ngettext("%(num)d day", "%(num)d days", seconds // DAY)
    if seconds >= HOUR and (seconds % HOUR < MINUTE or seconds >= 2 * HOUR):
        return ngettext("%(num)d hour", "%(num)d hours", seconds // HOUR)
    return ngettext("%(num)d minute", "%(num)d minutes", max(seconds // MINUTE, 1))


def nl2br(text: str | None) -> Markup:
    if not text:
        return Markup("")
    return Markup("<br>").join(escape(text).split("\n"))


def init_app(app) -> None:
    app.jinja_env.filters.update(
        money=format_money,
        local=format_local,
        localdate=format_date,
        score=format_score,
        nl2br=nl2br,
        duration=format_duration,
        yuan=fen_to_yuan,
    )
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES)
    from venture.files.services import served_name

    app.jinja_env.filters["download_name"] = served_name  # what a stored file is saved as
    from venture import labels

    app.jinja_env.filters.update(labels.FILTERS)
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _navigation():
        from venture.notices.services import unread_count

        unread = 0
        if current_user and current_user.is_authenticated:
            unread = unread_count(current_user)
        locale = current_locale_code()
        return {
            "current_locale": locale,
            "html_lang": "zh-CN" if locale == "zh_CN" else "en",
            "unread_notices": unread,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
