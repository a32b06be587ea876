"""An organization not yet verified is told, before it submits, what verification means for
its application — and what it is told is what the screening then does."""

from __future__ import annotations

import sqlalchemy as sa

from venture.applications.models import Application, ApplicationStatus
from venture.extensions import db
from venture.orgs.models import VerificationStatus

NOTE = "尚未通过主办方核验"
REQUIRED = "本大赛要求机构已核验"
NOT_REQUIRED = "本大赛不要求机构已核验"


def _draft(make, *, verified: bool, require_verified: bool = True):
    organizer = make.organizer()
    member = make.applicant(name="王晓梅")
    org = make.organization(members=[member], verified=verified, name="澧阳市星光社工服务中心")
    comp = make.competition(
        organizer=organizer, required_attachments=[], require_verified=require_verified
    )
    app = make.complete_draft(comp, org)
    return organizer, member, org, comp, app


def _pages(client, app, comp) -> dict[str, str]:
    return {
        "submit step": client.get(f"/applications/{app.id}/edit/submit").get_data(as_text=True),
        "project step": client.get(f"/applications/{app.id}/edit/project").get_data(as_text=True),
        "application": client.get(f"/applications/{app.id}").get_data(as_text=True),
        "competition": client.get(f"/competitions/{comp.id}").get_data(as_text=True),
    }


def test_an_unverified_organization_is_told_before_it_submits_and_the_screening_does_what_it_said(
    make, login
):
    organizer, member, org, comp, app = _draft(make, verified=False)
    client = login(member)
    for where, html in _pages(client, app, comp).items():
        assert NOTE in html and REQUIRED in html and "机构已核验" in html, where
        assert org.name in html, where

    # What it said: submitting is allowed...
    submitted = client.post(
        f"/applications/{app.id}/submit", data={"version": app.version, "pledge": "y"}
    )
    assert submitted.status_code == 302
    # ... and the screening's check fails, so a batch pass leaves it waiting.
    screening = login(organizer)
    page = screening.get(f"/screening/applications/{app.id}").get_data(as_text=True)
    assert "该机构尚未通过主办方核验" in page
    other_member = make.applicant()
    verified_app = make.submitted_application(
        comp, make.organization(members=[other_member]), other_member
    )
    screening.post(
        f"/screening/competitions/{comp.id}/bulk-pass",
        data={"application_id": [str(app.id), str(verified_app.id)]},
    )
    db.session.expire_all()
    assert db.session.get(Application, app.id).status == ApplicationStatus.SUBMITTED
    assert db.session.get(Application, verified_app.id).status == ApplicationStatus.PASSED


def test_once_verified_the_note_is_gone(make, login):
    _organizer, member, org, comp, app = _draft(make, verified=False)
    org.verification_status = VerificationStatus.VERIFIED
    db.session.commit()
    for where, html in _pages(login(member), app, comp).items():
        assert NOTE not in html, where


def test_where_verification_is_not_required_the_note_says_so(make, login):
    _organizer, member, _org, comp, app = _draft(make, verified=False, require_verified=False)
    html = _pages(login(member), app, comp)["submit step"]
    assert NOTE in html and NOT_REQUIRED in html and REQUIRED not in html


def test_a_rejected_registration_is_named_as_such(make, login):
    _organizer, member, org, comp, app = _draft(make, verified=False)
    org.verification_status = VerificationStatus.REJECTED
    db.session.commit()
    html = _pages(login(member), app, comp)["submit step"]
    assert "主办方未通过" in html and REQUIRED in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1
