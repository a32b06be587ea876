"""Excel in: the organizations import (new) and the three imports folded onto the shared
reader — each has a template, stores nothing when one row is bad, and names the row, the
column and the reason in the shared error report."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from venture.accounts.models import User
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.orgs.models import (
    Area,
    InspectionResult,
    Membership,
    Organization,
    Rating,
    VerificationStatus,
)
from venture.reports.imports import COLUMNS

HEADER = [c.names[0] for c in COLUMNS]
ERROR_ROW = re.compile(r"<tr><td>(\d*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>")


def _xlsx(rows, header=HEADER):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _row(make, **values):
    base = {
        "机构名称": f"澧阳市测试社工服务中心{make.uscc()[-6:]}",
        "统一社会信用代码": make.uscc("2", region="439901"),
        "登记管理机关": "澧阳市民政局",
        "登记日期": "2018-05-01",
        "法定代表人": "王强",
        "联系人": "李梅",
        "联系电话": "13900000000",
    }
    base.update(values)
    return [base.get(name, "") for name in HEADER]


def _post(client, rows, header=HEADER):
    return client.post(
        "/reports/imports/organizations",
        data={"file": (_xlsx(rows, header), "orgs.xlsx")},
        content_type="multipart/form-data",
    )


def _errors(response) -> list[tuple[str, str, str]]:
    return ERROR_ROW.findall(response.get_data(as_text=True))


def test_organizations_are_imported_as_verified_with_an_audit_entry_each(app_ctx, make, login):
    organizer = make.organizer()
    client = login(organizer)
    template = client.get("/reports/imports/organizations/template.xlsx")
    assert template.status_code == 200 and "attachment" in template.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(template.data))
    assert [c.value for c in book.worksheets[0][1]] == HEADER and book.worksheets[0].max_row == 1
    assert book.worksheets[1].title == "填写说明"  # the example lives apart from the data
    english = load_workbook(
        io.BytesIO(
            login(make.organizer(locale="en"))
            .get("/reports/imports/organizations/template.xlsx")
            .data
        )
    ).worksheets[0]
    assert [c.value for c in english[1]][:3] == [
        "Organization name",
        "Unified social credit code",
        "Registration authority",
    ]

    first = _row(
        make,
        机构名称="澧阳市夕照社会工作服务中心",
        评估等级="4A",
        评估日期=date(2023, 6, 30),
        年检结论="合格",
        年检年度=2024,
        成员邮箱="Member@Example.org",
        党组织="联合建立",
        党员人数=3,
    )
    second = _row(
        make, 机构名称="澧阳市助残基金会", 统一社会信用代码=make.uscc("3", region="439901")
    )
    response = _post(client, [first, second])
    assert response.status_code == 302, _errors(response)
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
    sunset = orgs["澧阳市夕照社会工作服务中心"]
    assert (
        sunset.verification_status == VerificationStatus.VERIFIED
        and sunset.verified_by_id == organizer.id
    )
    assert sunset.rating == Rating.A4 and sunset.rating_date == date(2023, 6, 30)
    assert (
        sunset.annual_inspection == InspectionResult.QUALIFIED
        and sunset.annual_inspection_year == 2024
    )
    assert sunset.registration_date == date(2018, 5, 1) and sunset.party_members == 3
    assert orgs["澧阳市助残基金会"].org_type.value == "foundation"
    entries = list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "orgs.import"))
    )
    assert sorted(e.object_id for e in entries) == sorted(str(o.id) for o in orgs.values())
    assert entries[0].changes["verification_status"] == [None, "verified"]
    member = db.session.scalar(sa.select(User).where(User.email == "member@example.org"))
    assert member is not None and db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == member.id, Membership.organization_id == sunset.id
        )
    )


def test_one_bad_row_stores_nothing_and_each_problem_is_named(app_ctx, make, login):
    organizer = make.organizer()
    registered = make.organization()
    client = login(organizer)
    good = _row(make)
    duplicate_code = good[1]
    future = (date.today() + timedelta(days=30)).isoformat()
    rows = [
        good,  # row 2
        _row(make, 统一社会信用代码=duplicate_code),  # row 3: twice in the file
        _row(make, 统一社会信用代码=registered.uscc),  # row 4: registered already
        _row(make, 统一社会信用代码="91350100M000100Y43"),  # row 5: not civil affairs
        _row(
            make, 统一社会信用代码=duplicate_code[:-1] + ("0" if duplicate_code[-1] != "0" else "1")
        ),  # row 6
        _row(make, 登记日期=future),  # row 7: in the future
        _row(make, 登记日期="2019-02-30"),  # row 8: not a date
        _row(make, 评估等级="4A"),  # row 9: rating without its date
        _row(make, 联系电话="", 评估等级="6A"),  # row 10: two problems
    ]
    response = _post(client, rows)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "未导入任何数据" in page
    errors = _errors(response)
    where = [(row, column) for row, column, _message in errors]
    assert where == [
        ("3", "统一社会信用代码"),
        ("4", "统一社会信用代码"),
        ("5", "统一社会信用代码"),
        ("6", "统一社会信用代码"),
        ("7", "登记日期"),
        ("8", "登记日期"),
        ("9", "评估日期"),
        ("10", "联系电话"),
        ("10", "评估等级"),
    ]
    messages = dict(((row, column), message) for row, column, message in errors)
    assert "第 2 行" in messages[("3", "统一社会信用代码")]
    assert "已在平台登记" in messages[("4", "统一社会信用代码")]
    assert (
        "5" in messages[("5", "统一社会信用代码")] and "校验" in messages[("6", "统一社会信用代码")]
    )
    assert "将来" in messages[("7", "登记日期")] and "YYYY-MM-DD" in messages[("8", "登记日期")]
    assert "5A" in messages[("10", "评估等级")]
    assert (
        db.session.scalar(sa.select(sa.func.count(Organization.id))) == 1
    )  # only the one registered before
    assert not db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.import"))


def test_files_that_cannot_be_read_are_refused_with_a_message(app_ctx, make, login):
    client = login(make.organizer())
    missing = _post(client, [["某机构"]], header=["机构名称"])
    assert missing.status_code == 422 and "缺少列" in missing.get_data(as_text=True)
    text = client.post(
        "/reports/imports/organizations",
        data={"file": (io.BytesIO(b"name,code\n"), "orgs.xlsx")},
        content_type="multipart/form-data",
    )
    assert text.status_code == 415 and "不是允许的文件类型" in text.get_data(as_text=True)
    nothing = client.post(
        "/reports/imports/organizations", data={}, content_type="multipart/form-data"
    )
    assert nothing.status_code == 422 and "请选择文件" in nothing.get_data(as_text=True)
    empty = _post(client, [])
    assert empty.status_code == 422 and "表头下方没有机构数据" in empty.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


@pytest.mark.parametrize("role", ["judge", "applicant", "liaison"])
def test_only_organizers_import(app_ctx, make, login, role):
    response = _post(login(getattr(make, role)()), [_row(make)])
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


# --- the folded imports: same reader, same template, same error report --------------------------


def test_judges_import_names_the_bad_row_and_stores_nothing(app_ctx, make, login):
    client = login(make.organizer())
    template = load_workbook(io.BytesIO(client.get("/judging/judges/template.xlsx").data))
    header = [c.value for c in template.worksheets[0][1]]
    assert header[:2] == ["姓名", "邮箱"] and template.worksheets[0].max_row == 1
    rows = [["王一", "wang1@example.org"], ["王二", "not-an-email"]]
    response = client.post(
        "/judging/judges/import",
        data={"file": (_xlsx(rows, header[:2]), "judges.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert [(row, column) for row, column, _m in _errors(response)] == [("3", "邮箱")]
    assert "not-an-email" in _errors(response)[0][2]
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email.like("wang%"))) == 0


def test_communities_import_names_the_bad_row_and_stores_nothing(app_ctx, make, login):
    client = login(make.organizer())
    header = [
        c.value
        for c in load_workbook(
            io.BytesIO(client.get("/admin/areas/template.xlsx").data)
        ).worksheets[0][1]
    ]
    rows = [("城东区", "丹桂街道", "丹桂社区"), ("城东区", "", "桂花社区")]
    response = client.post(
        "/admin/areas/import",
        data={"file": (_xlsx(rows, header), "areas.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert _errors(response) == [("3", "街道/乡镇", "此项必填。")]
    assert db.session.scalar(sa.select(sa.func.count(Area.id))) == 0


def test_paper_sheets_name_the_bad_row_and_store_nothing(app_ctx, make, login):
    from tests.integration.test_judging_roadshow import _roadshow
    from venture.judging.models import ScoreSheet
    from venture.judging.services import assignment as assignment_services
    from venture.judging.services import roadshow as roadshow_services

    organizer, _comp, stage, apps, _judges = _roadshow(make, n_apps=2, n_judges=1)
    session = roadshow_services.create_session(
        stage,
        organizer,
        name="纸质场",
        venue="会议室",
        scheduled_at=None,
        application_ids=[a.id for a in apps],
    )
    assignment_services.run_assignment(stage, organizer, notify_judges=False)
    client = login(organizer)
    book = load_workbook(io.BytesIO(client.get(f"/judging/roadshow/{session.id}/paper.xlsx").data))
    ws = next(w for w in book.worksheets if w.title != "填写说明")
    for row in (5, 6):
        for column in range(3, 10):
            ws.cell(row=row, column=column, value=10)
    ws.cell(row=6, column=4, value="很好")  # 项目设计: not a number
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    response = client.post(
        f"/judging/roadshow/{session.id}/paper",
        data={"file": (buffer, "paper.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    ((row, where, message),) = _errors(response)
    assert (
        row == "6" and where.startswith(ws.title) and "项目设计" in where and "项目设计" in message
    )
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 0


# --- every error in one pass, the forms' rules, extra columns -----------------------------------


def test_every_error_of_every_row_comes_in_one_pass(app_ctx, make, login):
    """The checks across rows (twice in the file, registered already, a judge's email) run on
    rows with a bad cell too: one upload lists what used to take several rounds."""
    registered = make.organization()
    judge = make.judge(email="judge.zhang@example.org")
    client = login(make.organizer())
    twice = make.uscc("2", region="439901")
    rows = [
        _row(make, 统一社会信用代码=twice),  # row 2
        _row(make, 统一社会信用代码=twice, 登记日期="2019-02-30", 联系电话="12345"),  # row 3
        _row(
            make,
            统一社会信用代码=registered.uscc,
            评估等级="4A",
            成员邮箱=judge.email,
            党员人数="三",
        ),  # row 4
        _row(make, 机构名称="", 联系电话="0736-712345"),  # row 5
    ]
    response = _post(client, rows)
    assert response.status_code == 422
    where = [(row, column) for row, column, _message in _errors(response)]
    assert where == [
        ("3", "统一社会信用代码"),
        ("3", "登记日期"),
        ("3", "联系电话"),
        ("4", "统一社会信用代码"),
        ("4", "评估日期"),
        ("4", "党员人数"),
        ("4", "成员邮箱"),
        ("5", "机构名称"),
        ("5", "联系电话"),
    ]
    messages = {(row, column): message for row, column, message in _errors(response)}
    assert (
        "第 2 行" in messages[("3", "统一社会信用代码")]
        and "已在平台登记" in messages[("4", "统一社会信用代码")]
    )
    assert "0736-7123456" in messages[("3", "联系电话")]  # the forms' phone rule and message
    assert "评审专家" in messages[("4", "成员邮箱")] or judge.email in messages[("4", "成员邮箱")]
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 1

    # Corrected in one go, the same file goes through.
    fixed = [
        rows[0],
        _row(make),
        _row(make, 评估等级="4A", 评估日期="2023-06-30"),
        _row(make, 联系电话="0736-7123456"),
    ]
    assert _post(client, fixed).status_code == 302, _errors(_post(client, fixed))


def test_phones_are_checked_like_in_the_registration_form(app_ctx, make, login):
    applicant = make.applicant()
    client = login(applicant)
    refused = client.post("/orgs/new", data=make.org_form(contact_phone="12345"))
    assert refused.status_code == 422 and "0736-7123456" in refused.get_data(as_text=True)
    for phone in ("13900000000", "0736-7123456", "+86 139 0000 0000"):
        assert (
            client.post("/orgs/new", data=make.org_form(contact_phone=phone)).status_code == 302
        ), phone
    imported = _post(
        login(make.organizer()),
        [_row(make, 联系电话="+86 139 0000 0000"), _row(make, 联系电话="12345")],
    )
    assert [(row, column) for row, column, _m in _errors(imported)] == [("3", "联系电话")]


def test_extra_columns_are_named_in_a_warning(app_ctx, make, login):
    client = login(make.organizer())
    header = [*HEADER, "备注", "负责人微信"]
    rows = [[*_row(make), "老客户", "wx123"]]
    bad = [[*_row(make, 登记日期="明天"), "老客户", "wx123"]]
    refused = _post(client, bad, header)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "备注" in page and "负责人微信" in page and "data-import-warning" in page
    done = _post(client, rows, header)
    assert done.status_code == 302
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "备注、负责人微信" in shown
    # A file with the template's columns only has no warning.
    clean = client.post(
        "/reports/imports/organizations",
        data={"file": (_xlsx([_row(make)]), "orgs.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "导入时不读取的列" not in clean.get_data(as_text=True)


def test_communities_every_error_in_one_pass_with_the_forms_rules(app_ctx, make, login):
    client = login(make.organizer())
    existing = make.area_tree("城东区", {"丹桂街道": ["丹桂社区"]})
    existing["丹桂社区"].code = "439901001001"
    db.session.commit()
    header = ["区县", "街道/乡镇", "社区/村", "代码", "联系人"]
    rows = [
        ("城西区", "柳湖街道", "柳湖社区", "439901009009", "张"),
        (
            "区" * 101,
            "柳湖街道",
            "杏林社区",
            "439901001001",
            "",
        ),  # row 3: name too long, code taken
        ("城西区", "柳湖街道", "荷塘社区", "4" * 21, ""),  # row 4: code too long
        ("城西区", "  ", "荷塘社区", "439901009009", ""),
    ]  # row 5: no street, code of row 2
    response = client.post(
        "/admin/areas/import",
        data={"file": (_xlsx(rows, header), "areas.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    where = [(row, column) for row, column, _m in _errors(response)]
    assert where == [("3", "区县"), ("3", "代码"), ("4", "代码"), ("5", "街道/乡镇"), ("5", "代码")]
    page = response.get_data(as_text=True)
    assert "联系人" in page and "data-import-warning" in page
    assert db.session.scalar(sa.select(sa.func.count(Area.id))) == 3


def test_judges_every_error_in_one_pass_and_extra_columns_named(app_ctx, make, login):
    make.judge(email="taken@example.org")
    client = login(make.organizer())
    header = [
        c.value
        for c in load_workbook(
            io.BytesIO(client.get("/judging/judges/template.xlsx").data)
        ).worksheets[0][1]
    ]
    width = len(header)

    def judge_row(name, email, **cells):
        row = [name, email] + [""] * (width - 2)
        for column, value in cells.items():
            row[header.index(column)] = value
        return row + ["随便写"]

    rows = [
        judge_row("王一", "wang1@example.org"),
        judge_row(
            "王二", "wang1@example.org", 单位统一社会信用代码="ABC"
        ),  # row 3: twice, a bad code
        judge_row("", "taken@example.org"),
    ]  # row 4: no name, account exists
    response = client.post(
        "/judging/judges/import",
        data={"file": (_xlsx(rows, [*header, "备注"]), "judges.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    where = [(row, column) for row, column, _m in _errors(response)]
    assert where == [("3", "邮箱"), ("3", "单位统一社会信用代码"), ("4", "姓名"), ("4", "邮箱")]
    page = response.get_data(as_text=True)
    assert "备注" in page and "data-import-warning" in page
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email.like("wang%"))) == 0
