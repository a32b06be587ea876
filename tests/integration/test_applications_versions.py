"""The application form's version (its optimistic lock): a refused submission leaves the page
holding the version the server now has, and a version that is no number, or one beyond what
a database holds, is a clear 4xx and never reaches the database."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from venture.applications.models import Application, ApplicationStatus
from venture.extensions import db

VERSION_INPUT = re.compile(r'<input[^>]*name="version"[^>]*>')


def _page_version(html: str) -> int:
    tag = VERSION_INPUT.search(html).group(0)
    return int(re.search(r'value="(\d+)"', tag).group(1))


def _fresh(app_id: int) -> Application:
    db.session.expire_all()
    return db.session.get(Application, app_id)


def _draft(make, **fields):
    member = make.applicant(name="王晓梅")
    org = make.organization(members=[member])
    comp = make.competition(required_attachments=[])
    app = make.complete_draft(comp, org, **fields)
    app.pledge = False
    db.session.commit()
    return member, app


def test_a_submit_refused_for_the_pledge_then_submitted_again_goes_through(make, login):
    member, app = _draft(make)
    client = login(member)
    loaded = _page_version(client.get(f"/applications/{app.id}/edit/submit").get_data(as_text=True))

    refused = client.post(f"/applications/{app.id}/submit", data={"version": loaded})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    server_version = _fresh(app.id).version
    assert _page_version(html) == server_version  # the page holds what the server has now

    # The same page, pledge ticked: no conflict with herself.
    done = client.post(
        f"/applications/{app.id}/submit", data={"version": _page_version(html), "pledge": "y"}
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    assert _fresh(app.id).status == ApplicationStatus.SUBMITTED


def test_after_a_refused_submit_the_autosave_and_the_save_button_go_through(make, login):
    member, app = _draft(make, project_name="")  # refused for the name and the pledge
    client = login(member)
    refused = client.post(f"/applications/{app.id}/submit", data={"version": app.version})
    assert refused.status_code == 422
    version = _page_version(refused.get_data(as_text=True))

    saved = client.post(
        f"/applications/{app.id}/autosave/submit",
        json={"fields": {"version": version, "pledge": "y"}},
    )
    assert saved.status_code == 200, saved.get_json()
    page = client.get(f"/applications/{app.id}/edit/project").get_data(as_text=True)
    posted = client.post(
        f"/applications/{app.id}/edit/project",
        data={
            "version": _page_version(page),
            "project_name": "银龄互助",
            "category_id": str(app.category_id),
            "period_months": "12",
            "communities": [str(c.id) for c in app.communities],
        },
    )
    assert posted.status_code == 302
    assert _fresh(app.id).project_name == "银龄互助"


def test_someone_elses_save_is_still_a_conflict_after_a_refused_submit(make, login):
    member, app = _draft(make)
    other = make.applicant(name="张卫东")
    make.membership(app.organization, other)
    client = login(member)
    refused = client.post(f"/applications/{app.id}/submit", data={"version": app.version})
    version = _page_version(refused.get_data(as_text=True))
    other_page = login(other).get(f"/applications/{app.id}/edit/need").get_data(as_text=True)
    assert (
        login(other)
        .post(
            f"/applications/{app.id}/edit/need",
            data={
                "version": _page_version(other_page),
                "summary": "张的摘要",
                "need_analysis": "需求",
            },
        )
        .status_code
        == 302
    )

    stale = client.post(f"/applications/{app.id}/submit", data={"version": version, "pledge": "y"})
    assert stale.status_code == 409
    assert "张卫东" in stale.get_data(as_text=True)


BAD_VERSIONS = [
    "abc",
    "1.5",
    "-1",
    "１",
    "٣",
    "9" * 30,
    str(2**63),
    str(2**63 - 1),
    str(2**31),
    "1e3",
    "0x10",
    "NaN",
    " 1 2",
]


@pytest.mark.parametrize("bad", BAD_VERSIONS)
def test_a_version_that_is_no_version_is_a_clear_4xx_everywhere(make, login, bad):
    member, app = _draft(make)
    client = login(member)
    before = _fresh(app.id).version

    autosave = client.post(
        f"/applications/{app.id}/autosave/need", json={"fields": {"version": bad, "summary": "x"}}
    )
    assert autosave.status_code == 400
    assert (
        "重新加载" in autosave.get_json()["error"]["message"]
        or "刷新" in autosave.get_json()["error"]["message"]
    )

    edit = client.post(f"/applications/{app.id}/edit/need", data={"version": bad, "summary": "x"})
    assert edit.status_code == 422
    submit = client.post(f"/applications/{app.id}/submit", data={"version": bad, "pledge": "y"})
    assert 400 <= submit.status_code < 500
    for response in (edit, submit):
        assert "本页已过期" in response.get_data(as_text=True)

    after = _fresh(app.id)
    assert (
        after.version == before and after.summary != "x" and after.status == ApplicationStatus.DRAFT
    )


def test_the_service_refuses_a_version_that_is_no_version(make, app_ctx):
    from venture.applications.services import save_section
    from venture.errors import ValidationError

    member, app = _draft(make)
    for bad in ("abc", 2**63, -1):
        with pytest.raises(ValidationError):
            save_section(app, "need", {"summary": "x"}, version=bad, actor=member)
    assert db.session.scalar(sa.select(Application.summary).where(Application.id == app.id)) != "x"


FIELD_VALUES = ["abc", "-1", "1.5", "9" * 30, str(2**63), str(-(2**63) - 1), "", "\u0661"]
SECTION_FIELDS = {
    "project": ["category_id", "period_months", "communities"],
    "beneficiaries": ["direct_beneficiaries", "indirect_beneficiaries"],
    "plan": ["milestones-0-month"],
    "team": ["team-0-social_worker_id"],
    "budget": ["lines-0-rule_id", "lines-0-amount", "requested", "cofunding"],
}


@pytest.mark.parametrize("section", sorted(SECTION_FIELDS))
def test_every_number_of_the_form_answers_below_500(make, login, section):
    """Each integer and hidden field of each section, with non-numbers, huge numbers and
    negatives, through the Save button and the autosave: never a server error."""
    member, app = _draft(make)
    client = login(member)
    for name in SECTION_FIELDS[section]:
        for value in FIELD_VALUES:
            version = _fresh(app.id).version
            fields = {"version": str(version), name: value}
            if name.startswith("milestones-0-"):
                fields["milestones-0-name"] = "启动"
            if name.startswith("lines-0-") or name.startswith("team-0-"):
                fields.setdefault("lines-0-item", "宣传") if name.startswith(
                    "lines"
                ) else fields.setdefault("team-0-name", "张")
            posted = client.post(f"/applications/{app.id}/edit/{section}", data=fields)
            assert posted.status_code < 500, (section, name, value)
            saved = client.post(
                f"/applications/{app.id}/autosave/{section}",
                json={"fields": {**fields, "version": str(_fresh(app.id).version)}},
            )
            assert saved.status_code < 500, (section, name, value)


def test_an_id_beyond_what_a_database_holds_in_the_url_is_a_404(make, login):
    member, app = _draft(make)
    client = login(member)
    huge = "9" * 25
    for url in (
        f"/applications/{huge}",
        f"/applications/{huge}/edit/project",
        f"/applications/{huge}/print",
        f"/applications/{app.id}/attachments/{huge}",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/applications/start/{huge}", data={"organization_id": "1"}).status_code == 404
    )
    assert (
        client.post(f"/applications/{huge}/autosave/need", json={"fields": {}}).status_code == 404
    )
