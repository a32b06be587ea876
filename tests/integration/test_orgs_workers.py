"""Social workers: each organization keeps its own; organizers read them."""

from __future__ import annotations

import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.orgs.models import Qualification, SocialWorker


def test_members_add_edit_and_deactivate_their_social_workers(app_ctx, make, login):
    owner = make.applicant()
    org = make.organization(members=[owner])
    client = login(owner)

    missing = client.post(
        f"/orgs/{org.id}/workers/new", data={"name": "陈晓", "qualification": "social_worker"}
    )
    assert missing.status_code == 422 and "证书编号" in missing.get_data(as_text=True)

    assert (
        client.post(
            f"/orgs/{org.id}/workers/new",
            data={
                "name": "陈晓",
                "qualification": "social_worker",
                "certificate_no": "S2019430001",
                "education": "本科",
                "phone": "13800001111",
            },
        ).status_code
        == 302
    )
    worker = db.session.scalar(sa.select(SocialWorker))
    assert (worker.organization_id, worker.qualification, worker.active) == (
        org.id,
        Qualification.SOCIAL_WORKER,
        True,
    )

    duplicate = client.post(
        f"/orgs/{org.id}/workers/new",
        data={"name": "李娜", "qualification": "assistant", "certificate_no": "S2019430001"},
    )
    assert duplicate.status_code == 422 and "证书编号" in duplicate.get_data(as_text=True)

    # Without a qualification there is no certificate to keep.
    assert (
        client.post(
            f"/orgs/{org.id}/workers/{worker.id}/edit",
            data={
                "name": "陈晓",
                "qualification": "none",
                "certificate_no": "S2019430001",
                "education": "硕士",
            },
        ).status_code
        == 302
    )
    db.session.refresh(worker)
    assert (worker.qualification, worker.certificate_no, worker.education) == (
        Qualification.NONE,
        "",
        "硕士",
    )

    assert (
        client.post(f"/orgs/{org.id}/workers/{worker.id}/active", data={"active": "0"}).status_code
        == 302
    )
    db.session.refresh(worker)
    assert not worker.active
    page = client.get(f"/orgs/{org.id}/workers").get_data(as_text=True)
    assert "陈晓" in page and "已离职" in page

    actions = [
        e.action
        for e in db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_type == "social_worker")
            .order_by(AuditEntry.seq)
        )
    ]
    assert actions == ["orgs.worker_add", "orgs.worker_update", "orgs.worker_active"]
    update = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "orgs.worker_update")
    )
    assert update.changes["qualification"] == ["social_worker", "none"]


def test_organizers_read_but_do_not_edit_and_other_organizations_cannot_reach_them(
    app_ctx, make, login
):
    owner = make.applicant()
    org = make.organization(members=[owner])
    worker = make.social_worker(org, name="周敏", certificate_no="A1")
    other_owner = make.applicant()
    other = make.organization(members=[other_owner])

    organizer = login(make.organizer())
    page = organizer.get(f"/orgs/{org.id}/workers")
    assert page.status_code == 200 and "周敏" in page.get_data(as_text=True)
    assert organizer.get(f"/orgs/{org.id}/workers/new").status_code == 403

    # The worker of one organization is not reachable through another's URL.
    assert login(other_owner).get(f"/orgs/{other.id}/workers/{worker.id}/edit").status_code == 404
    assert (
        login(other_owner)
        .post(f"/orgs/{other.id}/workers/{worker.id}/active", data={"active": "0"})
        .status_code
        == 404
    )
    db.session.refresh(worker)
    assert worker.active
