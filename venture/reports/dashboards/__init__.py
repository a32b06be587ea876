"""The organizer's dashboards: each section a chart with its numbers, read in a fixed
number of grouped queries whatever the size of the competition."""

from __future__ import annotations

from dataclasses import dataclass, field

from venture.reports.charts import Chart


@dataclass
class Section:
    """One panel of a dashboard: a chart (None while there is nothing to show) and the
    message saying why, plus links to the pages behind the numbers."""

    key: str
    title: str
    chart: Chart | None
    empty: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    note: str = ""
