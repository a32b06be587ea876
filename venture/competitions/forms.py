"""Forms of the competition setup. Money is entered in yuan (two decimals at most) and
stored in fen; dates are entered in Asia/Shanghai and stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import Form as BaseForm
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from venture.competitions.models import MAX_PUBLICITY_DAYS, SCORING_STAGES, STAGE_ORDER, BudgetGroup
from venture.followup.rules import REPORT_GRACE_DAYS
from venture.forms import DecimalField, IntegerField, coerce_optional_id
from venture.templating import LOCAL_TZ

MAX_YUAN = Decimal("100000000")  # 1亿元: far above any real grant; guards against typos


def yuan_to_fen(value: Decimal | None) -> int | None:
    if value is None:
        return None
    return int((Decimal(value) * 100).to_integral_value())


def fen_to_yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


def parse_yuan(text) -> Decimal:
    """Yuan typed by a person (commas and a ¥ allowed), at most two decimals."""
    cleaned = (
        str(text or "")
        .strip()
        .replace(",", "")
        .replace("，", "")
        .replace("¥", "")
        .replace("￥", "")
    )
    if cleaned == "":
        return Decimal("0")
    try:
        value = Decimal(cleaned)
        if (
            not value.is_finite()
            or value < 0
            or value > MAX_YUAN
            or value != value.quantize(Decimal("0.01"))
        ):
            raise ValueError("bad amount")
    except InvalidOperation:
        raise ValueError("not a number") from None
    return value


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive date and time typed in Asia/Shanghai, as an aware UTC datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def utc_to_local_naive(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


class YuanField(StringField):
    """An amount in yuan; ``data`` is a Decimal, ``fen`` the integer in fen."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.raw = valuelist[0]
            try:
                self.data = parse_yuan(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(
                    _l("Enter an amount in yuan with at most two decimals, e.g. 12345.50.")
                ) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"

    @property
    def fen(self) -> int | None:
        return yuan_to_fen(self.data)


class PercentField(DecimalField):
    def __init__(self, label=None, validators=None, **kw):
        super().__init__(
            label,
            validators=validators or [Optional(), NumberRange(min=0, max=100)],
            places=2,
            **kw,
        )


class LocalDateTimeField(DateTimeLocalField):
    def __init__(self, label=None, validators=None, **kw):
        super().__init__(
            label,
            validators=validators or [Optional()],
            format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            **kw,
        )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


optional_int = coerce_optional_id  # an empty choice or a row id (other forms import this name)


class BasicsForm(FlaskForm):
    name = StringField(
        _l("Name of the competition"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("e.g. 澧阳市2027年度公益创投大赛"),
    )
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    code_prefix = StringField(
        _l("Code prefix"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("Application codes are the prefix and a number, e.g. GY2027-001."),
    )
    theme = StringField(
        _l("Theme"),
        validators=[Optional(), Length(max=200)],
        description=_l("e.g. 三社联动，全民共享"),
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 6}
    )
    area_id = SelectField(
        _l("Area"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("Projects must be placed in communities of this area."),
    )


class StageControlForm(FlaskForm):
    """Open now, close now or extend one stage: the button pressed says which."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
        description=_l("Kept in the audit log and sent to the people affected."),
    )
    until = LocalDateTimeField(_l("New end (Beijing time)"))
    beneficiary = SelectField(_l("Extend for"), validate_choice=False)


def stages_form(data=None) -> FlaskForm:
    """One pair of date fields per stage, named <kind>_starts_at / <kind>_ends_at."""

    class StagesForm(FlaskForm):
        pass

    for kind in STAGE_ORDER:
        setattr(StagesForm, f"{kind.value}_starts_at", LocalDateTimeField(_l("Starts")))
        setattr(StagesForm, f"{kind.value}_ends_at", LocalDateTimeField(_l("Ends")))
    StagesForm.shift_later = BooleanField(
        _l("Move the later stages by the same amount"),
        default=True,
        description=_l("When you move a stage, the stages after it keep their distance to it."),
    )
    return StagesForm(data=data)


def scoring_form(data=None, rubric_choices=None) -> FlaskForm:
    class ScoringForm(FlaskForm):
        pass

    for kind in SCORING_STAGES:
        setattr(
            ScoringForm,
            f"{kind.value}_rubric",
            SelectField(_l("Rubric"), coerce=optional_int, validate_choice=False),
        )
        setattr(
            ScoringForm,
            f"{kind.value}_weight",
            DecimalField(
                _l("Weight in the final score"),
                places=3,
                validators=[Optional(), NumberRange(min=0, max=1)],
            ),
        )
        setattr(
            ScoringForm,
            f"{kind.value}_blind",
            BooleanField(_l("Blind review (hide the applicant)")),
        )
    # Only the live roadshow makes them optional by default (StageKind.ROADSHOW: Stage.requires_opinion)
    ScoringForm.roadshow_opinion = BooleanField(
        _l("Judges must give their confidence and a recommendation"),
        description=_l(
            "Otherwise these two questions are optional on the sheet; the rubric's scores are always "
            "required."
        ),
    )
    form = ScoringForm(data=data)
    for kind in SCORING_STAGES:
        getattr(form, f"{kind.value}_rubric").choices = [("", _l("— none —"))] + (
            rubric_choices or {}
        ).get(kind, [])
    return form


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Name of the category"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("e.g. 为老服务"),
    )
    budget = YuanField(_l("Budget (yuan)"), validators=[DataRequired()])
    max_projects = IntegerField(
        _l("Maximum number of funded projects"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )


class MoneyForm(FlaskForm):
    max_amount = YuanField(_l("Maximum amount per project (yuan)"), validators=[DataRequired()])
    max_share_pct = PercentField(
        _l("Maximum share of the project budget that may be requested (%)"),
        validators=[DataRequired(), NumberRange(min=0.01, max=100)],
    )
    min_cofunding_pct = PercentField(_l("Minimum co-funding (% of the project budget)"))
    cap_activity = PercentField(_l("Activity costs: at most (% of the budget)"))
    cap_management = PercentField(_l("Management costs: at most (% of the budget)"))
    cap_tax = PercentField(_l("Taxes: at most (% of the budget)"))
    forbidden_items = TextAreaField(
        _l("Forbidden items"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
        description=_l("One per line, e.g. 固定资产购置; 直接发放给服务对象的现金."),
    )


GROUP_CHOICES = [(g.value, g.value) for g in BudgetGroup]


class BudgetRuleForm(FlaskForm):
    line_group = SelectField(_l("Group"), choices=GROUP_CHOICES)
    name = StringField(
        _l("Budget line"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("e.g. 宣传费"),
    )
    max_share_pct = PercentField(
        _l("At most (% of the budget)"), validators=[Optional(), NumberRange(min=0.01, max=100)]
    )


class EligibilityForm(FlaskForm):
    allowed_org_types = MultiCheckboxField(_l("Organization types allowed"))
    require_verified = BooleanField(_l("The organization must be verified by the organizer"))
    abnormal_years = IntegerField(
        _l("Not on the abnormal-activity list in the last (years)"),
        validators=[Optional(), NumberRange(min=0, max=20)],
        description=_l("0 turns the check off."),
    )
    dishonest_years = IntegerField(
        _l("Not on the serious-dishonesty list in the last (years)"),
        validators=[Optional(), NumberRange(min=0, max=20)],
        description=_l("0 turns the check off."),
    )
    max_applications_per_org = IntegerField(
        _l("Applications per organization"), validators=[DataRequired(), NumberRange(min=1, max=50)]
    )
    min_registration_months = IntegerField(
        _l("Registered for at least (months)"), validators=[Optional(), NumberRange(min=0, max=600)]
    )
    required_attachments = MultiCheckboxField(_l("Required attachments"))
    max_file_mb = IntegerField(
        _l("Size limit per file (MB)"), validators=[DataRequired(), NumberRange(min=1, max=200)]
    )
    max_total_mb = IntegerField(
        _l("Size limit per application (MB)"),
        validators=[DataRequired(), NumberRange(min=1, max=2000)],
    )


TRANCHE_ROWS = 5
MARK = _l("A mark is between 0 and 100.")


def _mark_field(label, **kw):
    return DecimalField(
        label,
        places=2,
        validators=[
            InputRequired(message=_l("Enter a mark.")),
            NumberRange(min=0, max=100, message=MARK),
        ],
        **kw,
    )


class TrancheRowForm(BaseForm):
    share = IntegerField(
        _l("Share (%)"), validators=[Optional()]
    )  # the service checks 1–100 and the sum
    condition = SelectField(
        _l("Paid when"), validate_choice=False
    )  # ... and names an unknown condition

    def is_blank(self) -> bool:
        return self.share.data is None and not self.condition.data


class FollowupForm(FlaskForm):
    funding_mode = SelectField(
        _l("When the next project of a category does not fit the remaining budget"),
        validate_choice=False,
    )
    publicity_days = IntegerField(
        _l("Public notice (days)"),
        validators=[
            InputRequired(message=_l("Enter a number of days.")),
            NumberRange(
                min=1,
                max=MAX_PUBLICITY_DAYS,
                message=_l("The public notice lasts between 1 and 60 days."),
            ),
        ],
        description=_l("Suggested when the results are approved; usually 7 days."),
    )
    report_period = SelectField(
        _l("Progress reports"),
        validate_choice=False,
        description=_l(
            "Each report is due %(n)d days after the end of its month or quarter.",
            n=REPORT_GRACE_DAYS,
        ),
    )
    eval_pass_mark = _mark_field(_l("Pass mark of the mid-term and final evaluations"))
    grade_a_min = _mark_field(_l("Grade A from"))
    grade_b_min = _mark_field(
        _l("Grade B from"), description=_l("Below it: grade C. Usually the pass mark.")
    )
    tranches = FieldList(
        FormField(TrancheRowForm), min_entries=TRANCHE_ROWS, max_entries=TRANCHE_ROWS
    )

    def tranche_rows(self) -> list[dict]:
        """The filled rows; a share without a condition (or the reverse) is left for the service to refuse."""
        return [
            {"share": e.form.share.data, "condition": e.form.condition.data or None, "row": number}
            for number, e in enumerate(self.tranches.entries, start=1)
            if not e.form.is_blank()
        ]


class RubricNewForm(FlaskForm):
    name = StringField(
        _l("Name of the rubric"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("e.g. 专家评审评分表"),
    )
    stage_kind = SelectField(_l("Stage"), choices=[(k.value, k.value) for k in SCORING_STAGES])


class CriterionForm(BaseForm):
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=100)])
    description = TextAreaField(
        _l("Description shown to judges"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    max_score = DecimalField(
        _l("Maximum"), places=1, validators=[Optional(), NumberRange(min=0.5, max=100)]
    )
    allow_na = BooleanField(_l("Allow “not applicable”"))

    def is_blank(self) -> bool:
        return not (self.name.data or "").strip() and self.max_score.data is None


class RubricForm(FlaskForm):
    name = StringField(_l("Name of the rubric"), validators=[DataRequired(), Length(max=120)])
    criteria = FieldList(FormField(CriterionForm), min_entries=1)

    def validate_criteria(self, field):
        for entry in field.entries:
            if not entry.form.is_blank() and not (entry.form.name.data or "").strip():
                raise ValidationError(_l("Every criterion needs a name."))
            if not entry.form.is_blank() and entry.form.max_score.data is None:
                raise ValidationError(_l("Every criterion needs a maximum."))

    def criteria_data(self) -> list[dict]:
        return [
            {
                "name": e.form.name.data,
                "description": e.form.description.data,
                "max_score": e.form.max_score.data,
                "allow_na": e.form.allow_na.data,
            }
            for e in self.criteria.entries
            if not e.form.is_blank()
        ]
