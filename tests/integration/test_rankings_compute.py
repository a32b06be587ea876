"""Computing a stage: the SQL aggregation, the snapshot, the digest, the export round
trip, the task through its job, locks and the command line."""

from __future__ import annotations

import csv
import io
import shlex
from decimal import Decimal

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from venture.audit.models import AuditEntry
from venture.competitions.models import StageKind
from venture.errors import Locked, ValidationError
from venture.extensions import db
from venture.jobs.models import Job, JobStatus
from venture.judging.models import ScoreSheet, SheetScore
from venture.notices.models import Notice
from venture.rankings import services
from venture.rankings.compute import compute_stage_snapshot
from venture.rankings.loading import load_stage_sheets, reference_digest
from venture.rankings.models import ResultSnapshot
from venture.scoring import METHODS
from venture.scoring.cli import rank_command


def _small_world(make, *, categories=(("为老服务", 50_000_000), ("助残服务", 30_000_000))):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer, categories=categories)
    make.small_rubric(comp)
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    org = make.organization()
    judges = [make.judge_with_profile(name=f"评委{i}") for i in range(1, 5)]
    return organizer, comp, stage, org, judges


def _three_by_three(make):
    """Applications A and B, three judges; two n/a answers (rescaled) and a draft sheet."""
    organizer, comp, stage, org, (j1, j2, j3, j4) = _small_world(make)
    a = make.application(comp, org, status="passed")
    b = make.application(comp, org, status="passed")
    make.scored_stage(
        stage,
        {
            (a, j1): {"需求": 8, "设计": 6, "效益": 15},  # 29
            (a, j2): {"需求": 9, "设计": 7, "效益": None},  # 16 of 20, × 40 = 32
            (a, j3): {"需求": 7, "设计": 5, "效益": 12},  # 24
            (b, j1): {"需求": 5, "设计": 5, "效益": 9},  # 19
            (b, j2): {"需求": 6, "设计": 6.5, "效益": None},  # 12.5 of 20, × 40 = 25
            (b, j3): {"需求": 10, "设计": 10, "效益": 20},  # 40
        },
    )
    make.sheet(
        stage, b, j4, {"需求": 1, "设计": 1, "效益": 1}, submitted=False
    )  # a draft: left out
    return organizer, comp, stage, (a, b), (j1, j2, j3, j4)


def test_sql_aggregation_rescales_not_applicable_answers(app_ctx, make):
    _organizer, _comp, stage, (a, b), (j1, j2, j3, _j4) = _three_by_three(make)
    sheets = load_stage_sheets(stage)
    totals = {
        (sheets.apps.codes[k], j): t
        for k, j, t in zip(
            sheets.key.tolist(), sheets.judge.tolist(), sheets.total.tolist(), strict=True
        )
    }
    assert totals == {
        (a.code, j1.id): 29.0,
        (a.code, j2.id): 32.0,
        (a.code, j3.id): 24.0,
        (b.code, j1.id): 19.0,
        (b.code, j2.id): 25.0,
        (b.code, j3.id): 40.0,
    }
    assert sheets.n_sheets == 6  # the draft is not counted


