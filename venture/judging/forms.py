"""Forms of the judging pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from venture.competitions.models import PanelMode
from venture.forms import DecimalField, IntegerField, coerce_id
from venture.i18n import LANGUAGES
from venture.judging.models import TieKind


class ProfileFields:
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=100)],
        description=_l("For example 副教授, 高级社会工作师."),
    )
    employer = StringField(_l("Employer"), validators=[Optional(), Length(max=200)])
    employer_uscc = StringField(
        _l("Employer's 统一社会信用代码"),
        validators=[Optional(), Length(max=18)],
        description=_l("18 characters. Used to detect conflicts of interest."),
    )
    expertise = StringField(
        _l("Expertise"),
        validators=[Optional(), Length(max=400)],
        description=_l("Service areas, separated by 、 or a comma, e.g. 为老服务、社区治理."),
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])


class ProfileForm(ProfileFields, FlaskForm):
    pass


class InviteJudgeForm(ProfileFields, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    locale = SelectField(_l("Language of the invitation"), choices=list(LANGUAGES.items()))


class TieForm(FlaskForm):
    organization = StringField(
        _l("Organization (name or 统一社会信用代码)"), validators=[DataRequired(), Length(max=200)]
    )
    kind = SelectField(_l("Tie"), choices=[(k.value, k.value) for k in TieKind])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class UploadForm(FlaskForm):
    file = FileField(
        _l("Excel file (.xlsx)"), validators=[FileRequired(message=_l("Choose a file."))]
    )


class StageSettingsForm(FlaskForm):
    judges_per_application = IntegerField(
        _l("Judges per application"), validators=[DataRequired(), NumberRange(min=1, max=50)]
    )
    max_load = IntegerField(
        _l("Maximum applications per judge"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Leave empty for no maximum."),
    )
    anchor_count = IntegerField(
        _l("Anchor applications scored by every judge"),
        validators=[Optional(), NumberRange(min=0, max=10)],
        description=_l("2–3 anchors let the ranking calibrate each judge's severity."),
    )
    assignment_seed = IntegerField(
        _l("Random seed"),
        validators=[
            DataRequired(message=_l("Give a number.")),
            NumberRange(min=0, max=2_000_000_000),
        ],
        description=_l("The same seed gives the same assignment."),
    )
    panel_mode = SelectField(_l("Panels"), choices=[(m.value, m.value) for m in PanelMode])
    blind = BooleanField(_l("Blind review (hide the applicant's identity from judges)"))
    reveal_after_close = BooleanField(
        _l("Judges may see each other's sheets after the stage closes")
    )


class RankingSettingsForm(FlaskForm):
    """The stage's ranking settings. Choices are set by the view; the service checks every
    value (unknown choices included), so the selects do not validate their choice."""

    method = SelectField(_l("Aggregation method"), validate_choice=False)
    trim_k = IntegerField(
        _l("K for the trimmed mean"),
        validators=[
            InputRequired(message=_l("Give a number.")),
            NumberRange(min=1, max=10, message=_l("K is a whole number from 1 to 10.")),
        ],
        description=_l(
            "The trimmed mean drops the K highest and the K lowest totals of each "
            "application (K = 1: 去掉一个最高分和一个最低分). Other methods show it "
            "only in the comparison."
        ),
    )
    disagreement_threshold = DecimalField(
        _l("Judge disagreement threshold (points)"),
        validators=[InputRequired(message=_l("Give a number."))],
        description=_l(
            "An application is flagged when its highest and lowest "
            "sheet totals differ by more than this."
        ),
    )
    tie_break_1 = SelectField(_l("Equal scores are separated first by"), validate_choice=False)
    tie_break_2 = SelectField(_l("then by"), validate_choice=False)
    tie_break_3 = SelectField(_l("then by"), validate_choice=False)
    tie_break_4 = SelectField(_l("then by"), validate_choice=False)
    advance_rule = SelectField(
        _l("Shortlist for the roadshow"), validate_choice=False, default="none"
    )
    advance_top_n = IntegerField(
        _l("Number per category"),
        validators=[Optional()],
        description=_l("With “top N per category”: how many of each category advance."),
    )
    advance_threshold = DecimalField(
        _l("Score needed to advance"),
        validators=[Optional()],
        description=_l(
            "With “score at or above a threshold”: the published score an application needs."
        ),
    )

    @property
    def tie_break_fields(self):
        return [self.tie_break_1, self.tie_break_2, self.tie_break_3, self.tie_break_4]


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(message=_l("Give a reason.")), Length(max=2000)]
    )


class ConflictForm(FlaskForm):
    judge_id = SelectField(_l("Judge"), coerce=coerce_id, validate_choice=False)
    application_id = SelectField(_l("Application"), coerce=coerce_id, validate_choice=False)
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(message=_l("Give a reason.")), Length(max=2000)]
    )


class SessionForm(FlaskForm):
    name = StringField(
        _l("Name of the session"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("e.g. 第一场路演"),
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    scheduled_at = DateTimeLocalField(
        _l("Date and time (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
