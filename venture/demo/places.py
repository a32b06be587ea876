"""The demo's places and organizations: the invented city of 澧阳市.

Three districts with their streets and communities, about thirty social organizations
of the three civil-affairs types (valid 统一社会信用代码, full profiles, social workers),
a few awaiting verification or rejected, and the liaisons of some communities.
All names are invented.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import sqlalchemy as sa

from venture.accounts.models import Role, User
from venture.audit.services import record
from venture.demo.people import ensure_user
from venture.extensions import db
from venture.orgs.models import (
    Area,
    AreaLevel,
    FlagKind,
    InspectionResult,
    MemberRole,
    Membership,
    Organization,
    OrgFlag,
    OrgType,
    PartyOrg,
    Qualification,
    Rating,
    SocialWorker,
    VerificationStatus,
    community_liaison,
)
from venture.orgs.uscc import make_uscc

CITY = "澧阳市"
# district -> (region code, {street: [communities]})
TREE = {
    "城东区": (
        "439901",
        {
            "丹桂街道": ["丹桂社区", "桂花社区", "金桂社区", "银杏村"],
            "东湖街道": ["东湖社区", "望湖社区", "湖光村"],
            "朝阳街道": ["朝阳社区", "向阳社区", "晨曦社区", "曙光村"],
        },
    ),
    "城西区": (
        "439902",
        {
            "柳湖街道": ["柳湖社区", "柳林社区", "杨柳村"],
            "杏林街道": ["杏林社区", "杏花社区", "桃源社区", "梨园村"],
            "西山镇": ["西山村", "松岭村", "竹溪村"],
        },
    ),
    "湖滨区": (
        "439903",
        {
            "荷花街道": ["荷花社区", "荷塘社区", "莲心社区"],
            "芦苇街道": ["芦花社区", "苇岸社区", "白鹭村", "渔歌村"],
            "滨江街道": ["滨江社区", "江畔社区", "观澜社区"],
        },
    ),
}

# Where liaison@demo.venture works: the communities of several GY2025 projects.
LIAISON_COMMUNITIES = ["丹桂社区", "桂花社区", "柳湖社区", "荷花社区"]
OTHER_LIAISONS = [
    ("liaison2@demo.venture", "王秀兰", ["东湖社区", "朝阳社区", "向阳社区"]),
    ("liaison3@demo.venture", "陈建华", ["杏林社区", "滨江社区", "荷塘社区"]),
]

# The demo applicants' organizations (the competition seeder applies with them).
APPLICANT_ORGS = {
    "applicant@demo.venture": "澧阳市夕阳红社会工作服务中心",
    "applicant2@demo.venture": "澧阳市青年志愿者协会",
    "applicant3@demo.venture": "澧阳市同心社会工作服务中心",
}

_SG, _PNE, _FD = OrgType.SOCIAL_GROUP, OrgType.PRIVATE_NON_ENTERPRISE, OrgType.FOUNDATION
# (name, type, district); verified unless listed in PENDING / REJECTED below.
ORGANIZATIONS = [
    ("澧阳市夕阳红社会工作服务中心", _PNE, "城东区"),
    ("澧阳市丹桂社会工作服务中心", _PNE, "城东区"),
    ("澧阳市同心社会工作服务中心", _PNE, "城西区"),
    ("澧阳市湖滨社会工作服务中心", _PNE, "湖滨区"),
    ("澧阳市康乐养老服务中心", _PNE, "城东区"),
    ("澧阳市颐和居家养老服务中心", _PNE, "城西区"),
    ("澧阳市童心儿童服务中心", _PNE, "湖滨区"),
    ("澧阳市阳光助残服务中心", _PNE, "城东区"),
    ("澧阳市心桥心理咨询服务中心", _PNE, "城西区"),
    ("澧阳市和美社区发展服务中心", _PNE, "湖滨区"),
    ("澧阳市启明星青少年服务中心", _PNE, "城东区"),
    ("澧阳市春晖家庭综合服务中心", _PNE, "城西区"),
    ("澧阳市善邻社区服务中心", _PNE, "湖滨区"),
    ("澧阳市乐龄文化养老服务中心", _PNE, "城东区"),
    ("澧阳市青年志愿者协会", _SG, "城东区"),
    ("澧阳市柳湖志愿者协会", _SG, "城西区"),
    ("澧阳市社会工作协会", _SG, "城西区"),
    ("澧阳市老年人体育协会", _SG, "湖滨区"),
    ("澧阳市助残志愿者协会", _SG, "城东区"),
    ("澧阳市邻里互助促进会", _SG, "湖滨区"),
    ("澧阳市家庭教育研究会", _SG, "城西区"),
    ("澧阳市慈善义工联合会", _SG, "城东区"),
    ("澧阳市社区书画协会", _SG, "湖滨区"),
    ("澧阳市慈善基金会", _FD, "城东区"),
    ("澧阳市湖滨公益基金会", _FD, "湖滨区"),
    ("澧阳市春蕾助学基金会", _FD, "城西区"),
    ("澧阳市夕照敬老基金会", _FD, "城东区"),
    ("澧阳市绿荫环保公益基金会", _FD, "城西区"),
    ("澧阳市新芽儿童成长服务中心", _PNE, "湖滨区"),
    ("澧阳市邻家社区营造中心", _PNE, "城西区"),
    ("澧阳市晨光助老服务中心", _PNE, "城东区"),
]
PENDING_NEW = "澧阳市新芽儿童成长服务中心"
PENDING_CHANGED = "澧阳市邻家社区营造中心"  # verified, then edited by its member: re-verification
REJECTED = (
    "澧阳市晨光助老服务中心",
    "填写的登记管理机关为城东区民政局，但统一社会信用代码的行政区划码为城西区，请核对登记证书后修改。",
)
OLD_ABNORMAL = (
    "澧阳市社区书画协会",
    date(2022, 5, 10),
    date(2023, 3, 20),
    "2021年度未按时参加年检；补报后移出。",
)

SURNAMES = "李王张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = [
    "建国",
    "秀英",
    "丽华",
    "志强",
    "海燕",
    "晓明",
    "春兰",
    "国庆",
    "文静",
    "小红",
    "伟",
    "敏",
    "静",
    "磊",
    "婷",
    "洁",
    "涛",
    "慧",
    "军",
    "芳",
    "雪梅",
    "永红",
    "立新",
    "晓燕",
    "玉兰",
    "振华",
    "红梅",
    "思远",
    "佳怡",
    "宇航",
    "梦琪",
    "子涵",
    "嘉欣",
    "浩然",
    "雨桐",
    "欣怡",
    "俊杰",
    "诗涵",
    "博文",
    "婉清",
]
SCOPES = {
    _PNE: "开展社会工作专业服务；为老年人、儿童青少年、残疾人等群体提供个案、小组和社区服务；承接政府购买服务项目；"
    "开展社会工作人才培训与交流。",
    _SG: "组织会员开展志愿服务和公益活动；开展业务培训、交流与研讨；反映会员诉求，维护会员合法权益；承办政府委托事项。",
    _FD: "接受社会捐赠；资助扶老、助残、助学、济困等公益项目；开展与宗旨相符的公益活动。",
}
AWARDS = [
    "2023年度澧阳市优秀社会组织",
    "2024年澧阳市公益创投优秀项目",
    "湖南省“最美志愿服务组织”提名",
    "2022年度全市民政工作先进集体",
    "2024年“三社联动”示范项目",
    "澧阳市巾帼文明岗",
]
BANKS = [
    "中国工商银行澧阳{d}支行",
    "中国农业银行澧阳{d}支行",
    "中国建设银行澧阳{d}支行",
    "澧阳农村商业银行{d}支行",
]
EDUCATION = ["大专", "本科", "本科", "硕士研究生"]
QUALIFICATIONS = [
    Qualification.ASSISTANT,
    Qualification.ASSISTANT,
    Qualification.SOCIAL_WORKER,
    Qualification.SOCIAL_WORKER,
    Qualification.SENIOR,
    Qualification.NONE,
]
TYPE_DIGIT = {_SG: "1", _PNE: "2", _FD: "3"}


def seed() -> bool:
    added = _seed_areas()
    added = _seed_liaisons() or added
    added = _seed_organizations() or added
    return added


# --- places ------------------------------------------------------------------------------------


def _seed_areas() -> bool:
    if db.session.scalar(sa.select(Area.id).where(Area.parent_id.is_(None), Area.name == "城东区")):
        return False
    for district, (region, streets) in TREE.items():
        d = Area(name=district, level=AreaLevel.DISTRICT, code=region)
        db.session.add(d)
        for s_no, (street, communities) in enumerate(streets.items(), start=1):
            s = Area(name=street, level=AreaLevel.STREET, parent=d, code=f"{region}{s_no:03d}")
            db.session.add(s)
            for c_no, community in enumerate(communities, start=1):
                db.session.add(
                    Area(
                        name=community,
                        level=AreaLevel.COMMUNITY,
                        parent=s,
                        code=f"{region}{s_no:03d}{c_no:03d}",
                    )
                )
    db.session.flush()
    return True


def communities_by_name() -> dict[str, Area]:
    return {
        a.name: a
        for a in db.session.scalars(sa.select(Area).where(Area.level == AreaLevel.COMMUNITY))
    }


def _seed_liaisons() -> bool:
    communities = communities_by_name()
    wanted = [("liaison@demo.venture", "郑红霞", LIAISON_COMMUNITIES)] + OTHER_LIAISONS
    existing = set(
        db.session.execute(
            sa.select(community_liaison.c.area_id, community_liaison.c.user_id)
        ).all()
    )
    rows = []
    for email, name, names in wanted:
        user = ensure_user(email, name, Role.LIAISON)
        rows += [
            {"area_id": communities[n].id, "user_id": user.id}
            for n in names
            if (communities[n].id, user.id) not in existing
        ]
    if rows:
        db.session.execute(sa.insert(community_liaison), rows)
    return bool(rows)


# --- organizations ---------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _profile(rng: random.Random, n: int, name: str, org_type: OrgType, district: str) -> dict:
    region = TREE[district][0]
    street = rng.choice(list(TREE[district][1]))
    rating = rng.choice(
        [Rating.A5, Rating.A4, Rating.A4, Rating.A3, Rating.A3, Rating.A2, Rating.NONE]
    )
    party_org = rng.choice([PartyOrg.INDEPENDENT, PartyOrg.JOINT, PartyOrg.JOINT, PartyOrg.NONE])
    contact = _person(rng)
    return dict(
        name=name,
        uscc=make_uscc(f"5{TYPE_DIGIT[org_type]}{region}MJ{4390000 + n:07d}"),
        org_type=org_type,
        region_code=region,
        registration_authority=f"{CITY}{district}民政局" if org_type != _FD else f"{CITY}民政局",
        registration_date=date(rng.randint(2008, 2021), rng.randint(1, 12), rng.randint(1, 28)),
        legal_representative=_person(rng),
        contact_name=contact,
        contact_phone=f"139{rng.randint(10000000, 99999999)}",
        contact_email=f"org{n:02d}@lyorg.example",
        address=f"{CITY}{district}{street}{rng.randint(1, 188)}号",
        bank_name=rng.choice(BANKS).format(d=district[:2]),
        bank_account_name=name,
        bank_account=f"6222{rng.randint(10**14, 10**15 - 1)}",
        rating=rating,
        rating_date=date(rng.randint(2021, 2025), rng.randint(1, 12), 15)
        if rating != Rating.NONE
        else None,
        annual_inspection=rng.choice([InspectionResult.QUALIFIED] * 5 + [InspectionResult.BASIC]),
        annual_inspection_year=2025,
        charter_scope=SCOPES[org_type],
        party_org=party_org,
        party_members=rng.randint(3, 15) if party_org != PartyOrg.NONE else rng.randint(0, 2),
        party_instructor=_person(rng) if party_org != PartyOrg.NONE else "",
        past_awards="；".join(rng.sample(AWARDS, rng.randint(0, 3))),
    )


def _workers(rng: random.Random, org: Organization, n: int) -> list[SocialWorker]:
    workers = []
    for i in range(rng.randint(2, 5)):
        qualification = rng.choice(QUALIFICATIONS)
        certificate = (
            ""
            if qualification == Qualification.NONE
            else f"{rng.randint(2012, 2024)}{4399}{n:02d}{i:02d}{rng.randint(100, 999)}"
        )
        workers.append(
            SocialWorker(
                organization=org,
                name=_person(rng),
                qualification=qualification,
                certificate_no=certificate,
                education=rng.choice(EDUCATION),
                phone=f"138{rng.randint(10000000, 99999999)}",
                active=i < 4 or rng.random() < 0.5,
            )
        )
    return workers


def _seed_organizations() -> bool:
    if db.session.scalar(
        sa.select(Organization.id).where(
            Organization.name == APPLICANT_ORGS["applicant@demo.venture"]
        )
    ):
        return False
    rng = random.Random(2025)
    organizer = ensure_user("organizer@demo.venture", "周明华", Role.ORGANIZER)
    verified_at = datetime(2025, 2, 20, 2, 0, tzinfo=UTC)
    orgs = {}
    for n, (name, org_type, district) in enumerate(ORGANIZATIONS, start=1):
        org = Organization(
            **_profile(rng, n, name, org_type, district),
            unverified_fields=[],
            verification_status=VerificationStatus.VERIFIED,
            verified_at=verified_at,
            verified_by_id=organizer.id,
        )
        if name == "澧阳市夕阳红社会工作服务中心":
            org.rating, org.rating_date, org.party_org, org.party_members = (
                Rating.A4,
                date(2023, 11, 20),
                PartyOrg.INDEPENDENT,
                6,
            )
            org.past_awards = "2023年度澧阳市优秀社会组织；2024年澧阳市公益创投优秀项目"
        if name in (PENDING_NEW, REJECTED[0]):
            org.verification_status, org.verified_at, org.verified_by_id = (
                VerificationStatus.PENDING,
                None,
                None,
            )
        if name == REJECTED[0]:
            org.verification_status, org.rejection_reason = VerificationStatus.REJECTED, REJECTED[1]
        db.session.add(org)
        db.session.add_all(_workers(rng, org, n))
        orgs[name] = org
    db.session.flush()

    for email, org_name in APPLICANT_ORGS.items():
        user = db.session.scalar(sa.select(User).where(User.email == email)) or ensure_user(
            email, email, Role.APPLICANT
        )
        db.session.add(
            Membership(organization_id=orgs[org_name].id, user_id=user.id, role=MemberRole.OWNER)
        )
    applicant3 = db.session.scalar(sa.select(User).where(User.email == "applicant3@demo.venture"))
    db.session.add(
        Membership(
            organization_id=orgs[PENDING_CHANGED].id, user_id=applicant3.id, role=MemberRole.OWNER
        )
    )

    name, listed, removed, note = OLD_ABNORMAL
    db.session.add(
        OrgFlag(
            organization_id=orgs[name].id,
            kind=FlagKind.ABNORMAL,
            listed_on=listed,
            removed_on=removed,
            note=note,
            recorded_by_id=organizer.id,
        )
    )
    db.session.flush()
    _edit_after_verification(orgs[PENDING_CHANGED], organizer, applicant3)
    return True


def _edit_after_verification(org: Organization, organizer: User, member: User) -> None:
    """A verified organization whose member then changed verified data, through the real
    service, so that the organizer sees the fields to check and their before/after."""
    from venture.orgs.services import PROFILE_FIELDS, update_organization

    record(
        "orgs.verify",
        org,
        actor=organizer,
        changes={"verification_status": ["pending", "verified"]},
    )
    data = {f: getattr(org, f) for f in PROFILE_FIELDS}
    data.update(
        legal_representative="韩思远",
        rating=Rating.A3,
        rating_date=date(2025, 9, 1),
        address=f"{CITY}城西区杏林街道杏花路26号",
    )
    update_organization(org, actor=member, data=data)