def test_snapshot_ranks_flags_and_details(app_ctx, make):
    organizer, comp, stage, (a, b), (j1, j2, j3, _j4) = _three_by_three(make)
    snapshot = db.session.get(
        ResultSnapshot, compute_stage_snapshot(stage.id, actor_id=organizer.id)
    )
    assert snapshot.method == "trimmed" and snapshot.sheet_count == 6
    first, second = snapshot.entries
    # trimmed K=1: A keeps 29 (drops 24 and 32); B keeps 25 (drops 19 and 40)
    assert (first.application_id, first.score, first.rank, first.overall_rank) == (
        a.id,
        Decimal("29.00"),
        1,
        1,
    )
    assert (second.application_id, second.score, second.rank) == (b.id, Decimal("25.00"), 2)
    assert second.flags == ["disagreement"]  # 40 − 19 > 20
    assert first.flags == []
    details = first.details
    assert details["totals"] == [24.0, 29.0, 32.0] and details["judges"] == [j3.id, j1.id, j2.id]
    assert details["dropped"] == [j3.id, j2.id]
    methods = snapshot.diagnostics["methods"]
    assert dict(zip(methods, details["scores"], strict=True))["mean"] == 28.33  # (24 + 29 + 32) ÷ 3
    assert dict(zip(methods, details["scores"], strict=True))["median"] == 29.0
    assert {j["id"] for j in snapshot.diagnostics["judges"]} == {j1.id, j2.id, j3.id}
    assert snapshot.created_by_id == organizer.id
    audit = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "rankings.snapshot_computed")
    )
    assert audit.changes["input_digest"][1] == snapshot.input_digest
    notice = db.session.scalar(sa.select(Notice).where(Notice.kind == "scores_computed"))
    assert notice.user_id == organizer.id and f"/rankings/snapshots/{snapshot.id}" in notice.link


def test_ranks_are_per_category_and_follow_the_overall_order(app_ctx, make):
    organizer, comp, stage, org, (j1, j2, j3, _j4) = _small_world(make)
    elder, disabled = comp.categories
    apps = [
        make.application(comp, org, status="passed", category=c)
        for c in (elder, disabled, elder, disabled)
    ]
    for app, base in zip(apps, (9, 8, 7, 6), strict=True):
        for judge in (j1, j2, j3):
            make.sheet(stage, app, judge, {"需求": base, "设计": base, "效益": 2 * base})
    snapshot = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id))
    by_app = {e.application_id: e for e in snapshot.entries}
    assert [(by_app[a.id].overall_rank, by_app[a.id].rank) for a in apps] == [
        (1, 1),
        (2, 1),
        (3, 2),
        (4, 2),
    ]
    assert [e.position for e in snapshot.entries] == [1, 2, 3, 4]


def test_digest_is_stable_and_follows_every_change(app_ctx, make):
    _organizer, _comp, stage, (a, b), (j1, j2, j3, _j4) = _three_by_three(make)
    first = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id))
    rows = db.session.execute(
        sa.select(
            ScoreSheet.application_id,
            ScoreSheet.judge_id,
            SheetScore.criterion_id,
            SheetScore.score,
        )
        .join(SheetScore, SheetScore.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.stage_id == stage.id, ScoreSheet.status == "submitted")
    ).all()
    codes = {a.id: a.code, b.id: b.code}
    assert first.input_digest == reference_digest((codes[x], j, c, s) for x, j, c, s in rows)

    again = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id))
    assert again.id != first.id and again.input_digest == first.input_digest
    assert [(e.application_id, e.score, e.rank, e.flags, e.details) for e in again.entries] == [
        (e.application_id, e.score, e.rank, e.flags, e.details) for e in first.entries
    ]

    score = db.session.scalar(
        sa.select(SheetScore)
        .join(ScoreSheet)
        .where(ScoreSheet.application_id == b.id, ScoreSheet.judge_id == j1.id)
        .limit(1)
    )
    score.score = score.score + Decimal("0.5")
    db.session.commit()
    changed = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id))
    assert changed.input_digest != first.input_digest

    score.score, score.not_applicable = None, True  # a score becoming n/a changes it too
    db.session.commit()
    assert db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id)).input_digest not in {
        first.input_digest,
        changed.input_digest,
    }


