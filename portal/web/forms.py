"""Forms: each field says how long it may be, so over-long input gets a message, not an error."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from portal.services.passwords import MAX_LENGTH as PASSWORD_MAX

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(_form: FlaskForm, field: StringField) -> None:
    if field.data and not _EMAIL.match(field.data.strip()):
        raise ValidationError("Enter an email address like name@example.com.")


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


class OpenCaseForm(FlaskForm):
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


class ParticipantForm(FlaskForm):
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


class RiskForm(FlaskForm):
    risk_level = SelectField("Risk level after assessment", choices=_choices(RISK_LEVELS))


class StageForm(FlaskForm):
    stage = SelectField("Move the case to", choices=_choices(STAGES))


class AssignForm(FlaskForm):
    email = StringField(
        "Email address of the facilitator to add",
        validators=[DataRequired("Enter their email address."), Length(max=254)],
    )


class ReleaseForm(FlaskForm):
    when = RadioField(
        "When", choices=[SelectChoice("now", "Now"), SelectChoice("later", "At a set time")], default="now"
    )
    release_at = DateTimeLocalField("Date and time (UK time)", validators=[Optional()], format="%Y-%m-%dT%H:%M")
