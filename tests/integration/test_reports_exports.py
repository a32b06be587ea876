"""Excel out: every export opens with openpyxl with headers in the reader's language; the
score matrix holds the platform's sheet totals; the rank-format CSV reproduces the
ranking through `venture rank`; large exports run as a job whose file is offered on its
page and in the inbox."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook

from venture.applications.models import Application, ApplicationStatus
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.jobs.models import Job, JobStatus
from venture.judging.services.sheets import stage_sheet_totals
from venture.notices.models import Notice
from venture.scoring import score_stage, sheet_totals
from venture.scoring.cli import rank_command


def _book(data: bytes):
    assert data[:2] == b"PK"
    return load_workbook(io.BytesIO(data))


def _header(ws) -> list:
    return [c.value for c in ws[1]]


def _no_formula(book) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                assert not (isinstance(cell.value, str) and cell.value[:1] in "=+-@"), (
                    ws.title,
                    cell.coordinate,
                )


def _scored_stage(make, organizer=None, *, na=True):
    """Three judges × four applications in two categories, one answer not applicable."""
    organizer = organizer or make.organizer()
    comp = make.competition(organizer=organizer)
    stage = make.review_stage(comp, open_now=False)
    creative = next(c for c in stage.rubric.criteria if c.name == "创新性")
    creative.allow_na = True
    db.session.commit()
    apps = [
        make.application(comp, make.organization(), status="passed", category=c)
        for c in (comp.categories[0], comp.categories[0], comp.categories[1], comp.categories[1])
    ]
    apps[0].project_name = '=HYPERLINK("http://evil")'  # must arrive as text
    judges = [make.judge(name="陈评委"), make.judge(name="林评委"), make.judge(name="严评委")]
    make.judged(stage, judges, apps, [[81, 72, 64, 90], [85, 70, 61, 87], [62, 55, 47, 73]])
    if na:
        scores = make.scores_near(stage, 80)
        scores["创新性"] = None
        _replace_sheet(make, stage, apps[1], judges[0], scores)
    return organizer, comp, stage, apps, judges


def _replace_sheet(make, stage, app, judge, scores):
    from venture.judging.models import ScoreSheet

    db.session.execute(
        sa.delete(ScoreSheet).where(
            ScoreSheet.stage_id == stage.id,
            ScoreSheet.application_id == app.id,
            ScoreSheet.judge_id == judge.id,
        )
    )
    db.session.commit()
    make.sheet(stage, app, judge, scores)


def test_the_score_matrix_holds_the_platforms_totals(app_ctx, make, login):
    organizer, comp, stage, apps, judges = _scored_stage(make)
    client = login(organizer)
    started = client.post(
        f"/reports/competitions/{comp.id}/exports/score_matrix", data={"stage_id": stage.id}
    )
    assert started.status_code == 302 and "/reports/exports/" in started.headers["Location"]
    job = db.session.scalar(sa.select(Job).where(Job.kind == "export"))
    assert (
        job.status == JobStatus.DONE and job.params["export"] == "score_matrix"
    )  # eager: done at once
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert f"/reports/exports/{job.id}/download" in page

    book = _book(client.get(f"/reports/exports/{job.id}/download").data)
    totals_ws = book.worksheets[0]
    assert totals_ws.freeze_panes == "A2"
    header = _header(totals_ws)
    assert header[:3] == ["编号", "项目", "服务领域"] and header[3:6] == [
        j.name for j in sorted(judges, key=lambda j: j.name)
    ]
    column = {name: i for i, name in enumerate(header)}
    rows = {
        r[0].value: r
        for r in totals_ws.iter_rows(min_row=2)
        if r[0].value and r[0].value.startswith(comp.code_prefix)
    }
    totals = stage_sheet_totals(stage)
    assert any(t.total != t.total.to_integral_value() for t in totals)  # the n/a sheet was rescaled
    for t in totals:
        code = next(a.code for a in apps if a.id == t.application_id)
        judge = next(j for j in judges if j.id == t.judge_id)
        cell = rows[code][column[judge.name]]
        assert isinstance(cell.value, int | float) and cell.number_format == "0.00"
        assert Decimal(str(cell.value)) == t.total
    assert rows[apps[0].code][column["评分表"]].value == 3
    assert str(rows[apps[0].code][1].value).startswith("'=")
    criteria = [ws.title for ws in book.worksheets[1:]]
    assert len(criteria) == 7 and criteria[3] == "4. 创新性"
    creative = book.worksheets[4]
    assert "不适用" in [
        c.value
        for c in next(r for r in creative.iter_rows(min_row=2) if r[0].value == apps[1].code)
    ]
    _no_formula(book)

    notice = db.session.scalar(sa.select(Notice).where(Notice.kind == "export_ready"))
    assert notice.user_id == organizer.id and notice.link.endswith(
        f"/reports/exports/{job.id}/download"
    )
    stored = Path(app_ctx.config["EXPORT_FOLDER"]) / job.file_path
    assert stored.is_file() and len(job.file_path) >= 40 and job.file_name.endswith(".xlsx")
    assert client.get(f"/reports/exports/{job.id}/status").get_json() == {
        "status": "done",
        "progress": 100,
        "message": "",
    }
    # any organizer may take the file; nobody else
    assert login(make.organizer()).get(f"/reports/exports/{job.id}/download").status_code == 200
    for role in ("judge", "applicant", "liaison"):
        assert (
            login(getattr(make, role)()).get(f"/reports/exports/{job.id}/download").status_code
            == 403
        )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "reports.export"))
    assert entry.changes["export"] == [None, "score_matrix"] and entry.actor_id == organizer.id


def test_the_rank_csv_gives_the_same_ranking_through_venture_rank(app_ctx, make, login, tmp_path):
    organizer, comp, stage, apps, _judges = _scored_stage(make)
    response = login(organizer).post(
        f"/reports/competitions/{comp.id}/exports/rank_sheets_csv", data={"stage_id": stage.id}
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0] == "application,judge,criterion,score,max" and ",NA,10.0" in text
    assert {line.split(",")[1] for line in lines[1:]} == {
        "J01",
        "J02",
        "J03",
    }  # pseudonyms, no names
    path = tmp_path / "sheets.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        rank_command, [str(path), "--method", "trimmed", "--trim", "1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    cli = [(r["rank"], r["application"], r["score"]) for r in json.loads(result.stdout)]

    codes = {a.id: a.code for a in apps}
    totals = stage_sheet_totals(stage)
    direct = score_stage(
        sheet_totals(
            [codes[t.application_id] for t in totals],
            [t.judge_id for t in totals],
            [float(t.total) for t in totals],
        ),
        "trimmed",
        trim=1,
    )
    assert cli == [(e.rank, e.application, format(e.score, "f")) for e in direct.ranking]

    xlsx_response = login(organizer).post(
        f"/reports/competitions/{comp.id}/exports/rank_sheets", data={"stage_id": stage.id}
    )
    workbook_path = tmp_path / "sheets.xlsx"
    workbook_path.write_bytes(xlsx_response.data)
    from_xlsx = CliRunner().invoke(rank_command, [str(workbook_path), "--format", "json"])
    assert [(r["rank"], r["application"], r["score"]) for r in json.loads(from_xlsx.stdout)] == cli


@pytest.mark.parametrize("kind, suffix", [("rank_sheets_csv", "csv"), ("rank_sheets", "xlsx")])
def test_the_rank_sheets_carry_the_tie_break_chain(app_ctx, make, login, tmp_path, kind, suffix):
    import shlex

    from tests.integration.test_rankings_compute import _tied_stage
    from venture.rankings import services as rankings
    from venture.rankings.compute import compute_stage_snapshot
    from venture.rankings.models import ResultSnapshot

    stage, apps = _tied_stage(make)
    snapshot = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id))
    response = login(make.organizer()).post(
        f"/reports/competitions/{stage.competition_id}/exports/{kind}", data={"stage_id": stage.id}
    )
    assert response.status_code == 200
    path = tmp_path / f"sheets.{suffix}"
    path.write_bytes(response.data)
    result = CliRunner().invoke(
        rank_command, [str(path), *shlex.split(rankings.rank_command(snapshot))[3:]]
    )
    assert result.exit_code == 0, result.output
    codes = {a.id: a.code for a in apps.values()}
    printed = [line.split(",")[:3] for line in result.stdout.splitlines()[1:]]
    assert printed == [
        [str(e.overall_rank), codes[e.application_id], format(e.score, "f")]
        for e in snapshot.entries
    ]
    assert (
        len({rank for rank, _code, _score in printed}) == len(printed) - 1
    )  # only t6 and t7 share a rank


def _everything(make, organizer):
    """A competition with applications, a scored stage with a ranking, decisions and projects."""
    comp = make.followup_competition(organizer=organizer)
    stage = make.review_stage(comp, open_now=False)
    areas = make.area_tree("城东区", {"丹桂街道": ["丹桂社区"]})
    project = make.project(
        competition=comp, communities=[areas["丹桂社区"]], approved_fen=5_000_050
    )
    app = project.application
    judges = [make.judge(), make.judge(), make.judge()]
    make.judged(stage, judges, [app], [[80], [78], [70]])
    make.stage_snapshot(stage, [(app, "76.00", {"trimmed": 1})])
    make.application(comp, make.organization(), status="rejected")
    return comp, stage, project


COMPETITION_EXPORTS = {
    "applications": ("申报书", "编号", "Applications", "Code"),
    "results": ("资助决定", "领域内排名", "Decisions", "Rank in the category"),
    "followup": ("项目", "编号", "Projects", "Code"),
}
STAGE_EXPORTS = {
    "ranking": ("排名", "总排序", "Ranking", "Position"),
    "score_matrix": ("评分表总分", "编号", "Sheet totals", "Code"),
    "rank_sheets": ("sheets", "application", "sheets", "application"),
}


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_export_opens_in_the_readers_language(app_ctx, make, login, locale):
    organizer = make.organizer(locale=locale)
    comp, stage, project = _everything(make, organizer)
    client = login(organizer)
    english = locale == "en"
    for kind, (title, first, title_en, first_en) in {
        **COMPETITION_EXPORTS,
        **STAGE_EXPORTS,
    }.items():
        data = {"stage_id": stage.id} if kind in STAGE_EXPORTS else {}
        response = client.post(f"/reports/competitions/{comp.id}/exports/{kind}", data=data)
        if response.status_code == 302:  # prepared in the background
            job = db.session.scalar(
                sa.select(Job).where(Job.kind == "export").order_by(Job.id.desc())
            )
            response = client.get(f"/reports/exports/{job.id}/download")
        assert response.status_code == 200, kind
        book = _book(response.data)
        ws = book.worksheets[0]
        assert ws.title == (title_en if english else title), kind
        assert _header(ws)[0] == (first_en if english else first), kind
        assert ws.freeze_panes == "A2", kind
        _no_formula(book)

    money = _book(client.post(f"/reports/competitions/{comp.id}/exports/results").data)[
        "资助决定" if not english else "Decisions"
    ]
    header = _header(money)
    approved = header.index("Approved amount (yuan)" if english else "核定资助金额（元）")
    cell = next(
        r[approved] for r in money.iter_rows(min_row=2) if r[1].value == project.application.code
    )
    assert cell.value == 50000.5 and cell.number_format == "#,##0.00"

    follow = _book(client.post(f"/reports/competitions/{comp.id}/exports/followup").data)
    reports = follow.worksheets[1]
    start = _header(reports).index("Period start" if english else "报告期开始")
    first_report = next(reports.iter_rows(min_row=2))
    assert (
        isinstance(first_report[start].value, dt.datetime)
        and first_report[start].number_format == "yyyy-mm-dd"
    )
    assert {ws.title for ws in follow.worksheets} == (
        {"Projects", "Progress reports", "Spending", "Tranches"}
        if english
        else {"项目", "进度报告", "支出", "资金拨付"}
    )


def test_the_applications_export_is_the_screening_list(app_ctx, make, login):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    elderly, disabled = comp.categories
    make.application(
        comp, make.organization(), status="passed", category=elderly, project_name="长者食堂"
    )
    make.application(
        comp, make.organization(), status="passed", category=disabled, project_name="无障碍出行"
    )
    make.application(
        comp, make.organization(), status="rejected", category=elderly, project_name="老年大学"
    )
    make.application(
        comp, make.organization(), status="draft", category=elderly, project_name="草稿项目"
    )
    client = login(organizer)
    screen = client.get(f"/screening/competitions/{comp.id}?status=passed&category={elderly.id}")
    assert "长者食堂" in screen.get_data(as_text=True) and "无障碍出行" not in screen.get_data(
        as_text=True
    )
    assert "/exports/applications" in screen.get_data(as_text=True)

    book = _book(
        client.post(
            f"/reports/competitions/{comp.id}/exports/applications",
            data={"status": "passed", "category": str(elderly.id)},
        ).data
    )
    ws = book.worksheets[0]
    header = _header(ws)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[header.index("项目")] for r in rows] == ["长者食堂"]
    requested = header.index("申请金额（元）")
    assert (
        rows[0][requested] == 80000
        and ws.cell(row=2, column=requested + 1).number_format == "#,##0.00"
    )
    assert isinstance(rows[0][header.index("首次提交时间")], dt.datetime)
    assert [ws.title for ws in book.worksheets] == ["申报书", "预算科目", "项目团队", "里程碑"]
    assert book.worksheets[1].max_row == 1 + 5  # the five budget lines of that application

    everything = _book(
        client.post(f"/reports/competitions/{comp.id}/exports/applications").data
    ).worksheets[0]
    assert everything.max_row == 1 + 4
    listed = db.session.scalars(
        sa.select(Application.status).where(Application.competition_id == comp.id)
    ).all()
    assert sorted(listed) == sorted(
        [
            ApplicationStatus.PASSED,
            ApplicationStatus.PASSED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.DRAFT,
        ]
    )


def _background_exports(make, login, monkeypatch):
    """An organizer's competition of three applications whose exports run as jobs."""
    from venture.reports import exports

    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    for _ in range(3):
        make.application(comp, make.organization(), status="passed")
    monkeypatch.setattr(exports, "BACKGROUND_ROWS", 2)
    return organizer, comp, login(organizer)


