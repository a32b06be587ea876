"""Forms of the results pages. The services validate every rule (with field names), so
these forms only carry the data; amounts are typed in yuan and converted to fen here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from venture.competitions.forms import LocalDateTimeField
from venture.errors import ValidationError
from venture.rankings.models import FundingOutcome
from venture.results.models import ObjectorKind


def _int_or_none(value):
    """An id, or None for anything that cannot be one (ids are positive 32-bit integers)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def yuan_to_fen(text: str | None, *, field: str = "amount") -> int | None:
    """'50000', '5,0000.5' or '¥50000.00' → fen; None when empty. At most two decimals."""
    raw = (text or "").strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("Enter the amount in yuan, e.g. 50000 or 50000.50."), field=field
        ) from None
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:
        raise ValidationError(_("Enter the amount in yuan, e.g. 50000 or 50000.50."), field=field)
    if value > Decimal("100000000000"):
        raise ValidationError(_("The amount is too large."), field=field)
    return int(value * 100)


def outcome_choices():
    from venture.labels import label

    return [(o.value, label(o)) for o in FundingOutcome]


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), validate_choice=False)
    amount = StringField(
        _l("Approved amount (yuan)"),
        validators=[Length(max=30)],
        description=_l("At most the requested amount; empty unless funded."),
    )
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[Length(max=2000)],
        description=_l("Shown beside the decision wherever it differs from the funding line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = outcome_choices()


class ApproveForm(FlaskForm):
    days = StringField(_l("Length of the public notice (days)"), validators=[Length(max=3)])
    open_now = BooleanField(_l("Open the public notice now instead of on its planned dates"))
    instructions = TextAreaField(
        _l("How to object (shown on the public page)"),
        validators=[Length(max=4000)],
        description=_l(
            "Optional: e.g. the address for written objections with a seal, "
            "or a telephone number for questions."
        ),
    )


class ObjectionForm(FlaskForm):
    application_id = SelectField(
        _l("Project objected to"), coerce=_int_or_none, validate_choice=False
    )
    objector_kind = RadioField(
        _l("You object"),
        validate_choice=False,
        choices=[
            (ObjectorKind.PERSON.value, _l("As a person")),
            (ObjectorKind.ORGANIZATION.value, _l("On behalf of an organization")),
        ],
        default=ObjectorKind.PERSON.value,
    )
    organization_name = StringField(
        _l("Name of the organization"),
        validators=[Length(max=200)],
        description=_l("Required when you object for an organization."),
    )
    real_name = StringField(_l("Your real name"), validators=[Length(max=100)])
    phone = StringField(
        _l("Phone"),
        validators=[Length(max=30)],
        description=_l("A mainland mobile number or a landline with its area code."),
    )
    email = StringField(
        _l("Email (optional)"),
        validators=[Length(max=254)],
        description=_l("If given, the reply is also sent to this address."),
    )
    content = TextAreaField(_l("Your objection and its grounds"), validators=[Length(max=5000)])
    evidence = MultipleFileField(
        _l("Evidence (optional)"), description=_l("Up to 5 files, PDF or images, 10 MB each.")
    )


class AnswerForm(FlaskForm):
    verdict = RadioField(
        _l("Verdict"),
        validate_choice=False,
        choices=[("dismissed", _l("Dismiss")), ("upheld", _l("Uphold"))],
    )
    reply = TextAreaField(
        _l("Reply to the objector"),
        validators=[Length(max=5000)],
        description=_l(
            "Sent to the objector's email if given (otherwise tell them by phone and "
            "record the call below), and shown to them on the public lookup page "
            "with their receipt code."
        ),
    )
    change = BooleanField(_l("Upholding this objection changes the decision on the project"))
    outcome = SelectField(_l("New outcome"), validate_choice=False)
    amount = StringField(_l("New approved amount (yuan)"), validators=[Length(max=30)])
    change_reason = TextAreaField(
        _l("Reason for the change"),
        validators=[Length(max=2000)],
        description=_l("Empty: the reply is used as the reason."),
    )
    no_change_reason = TextAreaField(
        _l("Why no decision changes"),
        validators=[Length(max=2000)],
        description=_l("Required when the objection is upheld without changing the decision."),
    )
    phone_note = TextAreaField(
        _l("Reply given by phone"),
        validators=[Length(max=1000)],
        description=_l(
            "Required when the objector gave no email: who called them "
            "and what came of the call (e.g. Zhang Wei called the number "
            "given and read the reply out; the objector accepted it)."
        ),
    )
    phone_replied_at = LocalDateTimeField(_l("Date and time of the call (Beijing time)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = outcome_choices()


class LookupForm(FlaskForm):
    receipt_code = StringField(_l("Receipt code"), validators=[Length(max=20)])
    phone = StringField(_l("Phone given with the objection"), validators=[Length(max=30)])
