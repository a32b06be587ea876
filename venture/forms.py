"""Number fields and parsers every form and view uses, so that no number a user can type
reaches the database beyond what a column holds.

SQLite's INTEGER holds 64-bit signed integers, PostgreSQL's INTEGER 32-bit ones; Python's
int has no bound, so ``int("1" + "0" * 30)`` passes every check a form makes unless it has
an upper bound, and then fails in the driver (a 500 on SQLite, which cannot bind it). These fields and parsers refuse it as the
user's mistake, beside the field. Forms import IntegerField and DecimalField from here,
never from wtforms (a convention test checks every form class).
"""

from __future__ import annotations

import decimal
import re

import wtforms
from flask_babel import lazy_gettext as _l
from wtforms.widgets import HiddenInput

INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # the widest column: SQLite INTEGER, PostgreSQL BIGINT
# What an INTEGER column holds on PostgreSQL (and so on both databases): every number a
# form takes and every id (the primary keys are INTEGER) fits it.
COLUMN_MIN, COLUMN_MAX = -(2**31), 2**31 - 1
DECIMAL_LIMIT = decimal.Decimal(10) ** 15  # beyond any score, weight or amount in yuan
_WHOLE = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: int() also takes "١٢", "1_000" and spaces


def whole_number(value, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """The integer written in ``value`` when it is a plain whole number from ``low`` to
    ``high``; None otherwise (a non-number, "1.5", "²", 2**63, an empty string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not _WHOLE.fullmatch(text) or len(text) > 25:
            return None
        number = int(text)
    return number if low <= number <= high else None


def record_id(value) -> int | None:
    """A row id from a request (a form field, a checkbox, a query argument): a positive
    whole number an id column can hold, or None."""
    return whole_number(value, 1, COLUMN_MAX)


def record_ids(values) -> list[int]:
    """The row ids among ``values``, in order, without duplicates; the rest are ignored."""
    return list(dict.fromkeys(i for i in map(record_id, values) if i is not None))


def coerce_id(value) -> int:
    """``coerce`` for a select or checkboxes of row ids: a ValueError (the field's "not a
    valid choice") for anything but an id a column can hold."""
    number = record_id(value)
    if number is None:
        raise ValueError(value)
    return number


def coerce_optional_id(value) -> int | None:
    """``coerce_id`` that lets the empty choice through as None."""
    if value in (None, "", "None"):
        return None
    return coerce_id(value)


class IntegerField(wtforms.IntegerField):
    """A whole number (ASCII digits) an INTEGER column holds on both databases, whatever
    the form's own NumberRange says (or if it has none)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0]
        if raw is None or str(raw).strip() == "":
            self.data = None  # Optional() / DataRequired() decide about a blank
            return
        number = whole_number(raw, COLUMN_MIN, COLUMN_MAX)
        if number is None:
            self.data = None
            if _WHOLE.fullmatch(str(raw).strip()):
                raise ValueError(_l("This number is too large."))
            raise ValueError(self.invalid_value_message or _l("Enter a whole number."))
        self.data = number


class HiddenIntegerField(IntegerField):
    """A number the page carries for the server (a version), never shown."""

    widget = HiddenInput()


class DecimalField(wtforms.DecimalField):
    """A finite decimal number (no NaN, no Infinity) of a sane size."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0]
        if raw is None or str(raw).strip() == "":
            self.data = None
            return
        try:
            number = decimal.Decimal(str(raw).strip())
        except (decimal.InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite():
            self.data = None
            raise ValueError(self.invalid_value_message or _l("Enter a number."))
        if abs(number) >= DECIMAL_LIMIT:
            self.data = None
            raise ValueError(_l("This number is too large."))
        self.data = number


MAX_PAGE = 1_000_000  # far past the last page of any list; its offset still fits a column


def page_number(value) -> int:
    """``type=`` for ``request.args.get("page", 1, type=page_number)``: a ValueError (so
    the default is used) for anything but a page number."""
    number = whole_number(value, 1, MAX_PAGE)
    if number is None:
        raise ValueError(value)
    return number
