"""Who may open what: a member of another organization gets 403 on every application
URL; attachments are served as downloads to members and organizers only."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from venture.applications.models import Application, Attachment
from venture.extensions import db


def _world(make, login):
    organizer = make.organizer()
    member = make.applicant()
    org = make.organization(members=[member])
    comp = make.competition(organizer=organizer)
    app = make.submitted_application(comp, org, member)
    client = login(member)
    # back to a state where every applicant URL is meaningful: returned, with an attachment
    app = db.session.get(Application, app.id)
    app.status = "returned"
    from datetime import timedelta

    from venture.db import utcnow

    app.resubmit_deadline = utcnow() + timedelta(days=3)
    db.session.commit()
    r = client.post(
        f"/applications/{app.id}/attachments",
        data={"kind": "registration", "file": (io.BytesIO(make.PDF_BYTES), "登记证书.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment).where(Attachment.application_id == app.id))
    return organizer, member, comp, app, attachment


def _application_urls(flask_app, app, attachment):
    from venture.competitions.models import StageKind

    values = {
        "application_id": app.id,
        "section_key": "project",
        "attachment_id": attachment.id,
        "number": 1,
        "stage_id": app.competition.stage(StageKind.ONLINE_REVIEW).id,
    }
    with flask_app.test_request_context():
        from flask import url_for

        for rule in flask_app.url_map.iter_rules():
            if "application_id" not in rule.arguments:
                continue
            if not rule.arguments <= values.keys():
                continue  # a route of another domain with more arguments: its own tests cover it
            args = {k: values[k] for k in rule.arguments}
            for method in sorted(rule.methods & {"GET", "POST"}):
                yield method, url_for(rule.endpoint, **args), rule.endpoint


def test_a_member_of_another_organization_gets_403_everywhere(make, login, app_ctx):
    _organizer, _member, _comp, app, attachment = _world(make, login)
    stranger = make.applicant()
    make.organization(members=[stranger])
    client = login(stranger)
    urls = list(_application_urls(app_ctx, app, attachment))
    assert len(urls) >= 15
    for method, url, endpoint in urls:
        if "autosave" in url:
            response = client.post(url, json={"fields": {"version": "99", "summary": "x"}})
        else:
            response = client.open(url, method=method, data={"summary": "x", "version": "99"})
        assert response.status_code == 403, (method, url, endpoint, response.status_code)
    db.session.expire_all()
    assert db.session.get(Application, app.id).summary != "x"


def test_a_judge_and_a_signed_out_visitor_cannot_open_applications(make, login, client):
    _organizer, _member, _comp, app, attachment = _world(make, login)
    judge = login(make.judge())
    assert judge.get(f"/applications/{app.id}").status_code == 403
    assert judge.get(f"/applications/{app.id}/attachments/{attachment.id}").status_code == 403
    anonymous = client.get(f"/applications/{app.id}/attachments/{attachment.id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


@pytest.mark.parametrize("who", ["member", "organizer"])
def test_members_and_organizers_download_attachments(make, login, who):
    organizer, member, _comp, app, attachment = _world(make, login)
    response = login(member if who == "member" else organizer).get(
        f"/applications/{app.id}/attachments/{attachment.id}"
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data == make.PDF_BYTES
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_screening_is_for_organizers_only(make, login):
    _organizer, member, comp, app, _attachment = _world(make, login)
    client = login(member)
    assert client.get(f"/screening/competitions/{comp.id}").status_code == 403
    assert (
        client.post(
            f"/screening/competitions/{comp.id}/bulk-pass", data={"application_id": [app.id]}
        ).status_code
        == 403
    )
    assert client.post(f"/screening/applications/{app.id}/pass").status_code == 403
