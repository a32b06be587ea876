"""Who hears about results: applicant organizations' members, and the organizers."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from venture.accounts.models import Role, User
from venture.extensions import db
from venture.notices.services import notify
from venture.orgs.models import Membership
from venture.results.links import external_url
from venture.templating import format_local, format_money, format_score


def members_by_org(org_ids) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    rows = db.session.scalars(
        sa.select(Membership)
        .where(Membership.organization_id.in_(set(org_ids)))
        .options(joinedload(Membership.user))
        .order_by(Membership.id)
    )
    for m in rows:
        if m.user.active:
            found[m.organization_id].append(m.user)
    return found


def notify_members(decisions, kind: str, publication) -> int:
    """Tell each applicant organization's members their outcome, once per publication,
    application and person (a second run sends nothing)."""
    decisions = list(decisions)
    members = members_by_org(d.application.organization_id for d in decisions)
    sent = 0
    for decision in decisions:
        app = decision.application
        link = external_url("results.scorecard", application_id=app.id)
        for user in members.get(app.organization_id, ()):
            notice = notify(
                user,
                kind,
                link=link,
                competition_id=decision.competition_id,
                dedupe_key=f"{kind}:{publication.id}:{app.id}:{user.id}",
                competition=app.competition,
                project=app.project_name,
                code=app.display_code,
                outcome=decision.outcome.value,
                amount=format_money(decision.approved_fen),
                score=format_score(decision.score),
                rank=decision.rank or "",
                category=decision.category.name if decision.category else "",
                publicity_ends_at=format_local(publication.publicity_ends_at),
                public_link=external_url(
                    "results.public_notice", competition_id=decision.competition_id
                ),
            )
            sent += notice is not None
    return sent


def organizers() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.ORGANIZER, User.active.is_(True))
            .order_by(User.id)
        )
    )
