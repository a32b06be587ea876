"""The demo's places and organizations: a city's tree, valid codes of the three types,
social workers, liaisons; seeding twice adds nothing."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from venture.accounts.models import User
from venture.extensions import db
from venture.orgs.models import (
    Area,
    AreaLevel,
    Membership,
    Organization,
    OrgType,
    VerificationStatus,
)
from venture.orgs.uscc import parse_uscc


def test_the_demo_city_and_its_organizations(app_ctx, login):
    from venture.audit.services import verify_chain
    from venture.demo import people, places
    from venture.orgs.services import communities_of_liaison, pending_changes

    people.seed()
    assert places.seed() is True
    db.session.commit()
    assert places.seed() is False  # idempotent
    db.session.commit()

    levels = Counter(db.session.scalars(sa.select(Area.level)))
    assert levels[AreaLevel.DISTRICT] == 3 and levels[AreaLevel.STREET] == 9
    assert 27 <= levels[AreaLevel.COMMUNITY] <= 36
    districts = set(db.session.scalars(sa.select(Area.name).where(Area.parent_id.is_(None))))
    assert districts == {"城东区", "城西区", "湖滨区"}

    orgs = list(db.session.scalars(sa.select(Organization)))
    verified = [o for o in orgs if o.verification_status == VerificationStatus.VERIFIED]
    assert len(verified) >= 25
    assert {o.org_type for o in verified} == {
        OrgType.SOCIAL_GROUP,
        OrgType.PRIVATE_NON_ENTERPRISE,
        OrgType.FOUNDATION,
    }
    for org in orgs:
        parsed = parse_uscc(org.uscc)
        assert parsed.is_civil_affairs and parsed.region_code == org.region_code
        assert 2 <= len(org.social_workers) <= 5
    assert Counter(o.verification_status for o in orgs)[VerificationStatus.REJECTED] == 1
    assert any(f.removed_on for o in orgs for f in o.flags)

    owner = db.session.scalar(sa.select(User).where(User.email == "applicant@demo.venture"))
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == owner.id))
    home = db.session.get(Organization, membership.organization_id)
    assert (home.name, home.org_type, home.is_verified) == (
        "澧阳市夕阳红社会工作服务中心",
        OrgType.PRIVATE_NON_ENTERPRISE,
        True,
    )

    liaison = db.session.scalar(sa.select(User).where(User.email == "liaison@demo.venture"))
    assert 3 <= len(communities_of_liaison(liaison)) <= 4

    changed = db.session.scalar(
        sa.select(Organization).where(Organization.name == places.PENDING_CHANGED)
    )
    assert changed.verification_status == VerificationStatus.PENDING and changed.unverified_fields
    assert {c.field for c in pending_changes(changed)} == {
        "legal_representative",
        "rating",
        "rating_date",
    }
    assert verify_chain().ok

    organizer = db.session.scalar(sa.select(User).where(User.email == "organizer@demo.venture"))
    page = login(organizer).get(f"/orgs/{changed.id}").get_data(as_text=True)
    assert "韩思远" in page and "diff-del" in page
