"""Forms of the follow-up. Money is typed in yuan (up to two decimals) and kept in fen."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from venture.forms import IntegerField, coerce_id

MAX_YUAN = Decimal("100000000")  # 1亿: far above any project


def yuan_to_fen(text: str | None) -> int:
    """'12,345.6' → 1234560. Raises ValueError with a user message on bad input."""
    cleaned = (text or "").strip().replace(",", "").replace("，", "").removeprefix("¥").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_l("Enter an amount in yuan, e.g. 1234.50.")) from None
    if not value.is_finite() or value < 0 or value > MAX_YUAN:
        raise ValueError(_l("Enter an amount between 0 and 100,000,000 yuan."))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_l("Enter an amount in yuan with at most two decimals."))
    return int(value * 100)


class YuanField(StringField):
    """A yuan amount; ``.fen`` holds the parsed value in fen (None when empty or bad)."""

    fen: int | None = None

    def pre_validate(self, form):
        self.fen = None
        if not (self.data or "").strip():
            return
        try:
            self.fen = yuan_to_fen(self.data)
        except ValueError as error:
            raise ValidationError(str(error.args[0])) from None


def _date(label):
    return DateField(label, validators=[InputRequired(message=_l("Enter a date."))])


class ConfirmForm(FlaskForm):
    """A POST button with CSRF protection."""


def _report_period(description):
    # Choices are set by the view: the first one follows the competition's setting.
    return SelectField(_l("Progress reports"), validate_choice=False, description=description)


class AgreementForm(FlaskForm):
    signed_on = _date(_l("Signed on"))
    starts_on = _date(_l("Implementation starts on"))
    ends_on = _date(_l("Implementation ends on"))
    report_period = _report_period(
        _l("The progress reports and evaluations follow the agreement's dates.")
    )
    signed_copy = FileField(
        _l("Signed agreement (PDF or image)"),
        description=_l("The scanned agreement with both parties' seals."),
    )


class ReportForm(FlaskForm):
    summary = TextAreaField(
        _l("Summary of the period"),
        validators=[Length(max=20000)],
        description=_l("What was done, for whom, what changed, what is next."),
    )


class ActivityForm(FlaskForm):
    community_id = SelectField(
        _l("Place (host community)"),
        coerce=coerce_id,
        validators=[InputRequired(message=_l("Choose a community."))],
    )
    held_on = _date(_l("Date"))
    activity_type = StringField(
        _l("Type of activity"),
        validators=[InputRequired(message=_l("Enter the type of activity.")), Length(max=100)],
        render_kw={"list": "activity-types"},
    )
    participants = IntegerField(
        _l("Participants"),
        validators=[
            InputRequired(message=_l("Enter the number of participants.")),
            NumberRange(min=0, max=100000),
        ],
    )
    residents = IntegerField(
        _l("Of whom residents of the community"),
        validators=[
            InputRequired(message=_l("Enter how many participants are residents.")),
            NumberRange(min=0, max=100000),
        ],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    photos = MultipleFileField(
        _l("Photos"),
        description=_l("Up to 6 images (JPEG, PNG, GIF, WebP), 10 MB each."),
        render_kw={"accept": "image/*"},
    )


class ReviewForm(FlaskForm):
    decision = SelectField(
        _l("Your review"), choices=[("confirm", _l("Confirm")), ("dispute", _l("Dispute"))]
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Length(max=2000)],
        description=_l("Required when you dispute the record."),
    )


class MilestoneForm(FlaskForm):
    note = TextAreaField(
        _l("Evidence"),
        validators=[InputRequired(message=_l("Describe the evidence.")), Length(max=5000)],
    )
    evidence = FileField(_l("Evidence file (optional)"))


class ExpenseForm(FlaskForm):
    line_id = SelectField(
        _l("Budget line"),
        coerce=coerce_id,
        validators=[InputRequired(message=_l("Choose a line of the approved budget."))],
    )
    amount = YuanField(
        _l("Amount (yuan)"), validators=[InputRequired(message=_l("Enter an amount."))]
    )
    spent_on = _date(_l("Date of the expense"))
    description = StringField(_l("What was bought or paid"), validators=[Length(max=300)])
    voucher = FileField(_l("Voucher (invoice or receipt, PDF or image)"))


class SelfAssessmentForm(FlaskForm):
    self_assessment = TextAreaField(
        _l("Self-assessment"),
        validators=[Length(max=20000)],
        description=_l("Implementation, inputs, financial management and results."),
    )
    self_score = StringField(_l("Self score (0–100)"), validators=[Length(max=10)])
    report_file = FileField(_l("Report (PDF or Word)"))
    ledger_file = FileField(_l("Spending ledger (Excel or PDF)"))


class AssignForm(FlaskForm):
    k = IntegerField(
        _l("Number of evaluators"),
        default=3,
        validators=[InputRequired(message=_l("Enter a number.")), NumberRange(min=1, max=15)],
    )


class DecideForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=2000)])


class ExtendForm(FlaskForm):
    due_on = _date(_l("New deadline"))


class AgreementDatesForm(FlaskForm):
    """Those who run the competition change the agreement's dates (an amendment)."""

    starts_on = _date(_l("Implementation starts on"))
    ends_on = _date(_l("Implementation ends on"))
    report_period = _report_period(
        _l("Reports already started or submitted stay; the others follow the new dates.")
    )
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[InputRequired(message=_l("Give the reason.")), Length(max=5000)],
        description=_l("Recorded in the audit log and sent to the organization."),
    )


class TerminateForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(message=_l("Give the reason.")), Length(max=5000)]
    )
    recovery = YuanField(
        _l("Amount to recover (yuan)"),
        default="0",
        description=_l("At most the amount released so far; 0 when nothing is claimed back."),
    )


class RecoveryForm(FlaskForm):
    amount = YuanField(
        _l("Amount received (yuan)"), validators=[InputRequired(message=_l("Enter an amount."))]
    )
    received_on = _date(_l("Received on"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class DisputeAnswerForm(FlaskForm):
    text = TextAreaField(
        _l("Your answer"),
        validators=[Length(max=5000)],
        description=_l("What happened that day, and what the evidence shows."),
    )
    evidence = MultipleFileField(
        _l("Evidence (optional)"),
        description=_l(
            "A sign-in sheet, photos or minutes: PDF, images, Word or Excel, "
            "up to 10 files of 20 MB each."
        ),
    )


class DisputeResponseForm(FlaskForm):
    decision = SelectField(
        _l("Your response"),
        choices=[("confirm", _l("Confirm the activity")), ("keep", _l("Keep the dispute"))],
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Length(max=5000)],
        description=_l("Required when you keep the dispute."),
    )


class DisputeDecisionForm(FlaskForm):
    outcome = SelectField(
        _l("Decision"),
        choices=[
            ("dismiss", _l("Dismiss the dispute: the activity is confirmed")),
            ("uphold", _l("Uphold the dispute: the activity is not counted")),
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=5000)],
        description=_l("Required; both sides receive it."),
    )
