"""Judging services: the judge pool, panels, conflicts of interest, assignment, score
sheets, progress and the live roadshow. Other domains call these:

- ``run_assignment(stage, actor)``: assign k judges to every candidate of a stage.
- ``CANDIDATES[StageKind.X] = fn(stage) -> list[Application]``: which applications a
  scoring stage assigns (online review and roadshow are registered here).
- ``stage_sheet_totals(stage)`` / ``sheet_total(sheet)``: sheet totals with n/a rescaled.
"""

from venture.judging.services import common  # noqa: F401  (registers the notice kinds)
from venture.judging.services.assignment import (  # noqa: F401
    AssignmentImpossible,
    RunResult,
    add_judge,
    assignments_by_application,
    panel_judges,
    panels_of,
    preview,
    remove_judge,
    run_assignment,
    set_panel,
    stage_loads,
    swap_judge,
    update_stage_settings,
)
from venture.judging.services.candidates import CANDIDATES, candidates_for  # noqa: F401
from venture.judging.services.conflicts import (  # noqa: F401
    confirm_no_conflict,
    declare_conflict,
    detect,
    record_conflict,
)
from venture.judging.services.sheets import (  # noqa: F401
    SavedSheet,
    SheetInvalid,
    SheetTotal,
    mean_totals,
    reopen_sheet,
    save_sheet,
    sheet_total,
    stage_sheet_totals,
)
