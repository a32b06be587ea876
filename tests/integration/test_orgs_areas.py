"""The community tree: editing, deleting only what is unused, xlsx import, liaisons."""

from __future__ import annotations

import io
import re
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

from tests.factories import PASSWORD, xlsx_upload
from venture.accounts.models import User
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.notices.models import Notice
from venture.orgs.models import Area, AreaLevel


def _area(name: str) -> Area | None:
    return db.session.scalar(sa.select(Area).where(Area.name == name))


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Area.id)))


def test_organizers_build_the_tree_in_the_ui(app_ctx, make, login):
    client = login(make.organizer())
    assert (
        client.post("/admin/areas/new", data={"name": "城东区", "parent_id": ""}).status_code == 302
    )
    district = _area("城东区")
    assert district.level == AreaLevel.DISTRICT and district.parent_id is None
    assert (
        client.post(
            "/admin/areas/new", data={"name": "丹桂街道", "parent_id": district.id}
        ).status_code
        == 302
    )
    street = _area("丹桂街道")
    assert (
        client.post(
            "/admin/areas/new",
            data={"name": " 丹桂社区 ", "parent_id": street.id, "code": "439901001001"},
        ).status_code
        == 302
    )
    community = _area("丹桂社区")
    assert (community.level, community.parent_id, community.code) == (
        AreaLevel.COMMUNITY,
        street.id,
        "439901001001",
    )

    below = client.post("/admin/areas/new", data={"name": "一组", "parent_id": community.id})
    assert below.status_code == 422 and "不能再添加下级" in below.get_data(as_text=True)
    twin = client.post("/admin/areas/new", data={"name": "城东区", "parent_id": ""})
    assert twin.status_code == 409 and "同一上级下已有" in twin.get_data(as_text=True)

    assert (
        client.post(
            f"/admin/areas/{community.id}/edit", data={"name": "丹桂苑社区", "code": ""}
        ).status_code
        == 302
    )
    db.session.refresh(community)
    assert community.name == "丹桂苑社区" and community.code == ""
    tree = client.get("/admin/areas/").get_data(as_text=True)
    assert tree.index("城东区") < tree.index("丹桂街道") < tree.index("丹桂苑社区")
    assert {"orgs.area_add", "orgs.area_rename"} <= set(
        db.session.scalars(sa.select(AuditEntry.action))
    )


def test_a_racing_double_submit_of_a_district_is_refused_by_the_database(
    app_ctx, make, login, monkeypatch
):
    """Both submissions pass the service's look-up before either is written: the partial
    unique index on top-level names decides, with the same message and nothing half-written."""
    from venture.orgs.services import areas

    client = login(make.organizer())
    assert (
        client.post("/admin/areas/new", data={"name": "城南区", "parent_id": ""}).status_code == 302
    )
    other = _area("城南区")
    assert (
        client.post("/admin/areas/new", data={"name": "城北区", "parent_id": ""}).status_code == 302
    )
    monkeypatch.setattr(areas, "_sibling", lambda *args, **kwargs: None)
    audited = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))

    twin = client.post("/admin/areas/new", data={"name": "城南区", "parent_id": ""})
    assert twin.status_code == 409 and "同一上级下已有" in twin.get_data(as_text=True)
    renamed = client.post(
        f"/admin/areas/{_area('城北区').id}/edit", data={"name": "城南区", "code": ""}
    )
    assert renamed.status_code == 409 and "同一上级下已有" in renamed.get_data(as_text=True)

    db.session.expire_all()
    assert _count() == 2 and _area("城北区") is not None and _area("城南区").id == other.id
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == audited


