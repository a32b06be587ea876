"""The eligibility checklist on plain objects (no database): flags within N years,
registration age, counts per organization, organization type, required attachments."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace as NS

from venture.applications.eligibility import is_clean, months_between, run_checks
from venture.applications.models import ApplicationStatus, AttachmentKind
from venture.applications.money import LineRule, MoneyRules
from venture.orgs.models import FlagKind, OrgType

TODAY = date(2027, 1, 10)
RULES = MoneyRules(
    10_000_000, Decimal("60"), Decimal("0"), {}, {1: LineRule(1, "activity", "宣传费", None)}
)


def world(**over):
    comp = NS(
        id=1,
        require_verified=True,
        allowed_org_types=["social_group", "pne"],
        abnormal_years=1,
        dishonest_years=2,
        max_applications_per_org=1,
        min_registration_months=12,
        required_attachments=["registration"],
        area_id=None,
    )
    org = NS(
        id=7,
        is_verified=True,
        org_type=OrgType.PRIVATE_NON_ENTERPRISE,
        flags=[],
        registration_date=date(2020, 1, 1),
    )
    app = NS(
        competition=comp,
        organization=org,
        status=ApplicationStatus.SUBMITTED,
        budget_lines=[NS(rule_id=1, amount_fen=1000, item="x")],
        requested_fen=600,
        cofunding_fen=400,
        attachments=[NS(kind=AttachmentKind.REGISTRATION, expired=lambda today: False)],
        communities=[],
    )
    for key, value in over.items():
        target, attr = key.split("__")
        setattr({"comp": comp, "org": org, "app": app}[target], attr, value)
    return app


def failed(app, counts=None):
    checks = run_checks(
        app, today=TODAY, counts=counts if counts is not None else {7: 1}, rules=RULES
    )
    return {c.code for c in checks if not c.ok}


def test_a_clean_application_passes_every_check():
    app = world()
    checks = run_checks(app, today=TODAY, counts={7: 1}, rules=RULES)
    assert is_clean(checks)
    assert {c.code for c in checks} == {
        "verified",
        "org_type",
        "abnormal",
        "dishonest",
        "count",
        "registration",
        "money",
        "attachments",
    }


def test_flags_count_only_within_their_window():
    old = NS(kind=FlagKind.ABNORMAL, listed_on=date(2024, 3, 1), removed_on=date(2025, 6, 1))
    assert failed(world(org__flags=[old])) == set()  # removed more than a year ago
    recent = NS(kind=FlagKind.ABNORMAL, listed_on=date(2025, 3, 1), removed_on=date(2026, 3, 1))
    assert failed(world(org__flags=[recent])) == {"abnormal"}
    dishonest = NS(kind=FlagKind.DISHONEST, listed_on=date(2024, 3, 1), removed_on=date(2025, 6, 1))
    assert failed(world(org__flags=[dishonest])) == {"dishonest"}  # within two years
    still = NS(kind=FlagKind.DISHONEST, listed_on=date(2010, 1, 1), removed_on=None)
    assert failed(world(org__flags=[still])) == {"dishonest"}


def test_type_verification_age_count_and_attachments():
    assert failed(world(org__org_type=OrgType.FOUNDATION)) == {"org_type"}
    assert failed(world(org__is_verified=False)) == {"verified"}
    assert failed(world(org__registration_date=date(2026, 6, 1))) == {"registration"}
    assert failed(world(), counts={7: 2}) == {"count"}
    assert failed(world(app__attachments=[])) == {"attachments"}
    assert failed(world(app__requested_fen=900, app__cofunding_fen=100)) == {"money"}


def test_months_between_counts_whole_months():
    assert months_between(date(2026, 1, 10), date(2027, 1, 10)) == 12
    assert months_between(date(2026, 1, 11), date(2027, 1, 10)) == 11
