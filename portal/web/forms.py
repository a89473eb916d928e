"""Forms: each field says how long it may be, so over-long input gets a message, not an error."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

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
        choices=[
            SelectChoice("facilitator", "Facilitator"),
            SelectChoice("manager", "Service manager"),
            SelectChoice("admin", "Administrator"),
        ],
    )
