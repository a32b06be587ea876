"""Social workers (社会工作者): each organization keeps its own."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.audit.services import changes_between, record, snapshot
from venture.db import service
from venture.errors import ValidationError
from venture.extensions import db
from venture.orgs.models import Organization, Qualification, SocialWorker

WORKER_FIELDS = ("name", "qualification", "certificate_no", "education", "phone")
_LIMITS = {"name": 100, "certificate_no": 60, "education": 60, "phone": 30}


def _clean(org: Organization, data: dict, worker: SocialWorker | None = None) -> dict:
    values = {
        f: (data.get(f) or "").strip() for f in ("name", "certificate_no", "education", "phone")
    }
    for field, limit in _LIMITS.items():
        if len(values[field]) > limit:
            raise ValidationError(_("At most %(n)d characters.", n=limit), field=field)
    if not values["name"]:
        raise ValidationError(_("Enter the name."), field="name")
    try:
        values["qualification"] = Qualification(data.get("qualification") or Qualification.NONE)
    except ValueError:
        raise ValidationError(_("Choose a value from the list."), field="qualification") from None
    if values["qualification"] == Qualification.NONE:
        values["certificate_no"] = ""  # no qualification, no certificate
    elif not values["certificate_no"]:
        raise ValidationError(
            _("Enter the number of the qualification certificate."), field="certificate_no"
        )
    else:
        same = sa.select(SocialWorker.id).where(
            SocialWorker.organization_id == org.id,
            SocialWorker.certificate_no == values["certificate_no"],
        )
        if worker is not None:
            same = same.where(SocialWorker.id != worker.id)
        if db.session.scalar(same) is not None:
            raise ValidationError(
                _("Another social worker of this organization has this certificate number."),
                field="certificate_no",
            )
    return values


@service
def add_social_worker(org: Organization, *, actor, data: dict) -> SocialWorker:
    values = _clean(org, data)
    worker = SocialWorker(organization_id=org.id, active=True, **values)
    db.session.add(worker)
    db.session.flush()
    record(
        "orgs.worker_add",
        worker,
        actor=actor,
        changes={
            "organization_id": [None, org.id],
            **{f: [None, v] for f, v in snapshot(worker, WORKER_FIELDS).items()},
        },
    )
    return worker


@service
def update_social_worker(worker: SocialWorker, *, actor, data: dict) -> dict:
    values = _clean(worker.organization, data, worker)
    before = snapshot(worker, WORKER_FIELDS)
    for field, value in values.items():
        setattr(worker, field, value)
    changes = changes_between(before, snapshot(worker, WORKER_FIELDS))
    if changes:
        record("orgs.worker_update", worker, actor=actor, changes=changes)
    return changes


@service
def set_social_worker_active(worker: SocialWorker, active: bool, *, actor) -> None:
    if worker.active != active:
        record(
            "orgs.worker_active", worker, actor=actor, changes={"active": [worker.active, active]}
        )
        worker.active = active


def social_workers_of(org: Organization, *, active_only: bool = False) -> list[SocialWorker]:
    """An organization's social workers (active first, then by name)."""
    query = (
        sa.select(SocialWorker)
        .where(SocialWorker.organization_id == org.id)
        .order_by(SocialWorker.active.desc(), SocialWorker.name, SocialWorker.id)
    )
    if active_only:
        query = query.where(SocialWorker.active.is_(True))
    return list(db.session.scalars(query))
