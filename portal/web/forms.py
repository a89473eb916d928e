"""Forms: each field says how long it may be, so over-long input gets a message, not an error."""

from __future__ import annotations

import re
import secrets

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Field,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from portal.services.passwords import MAX_LENGTH as PASSWORD_MAX

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(_form: FlaskForm, field: StringField) -> None:
    if field.data and not _EMAIL.match(field.data.strip()):
        raise ValidationError("Enter an email address like name@example.com.")


def new_once() -> str:
    """A random key for one drawing of one form: posting it twice acts once (services.submissions)."""
    return secrets.token_urlsafe(18)


def _version(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return -1  # a version no item has: the decision is refused as out of date, never applied


class ActionForm(FlaskForm):
    """A form that changes something: acted on once (its key), on what the person saw (its version)."""

    once = HiddenField(default=new_once, validators=[Length(max=64)])
    seen = HiddenField(filters=[_version])


class SignInForm(FlaskForm):
    email = StringField("Email address", validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)])


class CodeForm(FlaskForm):
    code = StringField(
        "6-digit code from your authenticator app",
        validators=[DataRequired("Enter the 6-digit code."), Length(max=12, message="The code has 6 digits.")],
    )


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(
        "Choose a password",
        validators=[DataRequired("Choose a password."), Length(max=PASSWORD_MAX)],
    )
    confirm = PasswordField(
        "Type the same password again",
        validators=[
            DataRequired("Type your password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
    )


class ChangePasswordForm(ChoosePasswordForm):
    current = PasswordField(
        "Your current password", validators=[DataRequired("Enter your current password."), Length(max=PASSWORD_MAX)]
    )


class InviteForm(FlaskForm):
    name = StringField("Their name", validators=[DataRequired("Enter their name."), Length(max=120)])
    email = StringField(
        "Their email address",
        validators=[DataRequired("Enter their email address."), Length(max=254), email_address],
    )


class InviteStaffForm(InviteForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice("facilitator", "Facilitator"), SelectChoice("admin", "Administrator")],
    )


# --- The exchange -------------------------------------------------------------------------------


def _choices(pairs: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs.items()]


REFERRAL_SOURCES = {
    "police": "Police",
    "victim_service": "Victim service",
    "youth_offending_team": "Youth offending team",
    "prison": "Prison",
    "probation": "Probation",
    "self_referral": "Self-referral",
}
RISK_LEVELS = {"low": "Low", "medium": "Medium", "high": "High"}
SIDES = {"harmed": "The person harmed", "responsible": "The person responsible"}
PARTICIPANT_ROLES = {
    "principal": "Principal (speaks for themself)",
    "proxy": "Proxy (stands in for the principal)",
    "supporter": "Supporter (reads what their person receives)",
}
TAKING_PART = {"portal": "Uses the portal", "offline": "Offline: I act for them (prison, no internet, paper)"}
STAGES = {
    "referral": "Referral",
    "assessment": "Assessment",
    "preparation": "Preparation",
    "exchange": "Exchange",
    "agreement": "Agreement",
    "follow_up": "Follow-up",
    "closed": "Closed",
    "paused": "Paused",
    "withdrawn": "Withdrawn",
}


class OpenCaseForm(ActionForm):
    reference = StringField(
        "Referral reference", validators=[DataRequired("Enter the referral reference."), Length(max=60)]
    )
    offence_type = StringField(
        "Type of offence", validators=[DataRequired("Enter the type of offence."), Length(max=120)]
    )
    source = SelectField("Referred by", choices=_choices(REFERRAL_SOURCES))
    referred_on = DateField("Date of referral", validators=[DataRequired("Enter the date of referral.")])
    offence_on = DateField("Date of the offence (if known)", validators=[Optional()])
    risk_level = SelectField("Initial risk level", choices=_choices(RISK_LEVELS))


class ParticipantForm(ActionForm):
    name = StringField(
        "Their name (only facilitators see it)", validators=[DataRequired("Enter their name."), Length(max=120)]
    )
    side = SelectField("Side", choices=_choices(SIDES))
    role = SelectField("Role", choices=_choices(PARTICIPANT_ROLES))
    relationship = StringField("Relationship, as the other side will read it", validators=[Length(max=80)])
    display_name = StringField(
        "Name shown to the other side (leave blank for the default)", validators=[Length(max=80)]
    )
    taking_part = SelectField("How they take part", choices=_choices(TAKING_PART))
    may_write = BooleanField("A supporter who may write")
    sensitive_terms = TextAreaField(
        "Names, places, workplaces and schools that must never reach the other side", validators=[Length(max=4000)]
    )


class InviteParticipantForm(FlaskForm):
    email = StringField(
        "Their email address",
        validators=[DataRequired("Enter their email address."), Length(max=254), email_address],
    )


class RiskForm(ActionForm):
    risk_level = SelectField("Risk level after assessment", choices=_choices(RISK_LEVELS))


class StageForm(ActionForm):
    # No stage is chosen until the facilitator chooses one: closing is final, so it is never the default.
    stage = SelectField(
        "Move the case to",
        choices=[SelectChoice("", "Choose a stage"), *_choices(STAGES)],
        default="",
        validators=[DataRequired("Choose the stage to move the case to.")],
    )
    confirmed = HiddenField()


class AssignForm(ActionForm):
    email = StringField(
        "Email address of the facilitator to add",
        validators=[DataRequired("Enter their email address."), Length(max=254)],
    )


class ReleaseForm(ActionForm):
    when = RadioField(
        "When", choices=[SelectChoice("now", "Now"), SelectChoice("later", "At a set time")], default="now"
    )
    release_at = DateTimeLocalField("Date and time (UK time)", validators=[Optional()], format="%Y-%m-%dT%H:%M")


class TextListField(Field):
    """Every value posted under one name, in order (the boxes of a question set, say)."""

    data: list[str]

    def __init__(self, label: str = "", validators=None, max_length: int = 20_000, max_items: int = 100, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_length = max_length
        self.max_items = max_items

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = list(valuelist)

    def process_data(self, value: object) -> None:
        self.data = list(value) if isinstance(value, list | tuple) else []

    def pre_validate(self, form: FlaskForm) -> None:
        if len(self.data) > self.max_items:
            raise ValidationError(f"Please keep to {self.max_items} boxes at most.")
        if any(len(text) > self.max_length for text in self.data):
            raise ValidationError(
                f"Each part can be up to {self.max_length:,} characters. Please shorten it, or split it into two."
            )


class ButtonForm(ActionForm):
    """A single button: its CSRF token, its key, and the version of what it acts on."""


class StartForm(ActionForm):
    kind = HiddenField(validators=[DataRequired()])
    author = HiddenField()
    question_set = HiddenField()


MAX_PART_LENGTH = 20_000


class WritingForm(ActionForm):
    part = TextListField(max_length=MAX_PART_LENGTH, max_items=30)
    action = HiddenField()  # the button pressed: "save" or "submit"


class ConfirmForm(ActionForm):
    read_back = BooleanField("I read this note back to them and they agreed it says what they meant")


class OpenForm(ActionForm):
    tell_writer = BooleanField("Let the writer know I have read it")


REVIEW_CHOICES = {
    "approve": "Approve it (removing anything ticked or listed above)",
    "return": "Return it to the writer for changes",
    "withhold": "Withhold it: it will never be passed on",
}
MAX_REASON_LENGTH = 200


class ReviewForm(ActionForm):
    suggestion = TextListField(max_length=64, max_items=2_000)
    checked = BooleanField("I have checked this: anything I unticked is safe to pass on")
    passages = TextAreaField(
        "Other passages to remove",
        validators=[Length(max=MAX_PART_LENGTH, message="Please keep the passages under 20,000 characters.")],
    )
    passage_reason = StringField(
        "Reason for removing those passages",
        validators=[
            Length(max=MAX_REASON_LENGTH, message=f"Please keep the reason to {MAX_REASON_LENGTH} characters.")
        ],
    )
    decision = RadioField(
        "What to do",
        choices=_choices(REVIEW_CHOICES),
        validators=[InputRequired("Please choose what to do with it.")],
        validate_choice=False,
    )
    message = TextAreaField(
        "Message to the writer (needed to return or withhold)",
        validators=[Length(max=MAX_PART_LENGTH, message="Please keep the message under 20,000 characters.")],
    )

    def validate_decision(self, field: RadioField) -> None:
        if field.data not in REVIEW_CHOICES:
            raise ValidationError("Please choose what to do with it.")


class ConsentForm(ActionForm):
    format = HiddenField(validators=[DataRequired()])
    given = HiddenField()