def test_large_exports_become_jobs_and_refusals_say_why(app_ctx, make, login, monkeypatch):
    from venture.reports import exports

    organizer, comp, client = _background_exports(make, login, monkeypatch)
    started = client.post(f"/reports/competitions/{comp.id}/exports/applications")
    assert started.status_code == 302
    job = db.session.scalar(sa.select(Job).where(Job.kind == "export"))
    assert (
        job.status == JobStatus.DONE
        and job.result["rows"] == 3
        and job.created_by_id == organizer.id
    )
    assert _book(client.get(f"/reports/exports/{job.id}/download").data).worksheets[0].max_row == 4
    listing = client.get(f"/reports/competitions/{comp.id}/exports").get_data(as_text=True)
    assert f"/reports/exports/{job.id}/download" in listing
    assert (
        db.session.scalar(sa.select(sa.func.count(Notice.id)).where(Notice.kind == "export_ready"))
        == 1
    )
    assert job.file_name in client.get("/inbox").get_data(as_text=True)

    stage = make.review_stage(comp, open_now=False)
    refused = client.post(
        f"/reports/competitions/{comp.id}/exports/ranking",
        data={"stage_id": stage.id},
        follow_redirects=True,
    )
    assert refused.status_code == 200 and "本阶段尚未计算排名" in refused.get_data(as_text=True)
    monkeypatch.setattr(exports, "BACKGROUND_ROWS", -1)
    failed = client.post(
        f"/reports/competitions/{comp.id}/exports/ranking", data={"stage_id": stage.id}
    )
    failed_job = db.session.scalar(
        sa.select(Job).where(Job.kind == "export").order_by(Job.id.desc())
    )
    assert failed.status_code == 302 and failed_job.status == JobStatus.FAILED
    assert "本阶段尚未计算排名" in failed_job.message
    assert client.get(f"/reports/exports/{failed_job.id}/download").status_code == 404
    assert "本阶段尚未计算排名" in client.get(f"/reports/exports/{failed_job.id}").get_data(
        as_text=True
    )
    # unknown kinds, a stage of another competition, a missing stage: 404, never a 500
    other = make.competition(organizer=organizer)
    assert client.post(f"/reports/competitions/{comp.id}/exports/nothing").status_code == 404
    assert (
        client.post(
            f"/reports/competitions/{comp.id}/exports/ranking",
            data={"stage_id": other.stages[3].id},
        ).status_code
        == 404
    )
    assert client.post(f"/reports/competitions/{comp.id}/exports/ranking").status_code == 404


