"""`venture rank`: formats, file kinds, and bad input (exit 2, the line named)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from venture.scoring.cli import rank_command

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).resolve().parent / "data" / "scoring_sheets.csv"  # GOOD, as a file

# Totals (c2 n/a rescaled: 7 / 10 × 20 = 14):
#   A1: J1 8+9 = 17, J2 14, J3 9+10 = 19  -> trimmed 17, mean 50/3 = 16.67
#   A2: J1 6+5 = 11, J2 9+9 = 18, J3 16   -> trimmed 16, mean 45/3 = 15
#   A3: J1 7+8 = 15, J2 8+8 = 16, J3 18   -> trimmed 16, mean 49/3 = 16.33
# (no outlier sheet: e.g. A1's deviations from 17 are 3, 0, 2, MAD 2, and 3 ≤ 3 × 2)
GOOD = """application,judge,criterion,score,max
A1,J1,c1,8,10
A1,J1,c2,9,10
A1,J2,c1,7,10
A1,J2,c2,NA,10
A1,J3,c1,9,10
A1,J3,c2,10,10
A2,J1,c1,6,10
A2,J1,c2,5,10
A2,J2,c1,9,10
A2,J2,c2,9,10
A2,J3,c1,8,10
A2,J3,c2,8,10
A3,J1,c1,7,10
A3,J1,c2,8,10
A3,J2,c1,8,10
A3,J2,c2,8,10
A3,J3,c1,9,10
A3,J3,c2,9,10
"""

TRIMMED_CSV = """rank,application,score,sheets,flags
1,A1,17.00,3,
2,A2,16.00,3,
2,A3,16.00,3,
"""


def write(tmp_path: Path, text: str, name: str = "sheets.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(*args) -> object:
    return CliRunner().invoke(rank_command, [str(a) for a in args])


def test_csv_output_with_a_bom_file(tmp_path):
    result = run(write(tmp_path, GOOD, bom=True), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == TRIMMED_CSV


def test_default_method_is_trimmed_k_1_and_default_format_is_a_table(tmp_path):
    result = run(write(tmp_path, GOOD))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Method: trimmed mean, K=1")
    assert "3 applications, 9 sheets, 3 judges" in lines[0]
    header, *rows = lines[2:6]
    assert header.split() == ["Rank", "Application", "Score", "Sheets", "Flags"]
    assert [row.split() for row in rows] == [
        ["1", "A1", "17.00", "3"],
        ["2", "A2", "16.00", "3"],
        ["2", "A3", "16.00", "3"],
    ]
    score_ends = {
        line.index(score) + len(score)
        for line, score in zip(rows, ["17.00", "16.00", "16.00"], strict=True)
    }
    assert len(score_ends) == 1  # right-aligned column
    assert "ICC(1)" in result.stdout


def test_json_output(tmp_path):
    result = run(write(tmp_path, GOOD), "--format", "json", "--method", "mean")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"rank": 1, "application": "A1", "score": "16.67", "sheets": 3, "flags": []},
        {"rank": 2, "application": "A3", "score": "16.33", "sheets": 3, "flags": []},
        {"rank": 3, "application": "A2", "score": "15.00", "sheets": 3, "flags": []},
    ]


def test_trim_option_and_flags_column(tmp_path):
    # K=2 needs 5 sheets: every application falls back to the mean and is flagged.
    result = run(write(tmp_path, GOOD), "--trim", "2", "--format", "csv")
    assert result.stdout.splitlines()[1:] == [
        "1,A1,16.67,3,too_few_sheets_to_trim",
        "2,A3,16.33,3,too_few_sheets_to_trim",
        "3,A2,15.00,3,too_few_sheets_to_trim",
    ]


@pytest.mark.parametrize("method", ["mean", "median", "trimmed", "zscore", "bias"])
def test_every_method_runs(tmp_path, method):
    result = run(write(tmp_path, GOOD), "--method", method, "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert sorted(row["application"] for row in rows) == ["A1", "A2", "A3"]
    assert all(len(row["score"].split(".")[1]) == 2 for row in rows)


def test_xlsx_input(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Application", "Judge", "Criterion", "Score", "Max", "Comment"])
    for line in GOOD.splitlines()[1:]:
        app, judge, crit, score, maximum = line.split(",")
        # Numbers as numbers; the n/a as an empty cell; an extra column is ignored.
        sheet.append(
            [app, judge, crit, None if score == "NA" else float(score), int(maximum), "ok"]
        )
    path = tmp_path / "sheets.xlsx"
    workbook.save(path)
    result = run(path, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == TRIMMED_CSV


def test_xlsx_bad_row_is_named_by_its_row_number(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["application", "judge", "criterion", "score", "max"])
    sheet.append(["A1", "J1", "c1", 8, 10])
    sheet.append([None, None, None, None, None])  # a blank row still counts as a row
    sheet.append(["A1", "J2", "c1", 12, 10])
    path = tmp_path / "sheets.xlsx"
    workbook.save(path)
    result = run(path)
    assert result.exit_code == 2
    assert "line 4" in result.stderr and "above the maximum" in result.stderr


def test_chinese_ids_are_kept_and_aligned(tmp_path):
    text = "application,judge,criterion,score\n阳光助老,张评委,c1,80\nB,J1,c1,70\n"
    result = run(write(tmp_path, text))
    assert result.exit_code == 0
    assert "阳光助老" in result.stdout
    csv_result = run(write(tmp_path, text), "--format", "csv")
    assert csv_result.stdout.splitlines()[1] == "1,阳光助老,80.00,1,too_few_sheets_to_trim"


def test_without_max_column_totals_are_plain_sums(tmp_path):
    text = "application,judge,criterion,score\nA,J1,c1,7\nA,J1,c2,30\n"
    result = run(write(tmp_path, text), "--format", "csv", "--method", "mean")
    assert result.stdout.splitlines()[1] == "1,A,37.00,1,"


def line_of(good_line: int, replacement: str) -> str:
    """GOOD with one line (1 = header) replaced."""
    lines = GOOD.splitlines()
    lines[good_line - 1] = replacement
    return "\n".join(lines) + "\n"


BAD_INPUTS = {
    "missing column": (GOOD.replace(",score,", ",points,", 1), "line 1", "score"),
    "non-numeric score": (line_of(3, "A1,J1,c2,nine,10"), "line 3", "not a number"),
    "score below 0": (line_of(5, "A1,J2,c2,-1,10"), "line 5", "below 0"),
    "score above max": (line_of(7, "A1,J3,c2,10.5,10"), "line 7", "above the maximum"),
    "duplicate row": (line_of(3, "A1,J1,c1,9,10"), "line 3", "second score"),
    "missing criterion": (line_of(7, ""), "line 6", "lacks criterion c2"),
    "inconsistent max": (line_of(9, "A2,J1,c2,5,20"), "line 9", "differs"),
    "empty application": (line_of(4, ",J2,c1,7,10"), "line 4", "application is empty"),
    "empty max": (line_of(4, "A1,J2,c1,7,"), "line 4", "max is empty"),
    "infinite score": (line_of(4, "A1,J2,c1,Infinity,10"), "line 4", "not a finite number"),
    "header only": ("application,judge,criterion,score\n", "line 1", "no score rows"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_naming_the_line(tmp_path, case):
    text, line, words = BAD_INPUTS[case]
    result = run(write(tmp_path, text))
    assert result.exit_code == 2, result.output
    assert line in result.stderr and words in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_not_applicable_without_max_column_asks_for_it(tmp_path):
    text = "application,judge,criterion,score\nA,J1,c1,7\nA,J1,c2,NA\n"
    result = run(write(tmp_path, text))
    assert result.exit_code == 2
    assert "line 3" in result.stderr
    assert "max column is needed for not-applicable rescaling" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("sheets.txt", b"application,judge,criterion,score\n", "expected a .csv or .xlsx"),
        ("empty.csv", b"", "empty"),
        ("bom-only.csv", b"\xef\xbb\xbf", "empty"),
        (
            "latin1.csv",
            "application,judge,criterion,score\nA,Jé,c1,5\n".encode("latin-1"),
            "not UTF-8",
        ),
        ("broken.xlsx", b"this is not a zip file", "cannot read broken.xlsx"),
    ],
)
def test_unusable_files_exit_2(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    result = run(path)
    assert result.exit_code == 2 and words in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_and_directory_exit_2(tmp_path):
    assert run(tmp_path / "nowhere.csv").exit_code == 2
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    result = run(folder)
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_bias_on_a_disconnected_panel_names_the_groups(tmp_path):
    text = "application,judge,criterion,score\nA,J1,c1,70\nA,J2,c1,75\nB,J3,c1,60\nC,J3,c1,65\n"
    result = run(write(tmp_path, text), "--method", "bias")
    assert result.exit_code == 2
    assert "applications A / judges J1, J2" in result.stderr
    assert "applications B, C / judges J3" in result.stderr


def test_unscored_application_is_noted_on_stderr(tmp_path):
    text = "application,judge,criterion,score,max\nA,J1,c1,5,10\nB,J1,c1,NA,10\n"
    result = run(write(tmp_path, text), "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == ["1,A,5.00,1,too_few_sheets_to_trim"]
    assert "application B has no sheet with a score" in result.stderr


def test_sample_file_is_the_good_example():
    assert SAMPLE.read_text(encoding="utf-8") == GOOD


def test_python_dash_m_venture_scoring_runs_the_same_command():
    completed = subprocess.run(
        [sys.executable, "-m", "venture.scoring", str(SAMPLE), "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == TRIMMED_CSV


def test_the_app_cli_has_the_rank_command(tmp_path):
    from venture import domain_commands

    assert rank_command in domain_commands()
    env = {**os.environ, "VENTURE_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, "-m", "venture", "rank", str(SAMPLE), "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == TRIMMED_CSV


# --- tie-breaks ------------------------------------------------------------------------------


def with_columns(columns: dict[str, dict[str, str]]) -> str:
    """GOOD with tie:LINK columns: {column: {application: value}}, repeated on every row."""
    lines = GOOD.splitlines()
    out = [lines[0] + "".join("," + name for name in columns)]
    for line in lines[1:]:
        app = line.split(",")[0]
        out.append(line + "".join("," + values.get(app, "") for values in columns.values()))
    return "\n".join(out) + "\n"


def test_a_criterion_link_separates_a_tie_from_the_sheets_themselves(tmp_path):
    # A2 and A3 both 16.00; on c1 A3 averages 8 (7, 8, 9), A2 7.67 (6, 9, 8).
    result = run(write(tmp_path, GOOD), "--tie-break", "criterion:c1", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["1,A1,17.00,3,", "2,A3,16.00,3,", "3,A2,16.00,3,"]
    table = run(write(tmp_path, GOOD), "--tie-break", "criterion:c1").stdout
    assert table.splitlines()[0].endswith("| ties broken by criterion:c1")


def test_links_read_their_columns_in_the_order_given(tmp_path):
    path = write(
        tmp_path,
        with_columns(
            {
                "tie:requested_amount": {"A1": "90000.00", "A2": "50000.00", "A3": "50000.00"},
                "tie:submitted_at": {
                    "A2": "2026-03-01T09:30:00.000001+00:00",
                    "A3": "2026-03-01T09:30:00+00:00",
                },
            }
        ),
    )
    result = run(
        path, "--tie-break", "requested_amount", "--tie-break", "submitted_at", "--format", "csv"
    )
    assert result.stdout.splitlines()[2:] == [
        "2,A3,16.00,3,",
        "3,A2,16.00,3,",
    ]  # a microsecond earlier
    # Equal on the only link given: the rank is shared, listed by code.
    result = run(path, "--tie-break", "requested_amount", "--format", "csv")
    assert result.stdout.splitlines()[2:] == ["2,A2,16.00,3,", "2,A3,16.00,3,"]
    assert (
        "note: column tie:submitted_at is not used: add --tie-break submitted_at" in result.stderr
    )


def test_an_application_without_a_value_comes_after_those_with_one(tmp_path):
    path = write(tmp_path, with_columns({"tie:stage:roadshow": {"A2": "71.50"}}))
    result = run(path, "--tie-break", "stage:roadshow", "--format", "csv")
    assert result.stdout.splitlines()[2:] == ["2,A2,16.00,3,", "3,A3,16.00,3,"]


@pytest.mark.parametrize(
    "columns, args, message",
    [
        ({}, ["--tie-break", "bogus"], "tie-break 'bogus' is not understood: use criterion:NAME"),
        ({}, ["--tie-break", "stage:"], "is not understood"),
        (
            {},
            ["--tie-break", "stage:roadshow"],
            "--tie-break stage:roadshow needs the column tie:stage:roadshow in the sheets file (the published score",
        ),
        (
            {},
            ["--tie-break", "criterion:c9"],
            "--tie-break criterion:c9: the sheets have no criterion 'c9'",
        ),
        (
            {"tie:submitted_at": {"A1": "yesterday"}},
            ["--tie-break", "submitted_at"],
            "line 2: the tie:submitted_at value 'yesterday' is not a date and time (ISO 8601)",
        ),
        (
            {"tie:requested_amount": {"A1": "lots"}},
            ["--tie-break", "requested_amount"],
            "line 2: the tie:requested_amount value 'lots' is not a number",
        ),
    ],
)
def test_bad_tie_breaks_exit_2_naming_what_is_wrong(tmp_path, columns, args, message):
    result = run(write(tmp_path, with_columns(columns)), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_tie_value_must_be_the_same_on_every_row_of_an_application(tmp_path):
    text = with_columns({"tie:requested_amount": {"A1": "5", "A2": "6", "A3": "7"}}).replace(
        "A1,J2,c1,7,10,5", "A1,J2,c1,7,10,6"
    )
    result = run(write(tmp_path, text), "--tie-break", "requested_amount")
    assert result.exit_code == 2
    assert (
        "line 4: application A1 has tie:requested_amount '6' here but '5' on line 2"
        in result.output
    )


def test_xlsx_tie_columns_typed_as_numbers_and_dates(tmp_path):
    from datetime import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["application", "judge", "criterion", "score", "max", "tie:submitted_at"])
    at = {"A1": datetime(2026, 3, 2), "A2": datetime(2026, 3, 1, 12), "A3": datetime(2026, 3, 1, 8)}
    for line in GOOD.splitlines()[1:]:
        app, judge, crit, score, maximum = line.split(",")
        sheet.append([app, judge, crit, score, float(maximum), at[app]])
    workbook.save(tmp_path / "sheets.xlsx")
    result = run(tmp_path / "sheets.xlsx", "--tie-break", "submitted_at", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == ["2,A3,16.00,3,", "3,A2,16.00,3,"]
