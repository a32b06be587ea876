"""A second application of the same organization reuses the documents it already holds
(登记证书, 章程, while they are valid) instead of asking for them again."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from venture.applications.models import Application, Attachment, AttachmentKind
from venture.applications.services import checklist, documents_on_file, submission_problems
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.followup.services._common import today_local

REQUIRED = ["registration", "charter"]


def _upload(client, app, kind, name, make, valid_until=None):
    data = {"kind": kind, "identifying": "y", "file": (io.BytesIO(make.PDF_BYTES), name)}
    if valid_until is not None:
        data["valid_until"] = valid_until.isoformat()
    return client.post(
        f"/applications/{app.id}/attachments", data=data, content_type="multipart/form-data"
    )


@pytest.fixture
def setting(make, login):
    """An organization whose first application (submitted) gave its certificate and charter."""
    member = make.applicant()
    org = make.organization(members=[member])
    first_comp = make.competition(required_attachments=REQUIRED)
    first = make.complete_draft(first_comp, org)
    client = login(member)
    until = today_local() + timedelta(days=400)
    assert (
        _upload(client, first, "registration", "登记证书.pdf", make, valid_until=until).status_code
        == 302
    )
    assert _upload(client, first, "charter", "章程.pdf", make).status_code == 302
    from flask import current_app

    from venture.applications.services import submit_application

    with current_app.test_request_context():
        submit_application(db.session.get(Application, first.id), actor=member)
    db.session.commit()
    return {
        "member": member,
        "org": org,
        "first": first,
        "client": client,
        "until": until,
        "comp": make.competition(required_attachments=REQUIRED),
    }


def _start(client, comp, org) -> Application:
    response = client.post(f"/applications/start/{comp.id}", data={"organization_id": org.id})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Application).where(
            Application.competition_id == comp.id, Application.organization_id == org.id
        )
    )


def _attachment_problems(app) -> list[str]:
    return [p.message for p in submission_problems(app) if p.field == "attachments"]


def test_a_second_application_starts_with_the_documents_on_file(app_ctx, make, setting):
    second = _start(setting["client"], setting["comp"], setting["org"])
    first = db.session.get(Application, setting["first"].id)
    originals = {a.kind: a for a in first.attachments}

    assert {a.kind for a in second.attachments} == {
        AttachmentKind.REGISTRATION,
        AttachmentKind.CHARTER,
    }
    for attachment in second.attachments:
        assert attachment.reused_from_id == originals[attachment.kind].id
        assert (
            attachment.stored_file_id == originals[attachment.kind].stored_file_id
        )  # the same file, no copy
    assert (
        next(a for a in second.attachments if a.kind == AttachmentKind.REGISTRATION).valid_until
        == setting["until"]
    )
    # The completeness check accepts them.
    assert _attachment_problems(second) == []
    # The section shows them as already provided, with the earlier application named.
    page = setting["client"].get(f"/applications/{second.id}/attachments").get_data(as_text=True)
    assert 'data-testid="on-file"' in page and first.code in page
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "application.documents_reused")
    ).one()
    assert entry.object_id == str(second.id)
    # They download from the new application too.
    reused = second.attachments[0]
    assert (
        setting["client"].get(f"/applications/{second.id}/attachments/{reused.id}").status_code
        == 200
    )


def test_replacing_a_reused_document_leaves_the_first_application_alone(app_ctx, make, setting):
    client = setting["client"]
    second = _start(client, setting["comp"], setting["org"])
    reused = next(a for a in second.attachments if a.kind == AttachmentKind.CHARTER)
    assert (
        client.post(f"/applications/{second.id}/attachments/{reused.id}/delete").status_code == 302
    )
    db.session.expire_all()
    assert "章程" in " ".join(_attachment_problems(db.session.get(Application, second.id)))
    assert _upload(client, second, "charter", "章程（修订）.pdf", make).status_code == 302
    db.session.expire_all()
    second = db.session.get(Application, second.id)
    charter = next(a for a in second.attachments if a.kind == AttachmentKind.CHARTER)
    assert charter.reused_from_id is None and charter.file.original_name == "章程（修订）.pdf"
    first = db.session.get(Application, setting["first"].id)
    assert {a.kind for a in first.attachments} == {
        AttachmentKind.REGISTRATION,
        AttachmentKind.CHARTER,
    }


def test_an_expired_certificate_is_not_reused_and_counts_as_missing(app_ctx, make, setting):
    first = db.session.get(Application, setting["first"].id)
    certificate = next(a for a in first.attachments if a.kind == AttachmentKind.REGISTRATION)
    certificate.valid_until = today_local() - timedelta(days=1)
    db.session.commit()

    second = _start(setting["client"], setting["comp"], setting["org"])
    assert {a.kind for a in second.attachments} == {AttachmentKind.CHARTER}
    assert any("登记证书" in m for m in _attachment_problems(second))
    # An upload already expired is refused with a message; a current one is accepted.
    past = _upload(
        setting["client"],
        second,
        "registration",
        "登记证书.pdf",
        make,
        valid_until=today_local() - timedelta(days=3),
    )
    assert past.status_code == 422
    assert "过期" in past.get_data(as_text=True)
    # The first application, still holding its expired certificate, now lacks it for submission,
    # and the screening checklist says it is missing.
    assert any("登记证书" in m for m in _attachment_problems(first))
    attachments_check = next(c for c in checklist(first) if c.code == "attachments")
    assert not attachments_check.ok and "登记证书" in attachments_check.message


def test_a_draft_takes_the_documents_on_file_with_a_button(app_ctx, make, setting):
    draft = make.complete_draft(setting["comp"], setting["org"])
    assert not draft.attachments
    assert {a.kind for a in documents_on_file(draft)} == {
        AttachmentKind.REGISTRATION,
        AttachmentKind.CHARTER,
    }
    page = setting["client"].get(f"/applications/{draft.id}/attachments").get_data(as_text=True)
    assert 'data-testid="documents-on-file"' in page
    assert setting["client"].post(f"/applications/{draft.id}/attachments/reuse").status_code == 302
    db.session.expire_all()
    draft = db.session.get(Application, draft.id)
    assert len(draft.attachments) == 2 and _attachment_problems(draft) == []
    assert documents_on_file(draft) == []
    # Nothing more to take: a second press adds nothing.
    assert setting["client"].post(f"/applications/{draft.id}/attachments/reuse").status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Application, draft.id).attachments) == 2


def test_only_the_organizations_members_reuse_its_documents(app_ctx, make, login, setting):
    outsider = make.applicant()
    other_org = make.organization(members=[outsider])
    theirs = _start(login(outsider), setting["comp"], other_org)
    assert theirs.attachments == []  # another organization's documents are never offered
    assert documents_on_file(theirs) == []
    draft = make.complete_draft(setting["comp"], setting["org"])
    assert login(outsider).post(f"/applications/{draft.id}/attachments/reuse").status_code == 403
    assert (
        login(make.organizer()).post(f"/applications/{draft.id}/attachments/reuse").status_code
        == 403
    )
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Attachment.id)).where(Attachment.application_id == draft.id)
        )
        == 0
    )
