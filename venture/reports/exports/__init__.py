"""Excel exports: what each one holds, how many rows it has (small ones are streamed,
large ones prepared by a background job), and how it is built.

A builder takes an :class:`ExportRequest` and a progress callback and returns an
:class:`ExportFile`; the same builder serves the direct download and the Celery task
(``workers/tasks/exports.py``), so both give the same file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from venture.competitions.models import Competition, Stage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# Exports with more rows than this are prepared in the background (a job with progress).
BACKGROUND_ROWS = 2000

Progress = Callable[[int, str], None]


@dataclass
class ExportRequest:
    competition: Competition
    stage: Stage | None = None
    filters: dict = field(
        default_factory=dict
    )  # the screening list's filters (query string values)


@dataclass
class ExportFile:
    name: str  # the download's file name
    data: bytes
    mimetype: str = XLSX
    rows: int = 0


@dataclass(frozen=True)
class ExportKind:
    name: str
    label: object  # lazy string
    description: object  # lazy string
    scope: str  # "competition" or "stage"
    build: Callable[[ExportRequest, Progress], ExportFile]
    count: Callable[[ExportRequest], int]  # rows, to choose between direct and background
    background: bool = False  # always prepared in the background
    filtered: bool = False  # takes the screening list's filters

    def in_background(self, request: ExportRequest) -> bool:
        return self.background or self.count(request) > BACKGROUND_ROWS


def registry() -> dict[str, ExportKind]:
    from venture.reports.exports import applications, followup, results, scores

    kinds = [applications.KIND, *scores.KINDS, results.KIND, followup.KIND]
    return {kind.name: kind for kind in kinds}


def file_name(request: ExportRequest, what: str, extension: str = "xlsx") -> str:
    from venture.db import utcnow
    from venture.templating import to_local

    stage = f"-{request.stage.kind.value}" if request.stage is not None else ""
    day = to_local(utcnow()).strftime("%Y%m%d")
    return f"{request.competition.code_prefix}{stage}-{what}-{day}.{extension}"