def _panel_stage(make, apps_count=7):
    """Seven applications, five judges, each application scored by four of them (a
    connected panel), with n/a answers, a harsh judge and a tie at two decimals."""
    organizer, comp, stage, org, judges = _small_world(make)
    judges.append(make.judge_with_profile(name="评委5"))
    apps = [
        make.application(comp, org, status="passed", category=comp.categories[i % 2])
        for i in range(apps_count)
    ]
    for i, app in enumerate(apps):
        for j, judge in enumerate(judges):
            if (i + j) % 5 == 4:
                continue  # each application misses one judge
            harsh = 2 if j == 4 else 0
            need = max(0, min(10, 4 + (i * 3 + j) % 6 - harsh))
            design = max(0, min(10, 5 + (i + 2 * j) % 5 - harsh))
            benefit = (
                None if (i + j) % 7 == 3 else max(0, min(20, 8 + (i * 5 + j * 2) % 11 - harsh))
            )
            make.sheet(
                stage, app, judge, {"需求": need, "设计": design + 0.5 * (j % 2), "效益": benefit}
            )
    return organizer, comp, stage, apps, judges


@pytest.mark.parametrize("method", METHODS)
def test_export_reproduces_the_snapshot_with_venture_rank(app_ctx, make, tmp_path, method):
    _organizer, _comp, stage, apps, _judges = _panel_stage(make)
    stage.method = method
    db.session.commit()
    snapshot = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id))
    path = tmp_path / "export.csv"
    path.write_text(services.export_sheets_csv(stage), encoding="utf-8")

    result = CliRunner().invoke(
        rank_command,
        [str(path), "--method", method, "--trim", str(stage.trim_k), "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    printed = [
        (int(r["rank"]), r["application"], r["score"])
        for r in csv.DictReader(io.StringIO(result.stdout))
    ]
    codes = {a.id: a.code for a in apps}
    stored = [
        (e.overall_rank, codes[e.application_id], format(e.score, "f")) for e in snapshot.entries
    ]
    assert printed == stored


CHAIN = [
    {"kind": "stage", "stage": "roadshow"},
    {"kind": "criterion", "name": "需求", "stage": "online_review"},
    {"kind": "criterion", "name": "设计", "stage": "roadshow"},
    {"kind": "requested_amount"},
    {"kind": "submitted_at"},
]


def _tied_stage(make):
    """Seven applications with the same sheet totals from the same judges (tied at two
    decimals under every method), each link of CHAIN separating some of them, and two
    untied ones around them.

    Expected order of the tied: t2 (roadshow 20.00 like t1, higher 设计 there), t1, then
    those without a roadshow score: t3 (需求 9), t4 (需求 7, asks less), t5 (asks more,
    submitted first), t6 = t7 (everything equal: one rank, listed by code)."""
    from datetime import UTC, datetime

    organizer, comp, stage, org, (j1, j2, j3, _j4) = _small_world(make)
    make.small_rubric(comp, "roadshow")
    roadshow = comp.stage(StageKind.ROADSHOW)
    benefit = {j1: 15, j2: 16, j3: 18}  # 需求 + 设计 = 15, 16, 17
    splits = {
        "t1": (7, 8, 8.5),
        "t2": (7, 8, 8.5),
        "t3": (9, 9, 9),
        "t4": (7, 7, 7),
        "t5": (7, 7, 7),
        "t6": (7, 7, 7),
        "t7": (7, 7, 7),
    }
    apps = {}
    for name, need in splits.items():
        apps[name] = app = make.application(
            comp, org, status="passed", requested_fen=5_000_000 if name == "t4" else 6_000_000
        )
        for judge, n, rest in zip((j1, j2, j3), need, (15, 16, 17), strict=True):
            make.sheet(stage, app, judge, {"需求": n, "设计": rest - n, "效益": benefit[judge]})
    for name, need in (("high", 10), ("low", 3)):  # 需求 + 设计 = 19 and 9 from every judge
        apps[name] = app = make.application(comp, org, status="passed")
        for judge in (j1, j2, j3):
            make.sheet(
                stage,
                app,
                judge,
                {"需求": need, "设计": 9 if name == "high" else 6, "效益": benefit[judge]},
            )
    # Submission times a millisecond apart: t5 first, t6 and t7 at the same instant.
    for name, micro in (("t5", 0), ("t6", 1000), ("t7", 1000)):
        apps[name].submitted_at = datetime(2026, 3, 1, 9, 30, 0, micro, tzinfo=UTC)
    for name, design in (("t1", 4), ("t2", 6)):  # roadshow totals 20 for both
        for judge in (j1, j2, j3):
            make.sheet(
                roadshow, apps[name], judge, {"需求": 10 - design, "设计": design, "效益": 10}
            )
    db.session.commit()
    compute_stage_snapshot(roadshow.id)
    stage.tie_breaks = CHAIN
    db.session.commit()
    return stage, apps


def _run(args) -> tuple[int, str, list]:
    result = CliRunner().invoke(rank_command, args)
    rows = (
        [
            (int(r["rank"]), r["application"], r["score"])
            for r in csv.DictReader(io.StringIO(result.stdout))
        ]
        if result.exit_code == 0
        else []
    )
    return result.exit_code, result.output, rows


@pytest.mark.parametrize("method", METHODS)
def test_the_printed_command_reproduces_a_snapshot_ranked_with_a_tie_break_chain(
    app_ctx, make, tmp_path, method
):
    stage, apps = _tied_stage(make)
    stage.method = method
    db.session.commit()
    snapshot = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id))
    codes = {a.id: a.code for a in apps.values()}
    stored = [
        (e.overall_rank, codes[e.application_id], format(e.score, "f")) for e in snapshot.entries
    ]
    names = {a.code: n for n, a in apps.items()}
    tied = [(rank, names[code]) for rank, code, _score in stored if names[code].startswith("t")]
    first = tied[0][0]
    assert first == 2 and names[stored[0][1]] == "high" and names[stored[-1][1]] == "low"
    assert tied == [
        (first, "t2"),
        (first + 1, "t1"),
        (first + 2, "t3"),
        (first + 3, "t4"),
        (first + 4, "t5"),
        (first + 5, "t6"),
        (first + 5, "t7"),
    ]  # the chain separated the tie…
    assert (
        len({score for _rank, code, score in stored if names[code].startswith("t")}) == 1
    )  # …at two decimals

    path = tmp_path / "sheets.csv"
    path.write_text(services.export_sheets_csv(stage), encoding="utf-8")
    command = shlex.split(services.rank_command(snapshot))
    assert command[:3] == ["venture", "rank", services.sheets_file_name(stage)]
    assert command[command.index("--method") + 1] == method
    assert [command[i + 1] for i, word in enumerate(command) if word == "--tie-break"] == [
        "stage:roadshow",
        "criterion:需求",
        "criterion:设计@roadshow",
        "requested_amount",
        "submitted_at",
    ]
    code, output, printed = _run([str(path), *command[3:]])
    assert code == 0, output
    assert printed == stored

    # Without the chain the same file shares the rank: the links are what made the difference.
    code, _output, untied = _run(
        [str(path), "--method", method, "--trim", str(stage.trim_k), "--format", "csv"]
    )
    assert {rank for rank, c, _s in untied if names[c].startswith("t")} == {first}


