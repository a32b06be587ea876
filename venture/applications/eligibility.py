"""The automatic eligibility checklist of an application (资格审查).

Each rule is a small function of the application, its organization and the
competition's settings, returning a :class:`Check` with a translated message. The
only database access is :func:`org_application_counts`, done once for a whole list,
so the organizer's list runs the checklist for a page without extra queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.applications.models import ApplicationStatus
from venture.applications.money import Line, check_money, rules_of
from venture.competitions.labels import label_of as label
from venture.extensions import db

# Applications that count against "applications per organization".
COUNTED = (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED, ApplicationStatus.PASSED)


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    ok: bool
    message: str


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def org_application_counts(competition_id: int, org_ids) -> dict[int, int]:
    """How many counted applications each organization has in the competition (one query)."""
    from venture.applications.models import Application

    org_ids = set(org_ids)
    if not org_ids:
        return {}
    rows = db.session.execute(
        sa.select(Application.organization_id, sa.func.count(Application.id))
        .where(
            Application.competition_id == competition_id,
            Application.organization_id.in_(org_ids),
            Application.status.in_(COUNTED),
        )
        .group_by(Application.organization_id)
    ).all()
    return {org_id: count for org_id, count in rows}


def _verified(app, comp, org, today, ctx) -> Check | None:
    if not comp.require_verified:
        return None
    ok = org.is_verified
    return Check(
        "verified",
        _("Organization verified"),
        ok,
        _("The organization's registration has been verified.")
        if ok
        else _("The organization has not been verified by the organizer yet."),
    )


def verification_note(org, comp) -> str | None:
    """What verification means for an application of ``org`` in ``comp``, said to its members
    before they submit (None once the organization is verified). The same rule as the
    screening's "Organization verified" check: submitting is allowed either way; where the
    competition requires verification the check fails, so the application is not passed with
    the all-green ones and may be returned or rejected."""
    from venture.orgs.models import VerificationStatus

    if org.is_verified:
        return None
    rejected = org.verification_status == VerificationStatus.REJECTED
    if not comp.require_verified:
        return (
            _(
                "The organizer rejected the registration of %(org)s. This competition does not require a "
                "verified organization: you can submit, and the screening does not depend on it.",
                org=org.name,
            )
            if rejected
            else _(
                "%(org)s has not been verified by the organizer yet. This competition does not require it: you "
                "can submit, and the screening does not depend on it.",
                org=org.name,
            )
        )
    if rejected:
        return _(
            "The organizer rejected the registration of %(org)s (the reason is on the organization's page). "
            "This competition requires a verified organization: you can submit, but the screening will find "
            'that the application does not meet the rule "%(check)s", and the organizer may '
            "reject it.",
            org=org.name,
            check=_("Organization verified"),
        )
    return _(
        "%(org)s has not been verified by the organizer yet. You can fill in and submit this application, but "
        "this competition requires a verified organization: until the organizer verifies it, the screening "
        'finds that the application does not meet the rule "%(check)s", so it is not passed '
        "with the others and may be returned for amendment or rejected. Keep the organization's details and "
        "registration certificate complete so that it can be verified.",
        org=org.name,
        check=_("Organization verified"),
    )


def _org_type(app, comp, org, today, ctx) -> Check | None:
    allowed = comp.allowed_org_types or []
    if not allowed:
        return None
    ok = org.org_type.value in allowed
    return Check(
        "org_type",
        _("Organization type"),
        ok,
        _("%(type)s is allowed.", type=label(org.org_type))
        if ok
        else _(
            "%(type)s is not among the allowed types (%(allowed)s).",
            type=label(org.org_type),
            allowed="、".join(_org_type_label(t) for t in allowed),
        ),
    )


def _org_type_label(value: str) -> str:
    from venture.orgs.models import OrgType

    try:
        return label(OrgType(value))
    except ValueError:
        return value


def _flag_check(kind, years: int, code: str, title: str):
    def check(app, comp, org, today, ctx) -> Check | None:
        n = getattr(comp, years)
        if n <= 0:
            return None
        cutoff = years_before(today, n)
        hits = [
            f
            for f in org.flags
            if f.kind == kind
            and f.listed_on <= today
            and (f.removed_on is None or f.removed_on >= cutoff)
        ]
        if not hits:
            return Check(code, title, True, _("Not listed in the last %(n)d year(s).", n=n))
        flag = hits[-1]
        if flag.removed_on is None:
            message = _(
                "Listed since %(listed)s and still listed.", listed=flag.listed_on.isoformat()
            )
        else:
            message = _(
                "Listed from %(listed)s to %(removed)s, within the last %(n)d year(s).",
                listed=flag.listed_on.isoformat(),
                removed=flag.removed_on.isoformat(),
                n=n,
            )
        return Check(code, title, False, message)

    return check


def _count(app, comp, org, today, ctx) -> Check:
    counts = ctx.get("counts")
    if counts is None:
        counts = org_application_counts(comp.id, [org.id])
    count = counts.get(org.id, 0)
    if app.status not in COUNTED:
        count += 1  # this one, once submitted
    ok = count <= comp.max_applications_per_org
    return Check(
        "count",
        _("Applications per organization"),
        ok,
        _("%(count)d of at most %(max)d.", count=count, max=comp.max_applications_per_org)
        if ok
        else _(
            "The organization has %(count)d applications in this competition; at most %(max)d allowed.",
            count=count,
            max=comp.max_applications_per_org,
        ),
    )


def _registration(app, comp, org, today, ctx) -> Check | None:
    need = comp.min_registration_months
    if need <= 0:
        return None
    if org.registration_date is None:
        return Check(
            "registration", _("Registration age"), False, _("The registration date is not known.")
        )
    months = months_between(org.registration_date, today)
    ok = months >= need
    return Check(
        "registration",
        _("Registration age"),
        ok,
        _(
            "Registered on %(date)s (%(months)d months); at least %(need)d months required.",
            date=org.registration_date.isoformat(),
            months=months,
            need=need,
        ),
    )


def _money(app, comp, org, today, ctx) -> Check:
    rules = ctx.get("rules") or rules_of(comp)
    problems = check_money(
        rules,
        [Line(b.rule_id, b.amount_fen, b.item) for b in app.budget_lines],
        app.requested_fen,
        app.cofunding_fen,
    )
    return Check(
        "money",
        _("Money rules"),
        not problems,
        " ".join(p.message for p in problems)
        if problems
        else _("Amount, share, co-funding and budget lines are within the rules."),
    )


def _attachments(app, comp, org, today, ctx) -> Check | None:
    required = comp.required_attachments or []
    if not required:
        return None
    present = {
        a.kind.value for a in app.attachments if not a.expired(today)
    }  # an expired document is missing
    missing = [k for k in required if k not in present]
    from venture.applications.models import AttachmentKind

    return Check(
        "attachments",
        _("Required attachments"),
        not missing,
        _("All required attachments are present.")
        if not missing
        else _("Missing: %(kinds)s.", kinds="、".join(label(AttachmentKind(k)) for k in missing)),
    )


def _area(app, comp, org, today, ctx) -> Check | None:
    if comp.area_id is None:
        return None
    outside = [c.name for c in app.communities if not _inside(c, comp.area_id)]
    if not app.communities:
        return Check("area", _("Host communities"), False, _("No host community has been chosen."))
    return Check(
        "area",
        _("Host communities"),
        not outside,
        _("Every host community is inside the competition's area.")
        if not outside
        else _("Outside the competition's area: %(names)s.", names="、".join(outside)),
    )


def _inside(area, area_id: int) -> bool:
    node = area
    while node is not None:
        if node.id == area_id:
            return True
        node = node.parent
    return False


RULES: list[Callable] = [
    _verified,
    _org_type,
    _flag_check("abnormal", "abnormal_years", "abnormal", "Abnormal-activity list"),
    _flag_check("dishonest", "dishonest_years", "dishonest", "Serious-dishonesty list"),
    _count,
    _registration,
    _money,
    _attachments,
    _area,
]


def run_checks(application, *, today: date, counts: dict | None = None, rules=None) -> list[Check]:
    """The checklist for one application. Pass ``counts`` (from
    :func:`org_application_counts`) and ``rules`` when checking many at once."""
    comp, org = application.competition, application.organization
    ctx = {"counts": counts, "rules": rules}
    results = []
    for rule in RULES:
        result = rule(application, comp, org, today, ctx)
        if result is not None:
            results.append(result)
    return [_translated_title(c) for c in results]


def _translated_title(check: Check) -> Check:
    titles = {"abnormal": _("Abnormal-activity list"), "dishonest": _("Serious-dishonesty list")}
    if check.code in titles:
        return Check(check.code, titles[check.code], check.ok, check.message)
    return check


def is_clean(checks: list[Check]) -> bool:
    return all(c.ok for c in checks)
