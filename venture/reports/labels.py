"""Labels the reports show: every domain's enums (their label modules register them);
the scoring methods and the ranking flags are named by ``rankings.labels``, as the
rankings pages name them."""

from __future__ import annotations

from flask_babel import gettext as _

# Importing the domains' label modules registers their enums' labels.
from venture.applications import labels as _applications  # noqa: F401
from venture.competitions import labels as _competitions  # noqa: F401
from venture.followup import labels as _followup  # noqa: F401
from venture.judging import labels as _judging  # noqa: F401
from venture.labels import label  # noqa: F401  (re-exported for the reports)
from venture.orgs import labels as _orgs  # noqa: F401
from venture.rankings.labels import FLAGS
from venture.results import labels as _results  # noqa: F401


def flags_text(flags) -> str:
    return "、".join(str(FLAGS.get(f, f)) for f in flags or [])


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")
