"""Mainland phone numbers, receipt codes, yuan amounts and reminder windows (pure logic)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from venture.results.phone import normalize_phone


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("８６１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("0736-7123456", "0736-7123456"),
        ("(0736)7123456", "0736-7123456"),
        ("010-12345678", "010-12345678"),
        ("02112345678", "021-12345678"),
        ("0736-7123456-801", "0736-7123456-801"),
    ],
)
def test_valid_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345678901",
        "1381234567",
        "138123456789",
        "0736-0123456",
        "7123456",
        "abc",
        "021-1234",
        "+1 202 555 0100",
    ],
)
def test_invalid_numbers_are_refused(raw):
    assert normalize_phone(raw) is None


def test_reminder_windows():
    from venture.notices.reminders import window_label

    deadline = datetime(2026, 5, 1, 10, tzinfo=UTC)
    assert window_label(deadline, deadline - timedelta(hours=80), (72, 24)) is None
    assert window_label(deadline, deadline - timedelta(hours=72), (72, 24)) == "72h"
    assert window_label(deadline, deadline - timedelta(hours=25), (72, 24)) == "72h"
    assert window_label(deadline, deadline - timedelta(hours=24), (72, 24)) == "24h"
    assert window_label(deadline, deadline - timedelta(minutes=1), (72, 24)) == "24h"
    assert window_label(deadline, deadline, (72, 24)) is None


def test_letters_for_anonymous_experts():
    from venture.results.scorecard import letters

    assert [letters(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_receipt_codes_are_normalized():
    from venture.results.services.objections import normalize_receipt

    assert normalize_receipt(" abcde fghjk ") == "ABCDE-FGHJK"
    assert normalize_receipt("ABCDE-FGHJK") == "ABCDE-FGHJK"
