"""The names files are saved under: neutral for a judge in a blind stage, and always with
the extension of what the file is, not of what the client called it."""

from __future__ import annotations

import re
from urllib.parse import unquote

from tests.blind_scan import pdf_naming, xlsx_naming
from tests.factories import pdf_upload
from venture.applications.models import Attachment, AttachmentKind
from venture.extensions import db
from venture.files.services import store_upload


def _saved_as(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    encoded = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    return (
        unquote(encoded.group(1))
        if encoded
        else re.search(r'filename="?([^";]+)', disposition).group(1)
    )


def _world(make, *, blind: bool):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = make.review_stage(comp, blind=blind)
    owner = make.applicant()
    org = make.organization(members=[owner], name="澧阳市星光社工服务中心")
    app = make.application(comp, org, status="passed")
    files = [
        ("澧阳市星光社工服务中心-登记证书.pdf", pdf_naming(org.name), True),
        ("澧阳市星光社工服务中心00号-plan.html", pdf_naming(org.name), False),
        ("澧阳市星光社工服务中心-预算.pdf", xlsx_naming(org.name), False),
    ]
    attachments = []
    for name, data, identifying in files:
        stored = store_upload(pdf_upload(name, data), user=owner)
        attachments.append(
            Attachment(
                application_id=app.id,
                file=stored,
                identifying=identifying,
                kind=AttachmentKind.REGISTRATION if identifying else AttachmentKind.PLAN,
            )
        )
    db.session.add_all(attachments)
    db.session.commit()
    judge = make.judge_with_profile()
    make.confirmed_assignment(stage, app, judge)
    return organizer, owner, judge, stage, app, attachments


def test_a_blind_judge_saves_each_attachment_under_the_name_the_page_gives_it(make, login):
    organizer, owner, judge, stage, app, attachments = _world(make, blind=True)
    client = login(judge)
    base = f"/judging/stages/{stage.id}/applications/{app.id}"
    page = client.get(base + "/application").get_data(as_text=True)
    links = re.findall(r'href="([^"]*/attachments/(\d+))">[^<]*· ([^<]+)</a>', page)
    assert [int(i) for _, i, _ in links] == [
        attachments[1].id,
        attachments[2].id,
    ]  # the identifying one hidden

    saved = [(label.strip(), _saved_as(client.get(url))) for url, _, label in links]

    assert saved == [("附件1", "附件1.pdf"), ("附件2", "附件2.xlsx")]


def test_a_blind_judge_reading_in_english_gets_english_names(make, login):
    organizer, owner, judge, stage, app, attachments = _world(make, blind=True)
    judge.locale = "en"
    db.session.commit()
    response = login(judge).get(
        f"/judging/stages/{stage.id}/applications/{app.id}/attachments/{attachments[1].id}"
    )
    assert _saved_as(response) == "Attachment 1.pdf"


def test_the_saved_extension_is_the_detected_type_for_everyone(make, login):
    organizer, owner, judge, stage, app, attachments = _world(make, blind=False)
    plan, budget = attachments[1], attachments[2]
    for user in (owner, organizer):
        client = login(user)
        assert (
            _saved_as(client.get(f"/applications/{app.id}/attachments/{plan.id}"))
            == "澧阳市星光社工服务中心00号-plan.pdf"
        )
        response = client.get(f"/applications/{app.id}/attachments/{budget.id}")
        assert _saved_as(response) == "澧阳市星光社工服务中心-预算.xlsx"
        assert (
            response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    # Not blind: the judge sees the applicant's own name, with the true extension, on the
    # page as in the download.
    page = (
        login(judge)
        .get(f"/judging/stages/{stage.id}/applications/{app.id}/application")
        .get_data(as_text=True)
    )
    assert "澧阳市星光社工服务中心00号-plan.pdf" in page and "plan.html" not in page
    response = login(judge).get(
        f"/judging/stages/{stage.id}/applications/{app.id}/attachments/{plan.id}"
    )
    assert _saved_as(response) == "澧阳市星光社工服务中心00号-plan.pdf"
    assert response.get_data() == pdf_naming("澧阳市星光社工服务中心")  # unchanged when not blind
