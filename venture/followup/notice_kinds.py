"""The follow-up's notice kinds (each has templates/notices/email/<kind>.txt)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.notices import kinds

kinds.register("project_created", _l("Funded project created: sign the agreement"))
kinds.register("agreement_confirmed", _l("Agreement confirmed"))
kinds.register("tranche_released", _l("Tranche released"))
kinds.register("report_due", _l("Progress report due (reminder)"))
kinds.register("report_overdue", _l("Progress report overdue"))
kinds.register(
    "activities_to_confirm", _l("Activity records waiting for the community's confirmation")
)
kinds.register("activity_disputed", _l("Activity record disputed by the community"))
kinds.register("evaluation_result", _l("Evaluation result"))
kinds.register("project_terminated", _l("Project terminated"))
kinds.register("recovery_recorded", _l("Recovered payment recorded"))
kinds.register("project_rescheduled", _l("Agreement dates changed: new report schedule"))
kinds.register("dispute_answered", _l("The organization answered a dispute of an activity"))
kinds.register("dispute_resolved", _l("A disputed activity was confirmed by the community"))
kinds.register("dispute_kept", _l("The community keeps its dispute of an activity"))
kinds.register("dispute_decided", _l("Decision on a disputed activity"))
