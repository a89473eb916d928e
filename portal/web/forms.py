"""Forms: each field says how long it may be, so over-long input gets a message, not an error."""

from __future__ import annotations

import re
import secrets
from typing import Any

import phonenumbers
from flask_babel import format_decimal
from flask_wtf import FlaskForm
from markupsafe import Markup
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
from portal.web import widgets
from portal.web.catalogue import WtformsTranslations
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l

WTFORMS_TRANSLATIONS = WtformsTranslations()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(_form: FlaskForm, field: StringField) -> None:
    if field.data and not _EMAIL.match(field.data.strip()):
        raise ValidationError(_l("Enter an email address like name@example.com."))


def new_once() -> str:
    """A random key for one drawing of one form: posting it twice acts once (services.submissions)."""
    return secrets.token_urlsafe(18)


def _version(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return -1  # a version no item has: the decision is refused as out of date, never applied


class PortalForm(FlaskForm):
    """Every form of the portal; WTForms' own messages come in the page's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: FlaskForm) -> WtformsTranslations:
            return WTFORMS_TRANSLATIONS

        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Markup:
            """The widgets the portal uses are drawn by portal.web.widgets (the same HTML, faster);
            any other by WTForms itself."""
            html = widgets.render(field, render_kw)
            return super().render_field(field, render_kw) if html is None else html


class ActionForm(PortalForm):
    """A form that changes something: acted on once (its key), on what the person saw (its version)."""

    once = HiddenField(default=new_once, validators=[Length(max=64)])
    seen = HiddenField(filters=[_version])


class SignInForm(PortalForm):
    email = StringField(
        _l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)]
    )


class CodeForm(PortalForm):
    code = StringField(
        _l("6-digit code from your authenticator app"),
        validators=[DataRequired(_l("Enter the 6-digit code.")), Length(max=12, message=_l("The code has 6 digits."))],
    )


class ChoosePasswordForm(PortalForm):
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(_l("Choose a password.")), Length(max=PASSWORD_MAX)],
    )
    confirm = PasswordField(
        _l("Type the same password again"),
        validators=[
            DataRequired(_l("Type your password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ForgottenPasswordForm(PortalForm):
    email = StringField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254), email_address],
    )


class ResetPasswordForm(ChoosePasswordForm):
    code = StringField(_l("6-digit code from your authenticator app"), validators=[Optional(), Length(max=12)])


def uk_mobile(_form: FlaskForm, field: StringField) -> None:
    """A mobile number that can take a text message; kept in E.164 form ("+447911123456")."""
    if not field.data or not field.data.strip():
        field.data = ""
        return
    wrong = ValidationError(_l("Enter a mobile number, like 07911 123456."))
    try:
        number = phonenumbers.parse(field.data, "GB")
    except phonenumbers.NumberParseException as error:
        raise wrong from error
    mobile = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    uk = number.country_code == 44  # texts go to UK mobiles only
    if not uk or not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in mobile:
        raise wrong
    field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class NotificationChoicesForm(PortalForm):
    by_email = BooleanField(_l("Tell me when there is something new"))
    channel = RadioField(
        _l("How should we tell you?"),
        choices=[SelectChoice("email", _l("By email")), SelectChoice("sms", _l("By text message"))],
        default="email",
        validators=[Optional()],
    )
    phone = StringField(_l("Mobile number for text messages"), validators=[Optional(), Length(max=32), uk_mobile])

    def validate_channel(self, field: RadioField) -> None:
        if field.data == "sms" and not (self.phone.data or "").strip():
            raise ValidationError(_l("Enter the mobile number to send text messages to."))

    daily_digest = BooleanField(_l("Send me a daily email when things are waiting for me"))
    address = StringField(
        _l("Send notifications to this address instead (optional)"),
        validators=[Optional(), Length(max=254), email_address],
    )
    current = PasswordField(
        _l("Your password (needed only to change where we send them)"),
        validators=[Optional(), Length(max=PASSWORD_MAX)],
    )


class ChangePasswordForm(ChoosePasswordForm):
    current = PasswordField(
        _l("Your current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=PASSWORD_MAX)],
    )


class InvitationDelivery(PortalForm):
    """How the link reaches them: by email from the portal, or shown once to pass on by hand
    (for someone without email, or when email is not safe for them)."""

    delivery = RadioField(
        _l("How should the link reach them?"),
        choices=[
            SelectChoice("email", _l("Email it to this address now")),
            SelectChoice("link", _l("Show me the link, to pass on myself")),
        ],
        default="email",
        validators=[InputRequired(_l("Choose how the link should reach them."))],
    )
    email_language = RadioField(
        _l("Language of the email"),
        choices=[SelectChoice("en", "English"), SelectChoice("cy", "Cymraeg")],  # each in its own language
        default="en",
        validators=[InputRequired(_l("Choose the language of the email."))],
    )


class InviteForm(InvitationDelivery):
    name = StringField(_l("Their name"), validators=[DataRequired(_l("Enter their name.")), Length(max=120)])
    email = StringField(
        _l("Their email address"),
        validators=[DataRequired(_l("Enter their email address.")), Length(max=254), email_address],
    )


class InviteStaffForm(InviteForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("facilitator", _l("Facilitator")), SelectChoice("admin", _l("Administrator"))],
    )


# --- The exchange -------------------------------------------------------------------------------


def _choices(pairs: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs.items()]


REFERRAL_SOURCES = {
    "police": _l("Police"),
    "victim_service": _l("Victim service"),
    "youth_offending_team": _l("Youth offending team"),
    "prison": _l("Prison"),
    "probation": _l("Probation"),
    "self_referral": _l("Self-referral"),
}
RISK_LEVELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
SIDES = {"harmed": _l("The person harmed"), "responsible": _l("The person responsible")}
PARTICIPANT_ROLES = {
    "principal": _l("Principal (speaks for themself)"),
    "proxy": _l("Proxy (stands in for the principal)"),
    "supporter": _l("Supporter (reads what their person receives)"),
}
TAKING_PART = {"portal": _l("Uses the portal"), "offline": _l("Offline: I act for them (prison, no internet, paper)")}
STAGES = {
    "referral": _l("Referral"),
    "assessment": _l("Assessment"),
    "preparation": _l("Preparation"),
    "exchange": _l("Exchange"),
    "agreement": _l("Agreement"),
    "follow_up": _l("Follow-up"),
    "closed": _l("Closed"),
    "paused": _l("Paused"),
    "withdrawn": _l("Withdrawn"),
}


class OpenCaseForm(ActionForm):
    reference = StringField(
        _l("Referral reference"), validators=[DataRequired(_l("Enter the referral reference.")), Length(max=60)]
    )
    offence_type = StringField(
        _l("Type of offence"), validators=[DataRequired(_l("Enter the type of offence.")), Length(max=120)]
    )
    source = SelectField(_l("Referred by"), choices=_choices(REFERRAL_SOURCES))
    referred_on = DateField(_l("Date of referral"), validators=[DataRequired(_l("Enter the date of referral."))])
    offence_on = DateField(_l("Date of the offence (if known)"), validators=[Optional()])
    risk_level = SelectField(_l("Initial risk level"), choices=_choices(RISK_LEVELS))


class ParticipantForm(ActionForm):
    name = StringField(
        _l("Their name (only facilitators see it)"), validators=[DataRequired(_l("Enter their name.")), Length(max=120)]
    )
    side = SelectField(_l("Side"), choices=_choices(SIDES))
    role = SelectField(_l("Role"), choices=_choices(PARTICIPANT_ROLES))
    relationship = StringField(_l("Relationship, as the other side will read it"), validators=[Length(max=80)])
    display_name = StringField(
        _l("Name shown to the other side (leave blank for the default)"), validators=[Length(max=80)]
    )
    taking_part = SelectField(_l("How they take part"), choices=_choices(TAKING_PART))
    may_write = BooleanField(_l("A supporter who may write"))
    sensitive_terms = TextAreaField(
        _l("Names, places, workplaces and schools that must never reach the other side"), validators=[Length(max=4000)]
    )


class InviteParticipantForm(InvitationDelivery):
    email = StringField(
        _l("Their email address"),
        validators=[DataRequired(_l("Enter their email address.")), Length(max=254), email_address],
    )


class StageForm(ActionForm):
    # No stage is chosen until the facilitator chooses one: closing is final, so it is never the default.
    stage = SelectField(
        _l("Move the case to"),
        choices=[SelectChoice("", _l("Choose a stage")), *_choices(STAGES)],
        default="",
        validators=[DataRequired(_l("Choose the stage to move the case to."))],
    )
    confirmed = HiddenField()


class AssignForm(ActionForm):
    email = StringField(
        _l("Email address of the facilitator to add"),
        validators=[DataRequired(_l("Enter their email address.")), Length(max=254)],
    )


class ReleaseForm(ActionForm):
    when = RadioField(
        _l("When"), choices=[SelectChoice("now", _l("Now")), SelectChoice("later", _l("At a set time"))], default="now"
    )
    release_at = DateTimeLocalField(_l("Date and time (UK time)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")


class TextListField(Field):
    """Every value posted under one name, in order (the boxes of a question set, say)."""

    data: list[str]

    def __init__(
        self,
        label: str = "",
        validators=None,
        max_length: int = 20_000,
        max_items: int = 100,
        too_long: str | None = None,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.max_length = max_length
        self.max_items = max_items
        self.too_long = too_long  # what to say when one value is too long, if not the general words

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = list(valuelist)

    def process_data(self, value: object) -> None:
        self.data = list(value) if isinstance(value, list | tuple) else []

    def pre_validate(self, form: FlaskForm) -> None:
        if len(self.data) > self.max_items:
            raise ValidationError(_("Please keep to %(number)s boxes at most.", number=format_decimal(self.max_items)))
        if any(len(text) > self.max_length for text in self.data):
            if self.too_long:
                raise ValidationError(str(self.too_long))
            raise ValidationError(
                _(
                    "Each part can be up to %(number)s characters. Please shorten it, or split it into two.",
                    number=format_decimal(self.max_length),
                )
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
    # The file input on the writing page belongs to this form; saving or sending the words sends
    # only its name (never kept), which says a chosen file has not been added yet.
    file = StringField()
    language = RadioField(
        _l("This is written in"),
        choices=[SelectChoice("en", "English"), SelectChoice("cy", "Cymraeg")],  # each in its own language
        validators=[Optional()],
    )


class ConfirmForm(ActionForm):
    read_back = BooleanField(_l("I read this note back to them and they agreed it says what they meant"))


class OpenForm(ActionForm):
    tell_writer = BooleanField(_l("Let the writer know I have read it"))


REVIEW_CHOICES = {
    "approve": _l("Approve it (removing anything ticked or listed above)"),
    "return": _l("Return it to the writer for changes"),
    "withhold": _l("Withhold it: it will never be passed on"),
}
MAX_REASON_LENGTH = 200


MAX_PASSAGES = 50


class ReviewForm(ActionForm):
    suggestion = TextListField(max_length=64, max_items=2_000)  # the keys of what stays ticked
    checked = BooleanField(_l("I have checked this: what I am leaving in is safe to pass on"))
    passage = TextListField(
        max_length=MAX_PART_LENGTH,
        max_items=MAX_PASSAGES,
        too_long=_l("Please keep each passage under 20,000 characters."),
    )
    passage_reason = TextListField(
        max_length=MAX_REASON_LENGTH, max_items=MAX_PASSAGES, too_long=_l("Please keep the reason to 200 characters.")
    )
    step = StringField()  # the button pressed
    decision = RadioField(
        _l("What to do"),
        choices=_choices(REVIEW_CHOICES),
        validators=[InputRequired(_l("Please choose what to do with it."))],
        validate_choice=False,
    )
    message = TextAreaField(
        _l("Message to the writer (needed to return or withhold)"),
        validators=[Length(max=MAX_PART_LENGTH, message=_l("Please keep the message under 20,000 characters."))],
    )
    note = TextAreaField(
        _l("A note for the facilitator who approves it next (optional)"),
        validators=[Length(max=MAX_PART_LENGTH, message=_l("Please keep the note under 20,000 characters."))],
    )

    @property
    def redraw_only(self) -> bool:
        """A button that only redraws the page (a drafted message, more boxes): nothing is recorded."""
        return self.step.data in ("prefill", "more")

    def validate_decision(self, field: RadioField) -> None:
        if field.data not in REVIEW_CHOICES:
            raise ValidationError(_l("Please choose what to do with it."))


class ConsentForm(ActionForm):
    format = HiddenField(validators=[DataRequired()])
    given = HiddenField()