def test_the_export_carries_the_columns_the_links_need(app_ctx, make, tmp_path):
    stage, apps = _tied_stage(make)
    compute_stage_snapshot(stage.id)
    rows = list(csv.DictReader(io.StringIO(services.export_sheets_csv(stage))))
    assert list(rows[0])[5:] == [
        "tie:stage:roadshow",
        "tie:criterion:设计@roadshow",
        "tie:requested_amount",
        "tie:submitted_at",
    ]  # 需求 of this stage is in the sheets themselves
    by_code = {r["application"]: r for r in rows}
    assert by_code[apps["t2"].code]["tie:stage:roadshow"] == "20.00"
    assert by_code[apps["t3"].code]["tie:stage:roadshow"] == ""  # no roadshow score: no value
    assert by_code[apps["t2"].code]["tie:criterion:设计@roadshow"] == "6.0"
    assert by_code[apps["t4"].code]["tie:requested_amount"] == "50000.00"
    assert by_code[apps["t6"].code]["tie:submitted_at"] == "2026-03-01T09:30:00.001000+00:00"

    # A file without a column a link needs: a clear error naming it, never a wrong ranking.
    path = tmp_path / "bare.csv"
    path.write_text(
        "\n".join(
            line.rsplit(",", 4)[0] for line in services.export_sheets_csv(stage).splitlines()
        ),
        encoding="utf-8",
    )
    code, output, _rows = _run([str(path), "--tie-break", "stage:roadshow"])
    assert code == 2
    assert "--tie-break stage:roadshow needs the column tie:stage:roadshow" in output