def test_only_unused_places_can_be_deleted(app_ctx, make, login):
    nodes = make.area_tree("城西区", {"柳湖街道": ["柳湖社区", "杏林社区", "荷塘社区"]})
    client = login(make.organizer())

    with_children = client.post(f"/admin/areas/{nodes['柳湖街道'].id}/delete")
    assert with_children.status_code == 409 and "其下有 3 个下级" in with_children.get_data(
        as_text=True
    )

    competition = make.competition()
    make.application(competition, make.organization(), communities=[nodes["柳湖社区"]])
    used = client.post(f"/admin/areas/{nodes['柳湖社区'].id}/delete")
    assert used.status_code == 409 and "申报书" in used.get_data(as_text=True)
    page = client.get(f"/admin/areas/{nodes['柳湖社区'].id}").get_data(as_text=True)
    assert "不能删除" in page

    liaison = make.liaison()
    client.post(f"/admin/areas/{nodes['杏林社区'].id}/liaisons", data={"user_id": liaison.id})
    attached = client.post(f"/admin/areas/{nodes['杏林社区'].id}/delete")
    assert attached.status_code == 409 and "联络员" in attached.get_data(as_text=True)

    assert client.post(f"/admin/areas/{nodes['荷塘社区'].id}/delete").status_code == 302
    assert _area("荷塘社区") is None
    assert (
        db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.area_delete"))
        is not None
    )


