from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from venture.accounts.forms import LOCALE_CHOICES
from venture.forms import IntegerField, coerce_id
from venture.orgs.labels import FIELD_LABELS, choices
from venture.orgs.models import FlagKind, InspectionResult, PartyOrg, Qualification, Rating

_email = Email(message=_l("Enter a valid email address."))


class OrganizationForm(FlaskForm):
    name = StringField(
        FIELD_LABELS["name"],
        validators=[DataRequired(), Length(max=200)],
        description=_l("The full name as on the registration certificate."),
    )
    uscc = StringField(
        FIELD_LABELS["uscc"],
        validators=[DataRequired(), Length(max=40)],
        description=_l(
            "18 characters, on the registration certificate. The type of the "
            "organization is read from it."
        ),
    )
    registration_authority = StringField(
        FIELD_LABELS["registration_authority"], validators=[DataRequired(), Length(max=200)]
    )
    registration_date = DateField(FIELD_LABELS["registration_date"], validators=[DataRequired()])
    legal_representative = StringField(
        FIELD_LABELS["legal_representative"], validators=[DataRequired(), Length(max=100)]
    )
    contact_name = StringField(
        FIELD_LABELS["contact_name"], validators=[DataRequired(), Length(max=100)]
    )
    contact_phone = StringField(
        FIELD_LABELS["contact_phone"], validators=[DataRequired(), Length(max=30)]
    )
    contact_email = EmailField(
        FIELD_LABELS["contact_email"], validators=[Optional(), _email, Length(max=254)]
    )
    address = StringField(FIELD_LABELS["address"], validators=[Optional(), Length(max=300)])
    bank_name = StringField(FIELD_LABELS["bank_name"], validators=[Optional(), Length(max=200)])
    bank_account_name = StringField(
        FIELD_LABELS["bank_account_name"], validators=[Optional(), Length(max=200)]
    )
    bank_account = StringField(
        FIELD_LABELS["bank_account"], validators=[Optional(), Length(max=40)]
    )
    rating = SelectField(FIELD_LABELS["rating"], choices=choices(Rating), default=Rating.NONE.value)
    rating_date = DateField(
        FIELD_LABELS["rating_date"],
        validators=[Optional()],
        description=_l("A rating is valid for five years."),
    )
    annual_inspection = SelectField(
        FIELD_LABELS["annual_inspection"],
        choices=choices(InspectionResult),
        default=InspectionResult.NOT_INSPECTED.value,
    )
    annual_inspection_year = IntegerField(
        FIELD_LABELS["annual_inspection_year"], validators=[Optional()]
    )
    charter_scope = TextAreaField(
        FIELD_LABELS["charter_scope"],
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    party_org = SelectField(
        FIELD_LABELS["party_org"], choices=choices(PartyOrg), default=PartyOrg.NONE.value
    )
    party_members = IntegerField(
        FIELD_LABELS["party_members"],
        validators=[Optional(), NumberRange(min=0, max=100000)],
        default=0,
    )
    party_instructor = StringField(
        FIELD_LABELS["party_instructor"], validators=[Optional(), Length(max=100)]
    )
    past_awards = TextAreaField(
        FIELD_LABELS["past_awards"],
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )

    def validate_uscc(self, field):
        """The code's own rules (length, characters, check character, civil affairs) checked
        with the other fields, so a wrong check character shows on the first submit beside the
        other errors rather than only once everything else is right."""
        from venture.errors import ValidationError as CodeProblem
        from venture.orgs.services.organizations import check_code

        if not (field.data or "").strip():
            return  # DataRequired says so
        try:
            check_code(field.data)
        except CodeProblem as problem:
            raise FieldError(str(problem.message)) from None

    def profile(self) -> dict:
        from venture.orgs.services import PROFILE_FIELDS

        return {name: getattr(self, name).data for name in PROFILE_FIELDS}


class InviteMemberForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), _email, Length(max=254)])
    name = StringField(
        _l("Name"),
        validators=[Optional(), Length(max=100)],
        description=_l("For a new account; an existing account keeps its name."),
    )
    locale = SelectField(_l("Language of the invitation"), choices=LOCALE_CHOICES)


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Sent to every member of the organization."),
        render_kw={"rows": 3},
    )


class FlagForm(FlaskForm):
    kind = SelectField(_l("List"), choices=choices(FlagKind))
    listed_on = DateField(_l("Listed on"), validators=[DataRequired()])
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class EndFlagForm(FlaskForm):
    removed_on = DateField(_l("Removed from the list on"), validators=[DataRequired()])
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class SocialWorkerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    qualification = SelectField(
        _l("Social-work qualification"),
        choices=choices(Qualification),
        default=Qualification.NONE.value,
    )
    certificate_no = StringField(
        _l("Certificate number"),
        validators=[Optional(), Length(max=60)],
        description=_l("Required unless the person has no qualification."),
    )
    education = StringField(_l("Education"), validators=[Optional(), Length(max=60)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])


class AreaForm(FlaskForm):
    name = StringField(_l("Place name"), validators=[DataRequired(), Length(max=100)])
    code = StringField(_l("Area code"), validators=[Optional(), Length(max=20)])
    parent_id = HiddenField()


class AttachLiaisonForm(FlaskForm):
    user_id = SelectField(_l("Liaison"), coerce=coerce_id, validators=[DataRequired()])


class InviteLiaisonForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), _email, Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    locale = SelectField(_l("Language of the invitation"), choices=LOCALE_CHOICES)


class ImportForm(FlaskForm):
    file = FileField(
        _l("Excel sheet (.xlsx)"), validators=[FileRequired(message=_l("Choose a file."))]
    )
