"""The eligibility helpers the competitions domain asks: list flags within some years,
and the months since registration."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from venture.orgs.models import FlagKind
from venture.orgs.services.eligibility import (
    flag_active_within,
    registration_months,
    years_before,
)


def org(*flags, registered=None):
    return SimpleNamespace(
        flags=[SimpleNamespace(kind=FlagKind(k), listed_on=a, removed_on=b) for k, a, b in flags],
        registration_date=registered,
    )


DAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    "flags, years, expected",
    [
        ((), 1, False),
        ((("abnormal", date(2026, 1, 1), None),), 1, True),  # still listed
        (
            (("abnormal", date(2024, 1, 1), date(2025, 3, 15)),),
            1,
            True,
        ),  # removed exactly a year ago
        (
            (("abnormal", date(2024, 1, 1), date(2025, 3, 14)),),
            1,
            False,
        ),  # removed more than a year ago
        ((("abnormal", date(2024, 1, 1), date(2025, 3, 14)),), 2, True),
        ((("abnormal", date(2026, 4, 1), None),), 1, False),  # listed after the day asked about
        ((("dishonest", date(2026, 1, 1), None),), 1, False),  # another list
    ],
)
def test_flag_active_within(flags, years, expected):
    assert flag_active_within(org(*flags), "abnormal", years, DAY) is expected


def test_the_kind_may_be_given_as_the_enum():
    flagged = org(("dishonest", date(2023, 6, 1), date(2024, 6, 1)))
    assert flag_active_within(flagged, FlagKind.DISHONEST, 2, DAY) is True
    assert flag_active_within(flagged, FlagKind.DISHONEST, 1, DAY) is False


def test_years_before_29_february():
    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)
    assert years_before(date(2028, 2, 29), 4) == date(2024, 2, 29)


@pytest.mark.parametrize(
    "registered, on, months",
    [
        (None, DAY, 0),
        (date(2027, 1, 1), DAY, 0),
        (date(2026, 3, 15), DAY, 0),
        (date(2025, 3, 15), DAY, 12),
        (date(2025, 3, 16), DAY, 11),
        (date(2024, 1, 31), date(2024, 2, 29), 0),
        (date(2024, 1, 31), date(2024, 3, 1), 1),
    ],
)
def test_registration_months(registered, on, months):
    assert registration_months(org(registered=registered), on) == months