def test_liaisons_are_attached_detached_and_invited(app_ctx, make, login):
    from venture.orgs.services import communities_of_liaison

    nodes = make.area_tree("湖滨区", {"荷花街道": ["荷花社区", "莲塘村"]})
    organizer = make.organizer()
    client = login(organizer)
    liaison = make.liaison(name="郑红霞")
    community = nodes["荷花社区"]

    applicant = make.applicant()
    refused = client.post(f"/admin/areas/{community.id}/liaisons", data={"user_id": applicant.id})
    assert refused.status_code == 422  # only liaison accounts are offered and accepted
    assert (
        client.post(
            f"/admin/areas/{nodes['荷花街道'].id}/liaisons", data={"user_id": liaison.id}
        ).status_code
        == 422
    )  # streets have no liaisons

    assert (
        client.post(
            f"/admin/areas/{community.id}/liaisons", data={"user_id": liaison.id}
        ).status_code
        == 302
    )
    assert [a.name for a in communities_of_liaison(liaison)] == ["荷花社区"]
    assert "郑红霞" in client.get("/admin/areas/").get_data(as_text=True)
    assert (
        client.post(f"/admin/areas/{community.id}/liaisons/{liaison.id}/detach").status_code == 302
    )
    assert communities_of_liaison(liaison) == []

    # A new liaison, invited for a community, is attached on accepting the invitation.
    village = nodes["莲塘村"]
    assert (
        client.post(
            f"/admin/areas/{village.id}/liaisons/invite",
            data={"name": "孙丽", "email": "sun.li@example.org", "locale": "zh_CN"},
        ).status_code
        == 302
    )
    invited = db.session.scalar(sa.select(User).where(User.email == "sun.li@example.org"))
    assert communities_of_liaison(invited) == [] or not invited.has_password
    notice = db.session.scalar(sa.select(Notice).where(Notice.kind == "invitation"))
    link = re.search(r"http://localhost(/\S+)", notice.body).group(1)
    anonymous = app_ctx.test_client()
    assert (
        anonymous.post(
            link, data={"name": "孙丽", "password": PASSWORD, "confirm": PASSWORD}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert [a.name for a in communities_of_liaison(invited)] == ["莲塘村"]
    assert "莲塘村" in anonymous.get("/").get_data(as_text=True)  # the liaison's home panel

    assert login(liaison).get("/admin/areas/").status_code == 403


def test_community_choices_group_communities_by_street(app_ctx, make):
    from venture.orgs.services import communities_under, community_choices

    a = make.area_tree("城东区", {"丹桂街道": ["桂花社区", "丹桂社区"], "东湖街道": ["东湖村"]})
    make.area_tree("城西区", {"柳湖街道": ["柳湖社区"]})
    choices = community_choices()
    assert list(choices) == ["城东区 / 东湖街道", "城东区 / 丹桂街道", "城西区 / 柳湖街道"]
    assert [name for _id, name in choices["城东区 / 丹桂街道"]] == ["丹桂社区", "桂花社区"]
    assert sorted(communities_under(a["城东区"])) == sorted(
        a[n].id for n in ("桂花社区", "丹桂社区", "东湖村")
    )
    assert communities_under(a["东湖村"]) == [a["东湖村"].id]


def test_import_adds_the_tree_and_is_idempotent(app_ctx, make, login):
    client = login(make.organizer())
    make.area_tree("城东区", {"丹桂街道": ["丹桂社区"]})
    rows = [
        ("城东区", "丹桂街道", "丹桂社区", "439901001001"),  # exists: gets its code
        ("城东区", "丹桂街道", "桂花社区", ""),
        ("城东区", "东湖街道", "东湖村", 439901002001),
        ("湖滨区", "荷花街道", "荷花社区", ""),
    ]
    response = client.post(
        "/admin/areas/import", data={"file": xlsx_upload(rows)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert (
        _count() == 3 + 1 + 2 + 3
    )  # the existing three, one street and community, two and three new
    assert _area("丹桂社区").code == "439901001001"
    assert _area("东湖村").code == "439901002001" and _area("东湖村").parent.name == "东湖街道"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.areas_import"))
    assert entry.changes["communities"] == [None, 3]

    again = client.post(
        "/admin/areas/import",
        data={"file": xlsx_upload(rows)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "均已存在" in again.get_data(as_text=True)
    assert _count() == 9


def test_an_import_with_a_bad_row_imports_nothing_and_names_rows_and_columns(app_ctx, make, login):
    client = login(make.organizer())
    existing = make.area_tree("城东区", {"丹桂街道": ["丹桂社区"]})
    existing["丹桂社区"].code = "C-1"
    db.session.commit()
    uploads = Path(app_ctx.config["UPLOAD_FOLDER"])
    files_before = len(list(uploads.glob("*"))) if uploads.exists() else 0
    rows = [
        ("城西区", "柳湖街道", "柳湖社区", ""),
        ("城西区", "", "杏林社区", ""),  # row 3: no street
        ("城西区", "柳湖街道", "名" * 101, ""),  # row 4: too long
        ("城东区", "丹桂街道", "丹桂社区", "C-2"),  # row 5: exists with another code
        ("城西区", "柳湖街道", "荷塘社区", "C-1"),
    ]  # row 6: code of another community
    response = client.post(
        "/admin/areas/import", data={"file": xlsx_upload(rows)}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "未导入任何数据" in page
    errors = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    # Every error of every row in one pass: the codes are checked even though other rows failed.
    assert [(row, column) for row, column, _m in errors] == [
        ("3", "街道/乡镇"),
        ("4", "社区/村"),
        ("5", "代码"),
        ("6", "代码"),
    ]
    assert _count() == 3  # nothing imported

    rows = [rows[0], rows[3], rows[4]]
    response = client.post(
        "/admin/areas/import", data={"file": xlsx_upload(rows)}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    errors = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert [(row, column) for row, column, _m in errors] == [("3", "代码"), ("4", "代码")]
    assert "C-1" in errors[0][2] and "丹桂社区" in errors[1][2]
    assert _count() == 3
    assert len(list(uploads.glob("*"))) == files_before  # the refused upload left no file behind


def test_bad_files_and_headers_are_refused_with_a_message(app_ctx, make, login):
    client = login(make.organizer())
    header = client.post(
        "/admin/areas/import",
        data={"file": xlsx_upload([("城东区", "丹桂街道", "丹桂社区")], header=("名称", "上级"))},
        content_type="multipart/form-data",
    )
    assert header.status_code == 422 and "缺少列" in header.get_data(as_text=True)
    text = client.post(
        "/admin/areas/import",
        data={"file": (io.BytesIO(b"not a workbook"), "tree.xlsx")},
        content_type="multipart/form-data",
    )
    assert text.status_code == 415
    none = client.post("/admin/areas/import", data={}, content_type="multipart/form-data")
    assert none.status_code == 422
    assert _count() == 0


def test_the_template_is_a_workbook_with_the_header(app_ctx, make, login):
    response = login(make.organizer()).get("/admin/areas/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["区县", "街道/乡镇", "社区/村", "代码"]
