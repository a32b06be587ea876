"""The community tree (区县 → 街道/乡镇 → 社区/村) and the liaisons of communities."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from venture.accounts.models import Role, User
from venture.accounts.services import find_user, invite_user, normalize_email
from venture.audit.services import changes_between, record, snapshot
from venture.db import service
from venture.errors import Conflict, DomainError, ValidationError
from venture.extensions import db
from venture.orgs.models import Area, AreaLevel, community_liaison

CHILD_LEVEL = {
    None: AreaLevel.DISTRICT,
    AreaLevel.DISTRICT: AreaLevel.STREET,
    AreaLevel.STREET: AreaLevel.COMMUNITY,
}
NAME_MAX, CODE_MAX = 100, 20

# Tables that refer to areas, as users name them (for "cannot delete: used by ...").
USED_BY = {
    "application_community": _l("applications"),
    "competition": _l("competitions"),
    "activity": _l("project activity records"),
}


# --- reading the tree --------------------------------------------------------------------


@dataclass
class Node:
    area: Area
    children: list[Node] = field(default_factory=list)
    liaisons: list[User] = field(default_factory=list)


def area_tree() -> list[Node]:
    """Every district with its streets and communities, and the liaisons (two queries)."""
    areas = list(db.session.scalars(sa.select(Area).order_by(Area.name, Area.id)))
    nodes = {a.id: Node(a) for a in areas}
    roots = []
    for area in areas:
        node = nodes[area.id]
        if area.parent_id is None:
            roots.append(node)
        elif area.parent_id in nodes:
            nodes[area.parent_id].children.append(node)
    rows = db.session.execute(
        sa.select(community_liaison.c.area_id, User)
        .join(User, User.id == community_liaison.c.user_id)
        .order_by(User.name, User.id)
    )
    for area_id, user in rows:
        if area_id in nodes:
            nodes[area_id].liaisons.append(user)
    return roots


def _paths(areas: list[Area]) -> dict[int, str]:
    by_id = {a.id: a for a in areas}

    def path(area: Area) -> str:
        parts = []
        node = area
        while node is not None:
            parts.append(node.name)
            node = by_id.get(node.parent_id) if node.parent_id else None
        return " / ".join(reversed(parts))

    return {a.id: path(a) for a in areas}


def community_choices() -> dict[str, list[tuple[int, str]]]:
    """The communities as grouped choices for a picker: {"区县 / 街道": [(id, "社区"), ...]}.

    Ordered by district, street and community name; a WTForms SelectField takes it as
    ``choices`` directly (one <optgroup> per street). One query.
    """
    areas = list(db.session.scalars(sa.select(Area).order_by(Area.name, Area.id)))
    paths = _paths(areas)
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for area in sorted(
        (a for a in areas if a.level == AreaLevel.COMMUNITY),
        key=lambda a: (paths.get(a.parent_id, ""), a.name),
    ):
        groups[paths.get(area.parent_id, "")].append((area.id, area.name))
    return dict(groups)


def community_paths(ids) -> dict[int, str]:
    """ "District / street / community" for some community ids (for display)."""
    ids = set(ids)
    if not ids:
        return {}
    areas = list(db.session.scalars(sa.select(Area)))
    return {k: v for k, v in _paths(areas).items() if k in ids}


def communities_of_liaison(user) -> list[Area]:
    """The communities a liaison is attached to, with their street and district loaded."""
    if not getattr(user, "is_authenticated", False):
        return []
    parent = joinedload(Area.parent)
    return sorted(
        db.session.scalars(
            sa.select(Area)
            .join(community_liaison, community_liaison.c.area_id == Area.id)
            .where(community_liaison.c.user_id == user.id)
            .options(parent.joinedload(Area.parent))
        ).unique(),
        key=lambda a: a.path,
    )


def communities_under(area: Area | None) -> list[int]:
    """Ids of the communities inside an area (a district, street or community); all when None."""
    rows = db.session.execute(sa.select(Area.id, Area.parent_id, Area.level)).all()
    children = defaultdict(list)
    for area_id, parent_id, _level in rows:
        children[parent_id].append(area_id)
    levels = {area_id: level for area_id, _p, level in rows}
    start = [area.id] if area is not None else children[None]
    found, stack = [], list(start)
    while stack:
        current = stack.pop()
        if levels.get(current) == AreaLevel.COMMUNITY:
            found.append(current)
        stack.extend(children.get(current, []))
    return sorted(found)


def liaison_candidates() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.LIAISON, User.active.is_(True))
            .order_by(User.name, User.email)
        )
    )


# --- editing the tree --------------------------------------------------------------------------


def clean_area_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Enter a name."), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(_("At most %(n)d characters.", n=NAME_MAX), field="name")
    return name


def clean_area_code(code: str) -> str:
    code = (code or "").strip()
    if len(code) > CODE_MAX:
        raise ValidationError(_("At most %(n)d characters.", n=CODE_MAX), field="code")
    return code


def _sibling(parent_id: int | None, name: str, except_id: int | None = None) -> Area | None:
    query = sa.select(Area).where(
        Area.parent_id.is_(None) if parent_id is None else Area.parent_id == parent_id,
        Area.name == name,
    )
    if except_id is not None:
        query = query.where(Area.id != except_id)
    return db.session.scalar(query)


def _taken(name: str) -> Conflict:
    return Conflict(
        _("“%(name)s” exists already at this place of the tree.", name=name), field="name"
    )


def _flush(name: str) -> None:
    try:
        db.session.flush()
    except IntegrityError:
        raise _taken(name) from None


@service
def add_area(*, actor, parent: Area | None, name: str, code: str = "") -> Area:
    """A district (no parent), a street under a district or a community under a street."""
    level = CHILD_LEVEL.get(parent.level if parent is not None else None)
    if level is None:
        raise ValidationError(_("A community or village has no places under it."))
    name, code = clean_area_name(name), clean_area_code(code)
    if _sibling(parent.id if parent else None, name) is not None:
        raise _taken(name)
    area = Area(parent_id=parent.id if parent else None, level=level, name=name, code=code)
    db.session.add(area)
    _flush(name)
    record(
        "orgs.area_add",
        area,
        actor=actor,
        changes={
            "name": [None, name],
            "level": [None, level],
            "parent_id": [None, area.parent_id],
            "code": [None, code],
        },
    )
    return area


@service
def rename_area(area: Area, *, actor, name: str, code: str = "") -> dict:
    name, code = clean_area_name(name), clean_area_code(code)
    if name != area.name and _sibling(area.parent_id, name, except_id=area.id) is not None:
        raise _taken(name)
    before = snapshot(area, ("name", "code"))
    area.name, area.code = name, code
    changes = changes_between(before, snapshot(area, ("name", "code")))
    if changes:
        _flush(name)
        record("orgs.area_rename", area, actor=actor, changes=changes)
    return changes


def area_usage(area: Area) -> list[str]:
    """Why an area cannot be deleted (empty when it can), in words for the user."""
    reasons = []
    children = (
        db.session.scalar(sa.select(sa.func.count(Area.id)).where(Area.parent_id == area.id)) or 0
    )
    if children:
        reasons.append(_("%(n)d place(s) under it; delete those first", n=children))
    liaisons = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(community_liaison)
            .where(community_liaison.c.area_id == area.id)
        )
        or 0
    )
    if liaisons:
        reasons.append(_("%(n)d liaison(s) attached; detach them first", n=liaisons))
    # Every other table with a foreign key to area.id (applications, competitions, activities...).
    for table in db.metadata.sorted_tables:
        if table.name in ("area", community_liaison.name):
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != "area":
                continue
            used = (
                db.session.scalar(
                    sa.select(sa.func.count()).select_from(table).where(fk.parent == area.id)
                )
                or 0
            )
            if used:
                what = USED_BY.get(table.name, _l("other records"))
                reasons.append(_("used by %(what)s (%(n)d)", n=used, what=what))
    return reasons


@service
def delete_area(area: Area, *, actor) -> None:
    reasons = area_usage(area)
    if reasons:
        raise Conflict(
            _(
                "“%(name)s” cannot be deleted: %(reasons)s.",
                name=area.name,
                reasons="; ".join(reasons),
            )
        )
    record(
        "orgs.area_delete",
        area,
        actor=actor,
        changes={
            "name": [area.name, None],
            "level": [area.level, None],
            "parent_id": [area.parent_id, None],
            "code": [area.code, None],
        },
    )
    db.session.delete(area)


# --- liaisons --------------------------------------------------------------------------------


def _require_community(area: Area) -> None:
    if area.level != AreaLevel.COMMUNITY:
        raise ValidationError(_("Liaisons are attached to communities and villages only."))


def _is_attached(area: Area, user: User) -> bool:
    return (
        db.session.scalar(
            sa.select(community_liaison.c.user_id).where(
                community_liaison.c.area_id == area.id, community_liaison.c.user_id == user.id
            )
        )
        is not None
    )


def _attach(area: Area, user: User, actor) -> bool:
    if _is_attached(area, user):
        return False
    try:
        db.session.execute(sa.insert(community_liaison).values(area_id=area.id, user_id=user.id))
    except IntegrityError:  # attached by a simultaneous request
        raise Conflict(
            _("%(email)s is attached to this community already.", email=user.email)
        ) from None
    record("orgs.liaison_attach", area, actor=actor, changes={"liaison": [None, user.email]})
    return True


@service
def attach_liaison(area: Area, user: User, *, actor) -> bool:
    """Attach a liaison user to a community; False when attached already."""
    _require_community(area)
    if user.role != Role.LIAISON:
        raise ValidationError(
            _("%(email)s is not a community liaison account.", email=user.email), field="user_id"
        )
    return _attach(area, user, actor)


@service
def detach_liaison(area: Area, user: User, *, actor) -> None:
    if not _is_attached(area, user):
        raise DomainError(_("%(email)s is not attached to this community.", email=user.email))
    db.session.execute(
        sa.delete(community_liaison).where(
            community_liaison.c.area_id == area.id, community_liaison.c.user_id == user.id
        )
    )
    record("orgs.liaison_detach", area, actor=actor, changes={"liaison": [user.email, None]})


@service
def invite_liaison(area: Area, *, actor, email: str, name: str, locale: str = "zh_CN") -> User:
    """Invite a new liaison for a community; attached when the invitation is accepted.
    An existing liaison account is attached at once."""
    _require_community(area)
    email = normalize_email(email)
    user = find_user(email)
    if user is not None and user.has_password:
        if user.role != Role.LIAISON:
            raise ValidationError(
                _("%(email)s has an account with another role.", email=email), field="email"
            )
        _attach(area, user, actor)
        return user
    if user is not None and user.role != Role.LIAISON:
        raise ValidationError(
            _("%(email)s has been invited with another role.", email=email), field="email"
        )
    return invite_user(
        email=email,
        name=name,
        role=Role.LIAISON,
        invited_by=actor,
        payload={"community_id": area.id},
        locale=locale,
    )


def on_invitation_accepted(user: User, payload: dict) -> None:
    """accept_invitation hook: a liaison invited for a community is attached to it.

    (A member invited to an organization has its membership since the invitation.)
    """
    community_id = payload.get("community_id")
    if not community_id or user.role != Role.LIAISON:
        return
    area = db.session.get(Area, community_id)
    if area is not None and area.level == AreaLevel.COMMUNITY:
        _attach(area, user, user)