def test_old_export_files_are_purged_and_say_so(app_ctx, make, login, monkeypatch):
    from venture.reports.services import export_root, purge_old_exports

    _organizer, comp, client = _background_exports(make, login, monkeypatch)
    for _ in range(2):
        client.post(f"/reports/competitions/{comp.id}/exports/applications")
    old, recent = db.session.scalars(
        sa.select(Job).where(Job.kind == "export").order_by(Job.id)
    ).all()
    old_file = export_root() / old.file_path
    old.finished_at = old.finished_at - dt.timedelta(days=app_ctx.config["EXPORT_KEEP_DAYS"] + 1)
    db.session.commit()

    assert purge_old_exports() == 1
    db.session.expire_all()
    assert not old_file.exists() and old.file_path == "" and old.result["purged"]
    assert (export_root() / recent.file_path).is_file()
    gone = client.get(f"/reports/exports/{old.id}/download")
    assert gone.status_code == 404 and "导出文件已在" in gone.get_data(as_text=True)
    assert client.get(f"/reports/exports/{recent.id}/download").status_code == 200
    listing = client.get(f"/reports/competitions/{comp.id}/exports").get_data(as_text=True)
    assert 'data-testid="purged"' in listing and f"/reports/exports/{recent.id}/download" in listing
    assert purge_old_exports() == 0  # nothing twice
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "reports.export_purged")
    ).all()
    assert [(e.object_id, e.changes["file_path"][1]) for e in entries] == [(str(old.id), "")]
