"""The audit log page speaks people's language: "王晓梅 提交了申报书 GY2026-004 …"
with links, translated field names and readable values; no raw codes, no "user 1",
no "None"; a bounded page whose query count does not grow with the entries."""

from __future__ import annotations

import re
from html import unescape

import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.audit.services import record
from venture.extensions import db


def _text(html: str, within: str = "main") -> str:
    main = html[html.index(f"<{within}") : html.index(f"</{within}>")]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", main))


def _world(make):
    boss = make.organizer(name="李主任")
    wang = make.applicant(name="王晓梅")
    org = make.organization(members=[wang], name="澧阳市星光社工服务中心")
    comp = make.competition(organizer=boss)
    application = make.submitted_application(comp, org, wang, project_name="长者守望互助计划")
    return boss, wang, org, comp, application


def test_entries_read_as_sentences_with_names_links_and_translated_fields(make, login):
    boss, wang, org, _comp, application = _world(make)
    record(
        "application.section_saved",
        application,
        actor=wang,
        changes={"section": [None, "submit"], "version": [3, 4]},
    )
    record("orgs.verify", org, actor=boss, changes={"verification_status": ["pending", "verified"]})
    record(
        "judging.assignment_added",
        object_type="assignment",
        object_id=999,
        actor=boss,
        changes={"judge_id": wang.id, "application_id": application.id},
    )
    db.session.commit()

    client = login(boss)
    page = client.get("/admin/audit/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = _text(html)
    code = application.code
    assert re.search(rf"王晓梅\s+提交了申报书\s+{code}\s+长者守望互助计划", text)
    assert re.search(r"李主任\s+审核通过了机构\s+澧阳市星光社工服务中心", text)
    assert re.search(r"章节:\s*承诺与提交", text)  # a value set: no "— →" before it
    assert re.search(r"审核:\s*待审核\s*→\s*已审核", text)  # field name and enum values translated
    assert re.search(r"评审专家:\s*王晓梅", text)  # an id in changes is a name
    for raw in (
        "application.section_saved",
        "application.submitted",
        "orgs.verify",
        "verification_status",
        "user 1",
        "None",
        "section:",
    ):
        assert raw not in text, raw
    # Object links open for the organizer who reads the log.
    links = set(re.findall(r'href="(/(?:applications|orgs)/\d+)"', html))
    assert f"/applications/{application.id}" in links and f"/orgs/{org.id}" in links
    for href in links:
        assert client.get(href).status_code == 200, href
    # An object that no longer exists says so instead of a bare id.
    assert "分配 #999" in text and "已删除" in text


def test_the_page_is_bounded_and_its_queries_do_not_grow_with_the_entries(
    make, login, count_queries
):
    boss, wang, org, comp, application = _world(make)
    client = login(boss)

    def entries(count: int) -> None:
        for i in range(count):
            record(
                "application.section_saved",
                application,
                actor=wang,
                changes={"section": [None, "budget"]},
            )
            record(
                "orgs.update",
                org,
                actor=wang,
                changes={"contact_phone": ["13900000000", f"1380000{i:04d}"]},
            )
            record(
                "followup.release_tranche",
                object_type="tranche",
                object_id=i + 1,
                actor=boss,
                changes={"amount_fen": [None, 100_000 * (i + 1)]},
            )
            record("account.login", wang, actor=wang)
        db.session.commit()

    entries(3)
    few = count_queries.get(client, "/admin/audit/")
    entries(20)  # 80 more entries: more users' and objects' rows on the page, and a second page
    assert count_queries.get(client, "/admin/audit/") <= few
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert html.count("<tr") - 1 == 50  # one page of 50 entries
    assert "¥" in _text(html) and "amount_fen" not in _text(html)
    total = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    assert total > 50 and client.get("/admin/audit/?page=2").status_code == 200


def test_filters_find_people_by_name_and_actions_by_label(make, login):
    boss, wang, _org, _comp, application = _world(make)
    record("application.withdrawn", application, actor=wang)
    db.session.commit()
    client = login(boss)
    by_name = _text(client.get("/admin/audit/?actor=晓梅").get_data(as_text=True))
    assert "王晓梅" in by_name and "李主任" not in by_name.replace("王晓梅", "")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert '<option value="application.withdrawn"' in page  # the filter lists labelled actions
    only = _text(
        client.get("/admin/audit/?action=application.withdrawn").get_data(as_text=True), "tbody"
    )
    assert "撤回了申报书" in only and "提交了申报书" not in only


def test_on_the_demo_every_entry_reads_as_a_sentence_and_every_link_opens(app_ctx, login):
    from venture.accounts.models import User
    from venture.demo import seed_demo

    seed_demo()
    organizer = db.session.scalar(sa.select(User).where(User.email == "organizer@demo.venture"))
    actions = set(db.session.scalars(sa.select(AuditEntry.action).distinct()))
    client = login(organizer)
    links, page_no = set(), 1
    while True:
        response = client.get(f"/admin/audit/?page={page_no}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        if "<tbody>" not in html:
            break
        body = html[html.index("<tbody>") : html.index("</tbody>")]
        text = _text(html, "tbody")
        for raw in actions | {"None", "user 1"}:
            assert raw not in text, raw
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)[
            :5
        ]
        links |= set(re.findall(r'href="([^"]+)"', body))
        page_no += 1
    assert page_no > 2 and len(links) > 10
    for href in sorted(links):
        assert client.get(unescape(href), follow_redirects=True).status_code == 200, href