def test_the_published_ranking_keeps_the_snapshot_a_stage_link_read(app_ctx, make, tmp_path):
    """The roadshow recomputed after the ranking: the export still carries the scores the
    ranking read, so the published command still reproduces it."""
    stage, apps = _tied_stage(make)
    snapshot = db.session.get(ResultSnapshot, compute_stage_snapshot(stage.id))
    roadshow = stage.competition.stage(StageKind.ROADSHOW)
    for sheet in db.session.scalars(
        sa.select(ScoreSheet).where(
            ScoreSheet.stage_id == roadshow.id, ScoreSheet.application_id == apps["t1"].id
        )
    ):
        for score in sheet.scores:
            score.score = score.score + 1 if score.score < 10 else score.score
    db.session.commit()
    later = db.session.get(ResultSnapshot, compute_stage_snapshot(roadshow.id))
    assert [e.score for e in later.entries] == [
        Decimal("22.00"),
        Decimal("20.00"),
    ]  # t1 now ahead there
    path = tmp_path / "sheets.csv"
    path.write_text(services.export_sheets_csv(stage), encoding="utf-8")
    code, output, printed = _run([str(path), *shlex.split(services.rank_command(snapshot))[3:]])
    assert code == 0, output
    codes = {a.id: a.code for a in apps.values()}
    assert printed == [
        (e.overall_rank, codes[e.application_id], format(e.score, "f")) for e in snapshot.entries
    ]


def test_export_is_the_exact_sheets_format_with_stable_pseudonyms(app_ctx, make):
    _organizer, _comp, stage, (a, b), (j1, j2, j3, _j4) = _three_by_three(make)
    text = services.export_sheets_csv(stage)
    lines = text.splitlines()
    assert lines[0] == "application,judge,criterion,score,max"
    assert f"{a.code},J02,效益,NA,20.0" in lines  # j2 answered n/a
    assert f"{b.code},J01,设计,5.0,10.0" in lines
    assert len(lines) == 1 + 6 * 3  # the draft sheet is not exported
    assert {line.split(",")[1] for line in lines[1:]} == {"J01", "J02", "J03"}
    assert services.export_sheets_csv(stage) == text  # stable


def test_the_task_runs_through_its_job_and_reports_progress(app_ctx, make, monkeypatch):
    from venture.jobs.services import JobRunner

    organizer, _comp, stage, _apps, _judges = _three_by_three(make)
    seen = []
    original = JobRunner.progress
    monkeypatch.setattr(
        JobRunner, "progress", lambda self, p, m="": (seen.append((p, m)), original(self, p, m))
    )
    job = services.request_computation(stage, organizer)  # eager: the task ran after the commit
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE and job.progress == 100 and job.kind == "compute_stage"
    assert [p for p, _m in seen] == [10, 40, 75]
    assert seen[0][1] == "正在读取已提交的评分表"  # in the organizer's language
    snapshot = db.session.get(ResultSnapshot, job.result["snapshot_id"])
    assert snapshot.job_id == job.id and snapshot.created_by_id == organizer.id

    # A re-delivered task finds the job done and its snapshot there: nothing new is written.
    from workers.tasks.scores import compute_stage

    compute_stage.apply(args=(job.id,))
    assert db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 1


