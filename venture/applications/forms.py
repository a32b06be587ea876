"""The sections of the application form and the screening decisions.

Each section form turns its fields into the plain values ``services.save_section``
takes (``values()``), whether they came from a normal POST or from the autosave JSON.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as BaseForm
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from venture.applications.models import AttachmentKind, parse_version
from venture.competitions.forms import (
    LocalDateTimeField,
    MultiCheckboxField,
    YuanField,
    optional_int,
)
from venture.forms import IntegerField, coerce_id
from venture.orgs.models import Qualification

BLANK_ROWS = 2  # empty rows offered at the end of each table (for use without JavaScript)


class SectionForm(FlaskForm):
    # A hidden text field, checked by parse_version: re-rendered with the version the server
    # holds after a refusal (a number field would echo back what was posted).
    version = HiddenField()

    def validate_version(self, field) -> None:
        if parse_version(field.data) is None:
            raise FieldError(_l("This page is out of date or was altered: reload it to continue."))

    @property
    def loaded_version(self) -> int:
        """The version the editor loaded (call after validation)."""
        return parse_version(self.version.data) or 0

    def values(self) -> dict:
        raise NotImplementedError


def _long(label, rows=6, limit=20000, description=None):
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=limit)],
        render_kw={"rows": rows},
        description=description,
    )


class ProjectForm(SectionForm):
    project_name = StringField(
        _l("Project name"),
        validators=[Optional(), Length(max=200)],
        description=_l("e.g. 银龄互助·邻里守望计划"),
    )
    category_id = SelectField(_l("Category"), coerce=optional_int, validate_choice=False)
    period_months = IntegerField(
        _l("Period (months)"), validators=[Optional(), NumberRange(min=1, max=36)]
    )
    start_date = DateField(_l("Planned start"), validators=[Optional()])
    end_date = DateField(_l("Planned end"), validators=[Optional()])
    communities = MultiCheckboxField(
        _l("Host communities"), coerce=coerce_id, validate_choice=False
    )

    def values(self):
        return {
            "project_name": self.project_name.data or "",
            "category_id": self.category_id.data,
            "period_months": self.period_months.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "communities": self.communities.data or [],
        }


class BeneficiariesForm(SectionForm):
    direct_beneficiaries = IntegerField(
        _l("Direct beneficiaries (people)"),
        validators=[Optional(), NumberRange(min=0, max=10_000_000)],
    )
    indirect_beneficiaries = IntegerField(
        _l("Indirect beneficiaries (people)"),
        validators=[Optional(), NumberRange(min=0, max=10_000_000)],
    )
    beneficiary_description = _long(_l("Who they are"), rows=4)

    def values(self):
        return {
            "direct_beneficiaries": self.direct_beneficiaries.data or 0,
            "indirect_beneficiaries": self.indirect_beneficiaries.data or 0,
            "beneficiary_description": self.beneficiary_description.data or "",
        }


class NeedForm(SectionForm):
    summary = _long(_l("Summary"), rows=4, limit=2000, description=_l("At most 2000 characters."))
    need_analysis = _long(_l("Need analysis"), rows=10)

    def values(self):
        return {"summary": self.summary.data or "", "need_analysis": self.need_analysis.data or ""}


class GoalsForm(SectionForm):
    overall_goal = _long(_l("Overall goal"), rows=3)
    specific_goals = _long(_l("Specific goals"), rows=8)

    def values(self):
        return {
            "overall_goal": self.overall_goal.data or "",
            "specific_goals": self.specific_goals.data or "",
        }


class MilestoneRow(BaseForm):
    name = StringField(_l("Milestone"), validators=[Optional(), Length(max=200)])
    month = IntegerField(_l("Month"), validators=[Optional(), NumberRange(min=1, max=60)])
    deliverable = StringField(_l("Deliverable"), validators=[Optional(), Length(max=500)])


class PlanForm(SectionForm):
    implementation_plan = _long(_l("Implementation plan"), rows=10)
    milestones = FieldList(FormField(MilestoneRow), min_entries=1)

    def values(self):
        return {
            "implementation_plan": self.implementation_plan.data or "",
            "milestones": [dict(e.form.data) for e in self.milestones.entries],
        }


class FeaturesForm(SectionForm):
    features = _long(_l("Features (innovation, replicability)"), rows=6)
    risks = _long(_l("Risks and controls"), rows=6)

    def values(self):
        return {"features": self.features.data or "", "risks": self.risks.data or ""}


QUALIFICATION_CHOICES = [(q.value, q.value) for q in Qualification]


class TeamRow(BaseForm):
    social_worker_id = SelectField(
        _l("From the organization's social workers"), coerce=optional_int, validate_choice=False
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    education = StringField(_l("Education"), validators=[Optional(), Length(max=60)])
    qualification = SelectField(
        _l("Social-work qualification"), choices=QUALIFICATION_CHOICES, validate_choice=False
    )
    role = StringField(_l("Role in the project"), validators=[Optional(), Length(max=100)])


class TeamForm(SectionForm):
    team = FieldList(FormField(TeamRow), min_entries=1)

    def values(self):
        return {"team": [dict(e.form.data) for e in self.team.entries]}


class BudgetRow(BaseForm):
    rule_id = SelectField(_l("Budget line"), coerce=optional_int, validate_choice=False)
    item = StringField(_l("Item"), validators=[Optional(), Length(max=200)])
    amount = YuanField(_l("Amount (yuan)"))
    note = StringField(
        _l("Calculation"),
        validators=[Optional(), Length(max=500)],
        description=_l("e.g. 200元/次 × 12次"),
    )


class BudgetForm(SectionForm):
    lines = FieldList(FormField(BudgetRow), min_entries=1)
    requested = YuanField(_l("Amount requested (yuan)"))
    cofunding = YuanField(_l("Co-funding (yuan)"))

    def values(self):
        return {
            "budget_lines": [
                {
                    "rule_id": e.form.rule_id.data,
                    "item": e.form.item.data,
                    "amount_fen": e.form.amount.fen or 0,
                    "note": e.form.note.data,
                }
                for e in self.lines.entries
            ],
            "requested_fen": self.requested.fen or 0,
            "cofunding_fen": self.cofunding.fen or 0,
        }


class SubmitForm(SectionForm):
    pledge = BooleanField(
        _l(
            "We pledge that everything in this application is true and complete, and accept "
            "the rules of the competition."
        )
    )

    def values(self):
        return {"pledge": bool(self.pledge.data)}


SECTION_FORMS = {
    "project": ProjectForm,
    "beneficiaries": BeneficiariesForm,
    "need": NeedForm,
    "goals": GoalsForm,
    "plan": PlanForm,
    "features": FeaturesForm,
    "team": TeamForm,
    "budget": BudgetForm,
    "submit": SubmitForm,
}


class AttachmentForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("PDF, images, Word or Excel. The type is checked by the content."),
    )
    kind = SelectField(_l("Kind"), choices=[(k.value, k.value) for k in AttachmentKind])
    identifying = BooleanField(
        _l("This file identifies our organization (hidden from judges in a blind review)"),
        default=True,
    )
    valid_until = DateField(
        _l("Valid until"),
        validators=[Optional()],
        description=_l(
            "For a certificate with a term: the last day it is valid. Your next "
            "applications reuse the registration certificate and charter while "
            "they are valid."
        ),
    )


class StartForm(FlaskForm):
    organization_id = SelectField(
        _l("Applying organization"), coerce=optional_int, validate_choice=False
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class PassForm(FlaskForm):
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


def _default_deadline():
    """The service's default deadline, as the naive Beijing time a datetime-local input shows."""
    from venture.applications.services.screening import default_resubmit_deadline
    from venture.templating import LOCAL_TZ

    return default_resubmit_deadline().astimezone(LOCAL_TZ).replace(tzinfo=None)


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        _l("What needs to be amended"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    deadline = LocalDateTimeField(
        _l("Re-submit by (Beijing time)"),
        validators=[DataRequired()],
        default=_default_deadline,
        description=_l("Pre-filled: one week from today, at 17:00."),
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the rejection"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )
