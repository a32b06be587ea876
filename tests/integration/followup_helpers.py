"""Shared helpers of the follow-up's integration tests: uploads, sheets, notices, audits."""

from __future__ import annotations

import io

import sqlalchemy as sa

from venture.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    from venture.demo.followup import tiny_png

    return tiny_png((200, 80, 40))


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["日期", "科目", "金额"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def evaluation_sheets(make, evaluation, totals_by_judge):
    """Submitted sheets of the evaluation's stage: {judge: [scores per criterion]}."""
    stage = evaluation.stage
    names = [c.name for c in stage.rubric.criteria]
    for judge, scores in totals_by_judge.items():
        make.assignment(stage, evaluation.project.application, judge)
        make.sheet(
            stage, evaluation.project.application, judge, dict(zip(names, scores, strict=True))
        )


def notices(kind: str):
    from venture.notices.models import Notice

    return list(
        db.session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id))
    )


def audit_actions(prefix: str = "followup.") -> list[str]:
    from venture.audit.models import AuditEntry

    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.action.like(prefix + "%"))
            .order_by(AuditEntry.seq)
        )
    )