def test_a_refused_computation_fails_its_job_with_the_message(app_ctx, make):
    organizer, _comp, stage, _apps, _judges = _three_by_three(make)
    stage.method = "bias"
    other = make.judge_with_profile()
    lone = make.application(stage.competition, make.organization(), status="passed")
    make.sheet(
        stage, lone, other, {"需求": 5, "设计": 5, "效益": 10}
    )  # a judge and an application apart
    db.session.commit()
    job = services.request_computation(stage, organizer)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED
    assert (
        "2 个互不相交的组" in job.message and lone.code in job.message
    )  # names the separate groups
    assert db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 0


def test_no_submitted_sheets_is_refused_with_a_clear_message(app_ctx, make):
    organizer, _comp, stage, _org, _judges = _small_world(make)
    with pytest.raises(ValidationError) as refused:
        services.request_computation(stage, organizer)
    assert "本阶段尚无已提交的评分表" in str(refused.value.message)
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_final_results_lock_the_computation_and_the_refusal_is_audited(app_ctx, make):
    from venture.db import utcnow

    organizer, comp, stage, _apps, _judges = _three_by_three(make)
    comp.results_final_at = utcnow()
    db.session.commit()
    with pytest.raises(Locked):
        services.request_computation(stage, organizer)
    with pytest.raises(Locked):
        compute_stage_snapshot(stage.id, actor_id=organizer.id)
    refusals = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "rankings.compute")
    ).all()
    assert len(refusals) == 2 and all("refused" in r.changes for r in refusals)
    assert db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 0


def test_command_line_computes_with_a_progress_bar(app_ctx, make):
    _organizer, _comp, stage, _apps, _judges = _three_by_three(make)
    result = app_ctx.test_cli_runner().invoke(args=["scores", "compute", "--stage", str(stage.id)])
    assert result.exit_code == 0, result.output
    assert "input digest" in result.output and result.output.count("\n") >= 4  # a line per step
    snapshot = db.session.scalar(sa.select(ResultSnapshot))
    assert snapshot.input_digest in result.output and snapshot.created_by_id is None
    missing = app_ctx.test_cli_runner().invoke(args=["scores", "compute", "--stage", "999999"])
    assert missing.exit_code != 0


def test_two_deliveries_racing_to_the_end_leave_one_snapshot(app_ctx, make):
    from venture.rankings.compute import rank_stage, write_snapshot
    from venture.rankings.models import SnapshotKind

    _organizer, comp, stage, _apps, _judges = _three_by_three(make)
    job = Job(kind="compute_stage", params={"stage_id": stage.id})
    db.session.add(job)
    db.session.commit()
    first = compute_stage_snapshot(stage.id, job_id=job.id)
    late = rank_stage(stage, load_stage_sheets(stage))  # computed before the first one committed
    assert write_snapshot(comp, stage, SnapshotKind.STAGE, late, job_id=job.id) == first
    assert db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 1


def test_sheets_that_break_the_rubric_are_refused_by_name(app_ctx, make):
    _organizer, comp, stage, (a, _b), (j1, _j2, _j3, j4) = _three_by_three(make)
    other = make.rubric(comp, "online_review", name="另一评分表")
    odd = make.sheet(stage, a, j4, {"需求": 5, "设计": 5, "效益": 10})
    odd.rubric_id = other.id
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        compute_stage_snapshot(stage.id)
    assert "1 份已提交的评分表使用了与本阶段不同的评分表模板" in str(refused.value.message)

    odd.rubric_id = stage.rubric_id
    db.session.delete(odd.scores[0])  # a sheet missing a criterion
    db.session.commit()
    with pytest.raises(ValidationError) as incomplete:
        compute_stage_snapshot(stage.id)
    assert f"评委 #{j4.id} 对 {a.code} 的评分表有 2 项指标得分" in str(incomplete.value.message)
