"""Judge statistics as the pages write them: one decimal, severity signed, an ICC from too few
applications not given a level."""

from __future__ import annotations

import pytest


@pytest.fixture()
def ctx():
    from flask_babel import force_locale

    from venture import create_app

    with (
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_request_context(),
        force_locale("en"),
    ):
        yield


def test_judge_figures_have_one_decimal_and_severity_its_sign():
    from venture.rankings.explain import judge_points, severity_points

    assert (
        judge_points(76.25) == "76.2" and judge_points(80) == "80.0" and judge_points(None) == "—"
    )
    assert (
        severity_points(-6.75) == "−6.8"
        and severity_points(1.04) == "+1.0"
        and severity_points(None) == "—"
    )


def test_an_icc_below_the_minimum_of_applications_is_too_few_to_judge(ctx):
    from venture.rankings.explain import ICC_MIN_APPLICATIONS, icc_verdict

    assert "too few" in icc_verdict(0.1, ICC_MIN_APPLICATIONS - 1)
    assert icc_verdict(0.1, ICC_MIN_APPLICATIONS) == "poor"
    assert icc_verdict(0.95, ICC_MIN_APPLICATIONS + 10) == "excellent"
    assert icc_verdict(None, 1) == "not computable"
