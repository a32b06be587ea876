"""The shared Excel writer and reader."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from venture.reports import xlsx


@pytest.fixture
def zh(app_ctx):
    with app_ctx.test_request_context():
        yield


def _book(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


COLUMNS = [
    xlsx.ImportColumn("name", ("姓名", "Name"), xlsx.parse_text(10)),
    xlsx.ImportColumn("amount", ("金额", "Amount"), xlsx.parse_yuan_to_fen),
    xlsx.ImportColumn("day", ("日期", "Date"), xlsx.parse_date, required=False),
]


def test_export_freezes_the_header_formats_numbers_and_blocks_formulas(zh):
    data = xlsx.workbook_bytes(
        [
            xlsx.Sheet(
                "结果",
                [
                    xlsx.Column("项目"),
                    xlsx.Column("金额", "money"),
                    xlsx.Column("日期", "date"),
                    xlsx.Column("得分", "decimal"),
                ],
                [
                    ['=HYPERLINK("http://x")', 1234567, dt.date(2026, 5, 1), Decimal("81.5")],
                    ["@SUM(A1)", None, None, None],
                ],
            )
        ]
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value.startswith("'=") and ws["A3"].value.startswith("'@")
    assert ws["B2"].value == 12345.67 and ws["B2"].number_format == "#,##0.00"
    assert ws["C2"].value == dt.datetime(2026, 5, 1) and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["D2"].value == 81.5


def test_headers_and_notes_cannot_start_a_formula_either(zh):
    data = xlsx.workbook_bytes(
        [
            xlsx.Sheet(
                "矩阵",
                [xlsx.Column("=1+1"), xlsx.Column("金额", "decimal")],
                [["a", "n/a"]],
                note="@note",
            )
        ]
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "'=1+1" and ws["B2"].value == "n/a"
    assert ws["A4"].value == "'@note"
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)


def test_import_reports_every_bad_row_and_column(zh):
    data = _book(
        [
            ["姓名", "金额", "日期"],
            ["张三", "100.50", "2026-01-02"],
            ["", "abc", "2026-13-01"],
            ["李四四四四四四四四四四四", "1.005", None],
            [None, None, None],
        ]
    )
    result = xlsx.read_rows(data, COLUMNS)
    assert [n for n, _ in result.rows] == [2]
    assert result.rows[0][1] == {"name": "张三", "amount": 10050, "day": dt.date(2026, 1, 2)}
    errors = {(e.row, e.column) for e in result.errors}
    assert errors == {(3, "姓名"), (3, "金额"), (3, "日期"), (4, "姓名"), (4, "金额")}


def test_import_accepts_english_headers(zh):
    result = xlsx.read_rows(_book([["Name", "Amount"], ["Ann", 5]]), COLUMNS)
    assert result.ok and result.rows[0][1]["amount"] == 500


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a zip at all", "不是 Excel"),
        (_book([["姓名"], ["张三"]]), "缺少列"),
    ],
)
def test_import_refuses_unreadable_files_with_a_message(zh, data, message):
    with pytest.raises(xlsx.ImportRefused) as error:
        xlsx.read_rows(data, COLUMNS)
    assert message in str(error.value.message)


def test_import_refuses_a_zip_bomb(zh):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/huge.xml", b"0" * (60 * 1024 * 1024))
    with pytest.raises(xlsx.ImportRefused):
        xlsx.read_rows(buffer.getvalue(), COLUMNS)


def test_template_has_the_expected_header(zh):
    ws = load_workbook(io.BytesIO(xlsx.template_bytes(COLUMNS, "模板"))).active
    assert [c.value for c in ws[1]] == ["姓名", "金额", "日期"]


def test_a_table_lower_in_a_sheet_is_read_with_its_own_row_numbers_and_sheet(zh):
    rows = [
        ("评审专家", "张三"),
        (None, None),
        ("金额（元）", "姓名"),
        ("12.5", "李四"),
        ("x", "王五"),
    ]
    result = xlsx.read_table(rows[2:], COLUMNS[:2], header_row=3, sheet="张三")
    assert result.rows == [(4, {"name": "李四", "amount": 1250})]
    (error,) = result.errors
    assert (error.row, error.column, error.sheet, error.where) == (
        5,
        "金额（元）",
        "张三",
        "张三 · 金额（元）",
    )


def test_parsers_accept_what_people_type(zh):
    assert xlsx.parse_date("2024年3月5日") == dt.date(2024, 3, 5)
    assert xlsx.parse_date("2024/3/5") == dt.date(2024, 3, 5)
    assert xlsx.parse_date(dt.datetime(2024, 3, 5, 0, 0)) == dt.date(2024, 3, 5)
    assert xlsx.cell_text(439901002001.0) == "439901002001" and xlsx.cell_text("  a  b ") == "a b"
    choose = xlsx.parse_choice({"合格": 1, "Qualified": 1, "不合格": 0})
    assert choose("qualified") == 1 and choose("不合格") == 0
    with pytest.raises(ValueError, match="合格"):
        choose("优秀")


def test_the_template_keeps_the_example_out_of_the_imported_sheet(zh):
    book = load_workbook(io.BytesIO(xlsx.template_bytes(COLUMNS, "模板", notes=["每行一人。"])))
    assert book.worksheets[0].max_row == 1
    notes = book.worksheets[1]
    assert notes.title == "填写说明" and notes["A1"].value == "每行一人。"
    assert [c.value for c in notes[notes.max_row - 1]] == ["姓名", "金额", "日期"]


def test_the_reader_skips_the_instructions_sheet(zh):
    book = load_workbook(io.BytesIO(xlsx.template_bytes(COLUMNS, "模板")))
    buffer = io.BytesIO()
    book.save(buffer)
    assert [ws.title for ws in xlsx.data_sheets(xlsx.open_workbook(buffer.getvalue()))] == ["模板"]


def test_an_import_rejection_lists_errors_in_sheet_row_and_column_order(zh):
    errors = [
        xlsx.RowError(5, "日期", "b"),
        xlsx.RowError(3, "金额", "c"),
        xlsx.RowError(5, "姓名", "a"),
    ]
    rejected = xlsx.ImportRejected(errors)
    assert [(e.row, e.column) for e in xlsx.sort_errors(errors, ["姓名", "金额", "日期"])] == [
        (3, "金额"),
        (5, "姓名"),
        (5, "日期"),
    ]
    assert "3 处问题" in str(rejected.message) and rejected.status == 422
