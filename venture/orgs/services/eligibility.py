"""Eligibility helpers for the competitions domain: list flags and registration age.

They read the organization's flags as loaded (eager-load ``Organization.flags`` when
checking many organizations).
"""

from __future__ import annotations

from datetime import date

from venture.orgs.models import FlagKind, Organization


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def flag_active_within(org: Organization, kind: FlagKind | str, years: int, on_date: date) -> bool:
    """Was the organization on the list (``kind``) at any time in the ``years`` before ``on_date``?

    "Not on the 活动异常名录 in the last year" is ``not flag_active_within(org, "abnormal", 1, day)``.
    """
    kind = FlagKind(kind)
    start = years_before(on_date, years)
    return any(
        f.kind == kind
        and f.listed_on <= on_date
        and (f.removed_on is None or f.removed_on >= start)
        for f in org.flags
    )


def registration_months(org: Organization, on_date: date) -> int:
    """Whole months from the registration date to ``on_date`` (0 without a date)."""
    start = org.registration_date
    if start is None or start > on_date:
        return 0
    months = (on_date.year - start.year) * 12 + on_date.month - start.month
    if on_date.day < start.day:
        months -= 1
    return max(months, 0)
