"""Labels and explanations of what the rankings pages show (methods, flags, outcomes)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.competitions.labels import stage_label
from venture.labels import LABELS
from venture.rankings.models import FundingOutcome, SnapshotKind
from venture.scoring.links import LinkError, stored_link

LABELS.update(
    {
        FundingOutcome.FUNDED: _l("Funded"),
        FundingOutcome.WAITLIST: _l("Waitlist"),
        FundingOutcome.NOT_FUNDED: _l("Not funded"),
        SnapshotKind.STAGE: _l("Stage ranking"),
        SnapshotKind.FINAL: _l("Final ranking"),
    }
)

METHODS = {
    "mean": _l("Mean"),
    "median": _l("Median"),
    "trimmed": _l("Trimmed mean"),
    "zscore": _l("Z-score calibration"),
    "bias": _l("Judge-bias calibration"),
    "weighted": _l("Weighted stages"),
}

METHOD_HELP = {
    "mean": _l("The average of the sheet totals."),
    "median": _l("The middle total (the average of the two middle ones for an even count)."),
    "zscore": _l(
        "Each judge's totals are put on the scale of the whole stage (their mean and spread "
        "matched to the stage's), then averaged."
    ),
    "bias": _l(
        "Each judge's constant leniency or severity is estimated from the applications they "
        "share with other judges and removed, then the totals are averaged."
    ),
    "weighted": _l("The stages' published scores, weighted."),
}

FLAGS = {
    "disagreement": _l("Judges disagree"),
    "outlier_sheet": _l("Outlier sheet"),
    "sheet_without_total": _l("Sheet without total"),
    "too_few_sheets_to_trim": _l("Too few sheets to trim"),
    "unstandardised_sheet": _l("Not standardised"),
    "incomplete_stages": _l("Not in every stage"),
}


def method_label(method: str) -> str:
    return str(METHODS.get(method, method))


def method_help(method: str, trim: int = 1) -> str:
    if method == "trimmed":
        return _("Drop the %(k)s highest and the %(k)s lowest totals, average the rest.", k=trim)
    return str(METHOD_HELP.get(method, ""))


def flag_label(flag: str) -> str:
    return str(FLAGS.get(flag, flag))


def flag_help(flag: str, threshold: str = "20") -> str:
    """Why an application carries a flag, in plain words."""
    if flag == "disagreement":
        return _(
            "The highest and lowest sheet totals differ by more than %(threshold)s points.",
            threshold=threshold,
        )
    return str(
        {
            "outlier_sheet": _l(
                "A sheet total is far from the others: more than 3 median absolute "
                "deviations from the median."
            ),
            "sheet_without_total": _l(
                "A judge marked every criterion not applicable: that sheet has no "
                "total and is left out."
            ),
            "too_few_sheets_to_trim": _l(
                "Fewer sheets than needed to drop the highest and lowest: the plain mean is used."
            ),
            "unstandardised_sheet": _l(
                "A judge with fewer than 3 sheets or with all totals equal: their totals "
                "were not standardised."
            ),
            "incomplete_stages": _l(
                "Not scored in every weighted stage (e.g. not shortlisted for the roadshow): "
                "not in the final ranking."
            ),
        }.get(flag, flag)
    )


def tie_break_label(link) -> str:
    """One link of a stage's tie-break chain, in words."""
    try:
        parsed = stored_link(link)
    except LinkError:
        return str(link)
    if parsed.kind == "stage":
        return _("higher score in the %(stage)s", stage=stage_label(parsed.name))
    if parsed.kind == "criterion" and parsed.stage:
        return _(
            "higher average on %(criterion)s in the %(stage)s",
            criterion=parsed.name,
            stage=stage_label(parsed.stage),
        )
    if parsed.kind == "criterion":
        return _("higher average on %(criterion)s", criterion=parsed.name)
    if parsed.kind == "requested_amount":
        return _("lower amount requested")
    return _("earlier submission")
