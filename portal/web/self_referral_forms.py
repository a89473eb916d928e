"""The public "ask for contact" form, and the facilitators' forms to open a case from a request or
close it. Every length limit the pages show comes from here."""

from __future__ import annotations

import phonenumbers
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.domain.enums import SelfReferralCloseReason
from portal.domain.self_referral import AskingFor, ContactWay
from portal.web.catalogue import lazy_gettext as _l
from portal.web.forms import (
    PARTICIPANT_ROLES,
    RISK_LEVELS,
    SIDES,
    TAKING_PART,
    ActionForm,
    PortalForm,
    email_address,
    new_once,
)

NAME_MAX = 120
RELATIONSHIP_MAX = 80
PHONE_MAX = 32
EMAIL_MAX = 254
ADDRESS_MAX = 500
SAFE_TIMES_MAX = 300
UNSAFE_MAX = 2_000
WHAT_HAPPENED_MAX = 4_000
REFERENCE_MAX = 60
CLOSING_WORDS_MAX = 2_000

ASKER_SIDES = {
    "harmed": _l("I was harmed by a crime, or I am asking for someone who was"),
    "responsible": _l("I caused harm, or I am asking for someone who did"),
}
ASKING_FOR = {
    AskingFor.MYSELF.value: _l("Myself"),
    AskingFor.SOMEONE_ELSE.value: _l("Someone else, for example my child or a person I care for"),
}
CONTACT_WAYS = {
    ContactWay.PHONE.value: _l("A phone call"),
    ContactWay.TEXT.value: _l("A text message"),
    ContactWay.EMAIL.value: _l("An email"),
    ContactWay.LETTER.value: _l("A letter"),
    ContactWay.TRUSTED_PERSON.value: _l("Through someone I trust"),
}
LEAVE_MESSAGE = {
    "yes": _l("Yes, you can leave a message"),
    "no": _l("No, please do not leave a message"),
}
CLOSE_REASONS = {
    SelfReferralCloseReason.NOT_ELIGIBLE.value: _l("Not something the service can help with"),
    SelfReferralCloseReason.NO_RESPONSE.value: _l("We could not reach them"),
    SelfReferralCloseReason.DUPLICATE.value: _l("The same request was sent twice"),
    SelfReferralCloseReason.CHANGED_MIND.value: _l("They decided not to go ahead"),
    SelfReferralCloseReason.REFERRED_ELSEWHERE.value: _l("Passed to another service"),
    SelfReferralCloseReason.OTHER.value: _l("Another reason (say which below)"),
}
# Each language named in itself, as the language switch does.
LANGUAGES = {"en": "English", "cy": "Cymraeg"}


def _choices(pairs: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs.items()]


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def phone_number(number: str) -> phonenumbers.PhoneNumber | None:
    """A phone number anyone could dial from the UK, or None."""
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None


def is_mobile(number: phonenumbers.PhoneNumber) -> bool:
    mobile = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.number_type(number) in mobile


class AskForContactForm(PortalForm):
    """Asking the service for contact, without an account. What is typed is kept as typed when
    anything needs putting right; the phone number is stored in E.164 form (`phone_e164`)."""

    once = HiddenField(default=new_once, validators=[Length(max=64)])
    side = RadioField(
        _l("Which of these is closest to you?"),
        choices=_choices(ASKER_SIDES),
        validators=[InputRequired(_l("Please choose the one that is closest to you."))],
    )
    asking_for = RadioField(
        _l("Who are you asking for?"),
        choices=_choices(ASKING_FOR),
        validators=[InputRequired(_l("Please tell us who you are asking for."))],
    )
    name = StringField(
        _l("Your name, or the name you would like us to use"),
        filters=[_stripped],
        validators=[Length(max=NAME_MAX, message=_l("Please keep the name to 120 characters."))],
    )
    relationship = StringField(
        _l("Who are you to them?"),
        filters=[_stripped],
        validators=[Length(max=RELATIONSHIP_MAX, message=_l("Please keep this to 80 characters."))],
    )
    their_name = StringField(
        _l("Their name (you don't have to tell us)"),
        filters=[_stripped],
        validators=[Length(max=NAME_MAX, message=_l("Please keep the name to 120 characters."))],
    )
    contact_way = RadioField(
        _l("How would you like us to contact you?"),
        choices=_choices(CONTACT_WAYS),
        validators=[InputRequired(_l("Please choose how we should contact you."))],
    )
    phone = StringField(
        _l("Phone number"),
        filters=[_stripped],
        validators=[Length(max=PHONE_MAX, message=_l("Please check the phone number."))],
    )
    email = StringField(
        _l("Email address"),
        filters=[_stripped],
        validators=[Length(max=EMAIL_MAX, message=_l("Please check the email address.")), email_address],
    )
    address = TextAreaField(
        _l("Postal address"),
        validators=[Length(max=ADDRESS_MAX, message=_l("Please keep the address to 500 characters."))],
    )
    trusted_person = TextAreaField(
        _l("Who is the person you trust, and how can we reach them?"),
        validators=[Length(max=ADDRESS_MAX, message=_l("Please keep this to 500 characters."))],
    )
    safe_times = TextAreaField(
        _l("When is it safe to contact you? (you don't have to say)"),
        validators=[Length(max=SAFE_TIMES_MAX, message=_l("Please keep this to 300 characters."))],
    )
    may_leave_message = RadioField(
        _l("If you don't answer, can we leave a message?"),
        choices=_choices(LEAVE_MESSAGE),
        validators=[InputRequired(_l("Please tell us if we can leave a message."))],
    )
    unsafe = TextAreaField(
        _l("Is there anything that would make contact unsafe for you? (you don't have to say)"),
        validators=[Length(max=UNSAFE_MAX, message=_l("Please keep this to 2,000 characters."))],
    )
    what_happened = TextAreaField(
        _l("What happened, in a few words (you don't have to say)"),
        validators=[Length(max=WHAT_HAPPENED_MAX, message=_l("Please keep this to 4,000 characters."))],
    )
    reference = StringField(
        _l("Crime reference number, if you have one"),
        filters=[_stripped],
        validators=[Length(max=REFERENCE_MAX, message=_l("Please check the reference number."))],
    )
    language = RadioField(
        _l("Which language should we use with you?"),
        choices=_choices(LANGUAGES),
        validators=[InputRequired(_l("Please choose English or Cymraeg."))],
    )
    # Left empty by people (the page tells screen readers so, and hides it from view); filled in
    # by programs that fill in every box. Instead of a puzzle nobody using a screen reader can do.
    # Named so that no browser's autofill mistakes it for anything a person would fill in.
    extra_box = StringField(_l("Leave this box empty"))

    phone_e164 = ""

    @property
    def from_a_program(self) -> bool:
        return bool((self.extra_box.data or "").strip())

    def validate_phone(self, field: StringField) -> None:
        self.phone_e164 = ""
        if not field.data:
            return
        number = phone_number(field.data)
        if number is None:
            raise ValidationError(_l("Please check the phone number. It should look like 07911 123456."))
        if self.contact_way.data == ContactWay.TEXT.value and not is_mobile(number):
            raise ValidationError(_l("For a text message, please give a mobile number, like 07911 123456."))
        self.phone_e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class OpenFromRequestForm(ActionForm):
    """The case and its first person, prefilled from the request; the facilitator checks both."""

    reference = StringField(
        _l("Referral reference"),
        validators=[DataRequired(_l("Enter the referral reference.")), Length(max=REFERENCE_MAX)],
    )
    offence_type = StringField(
        _l("Type of offence"), validators=[DataRequired(_l("Enter the type of offence.")), Length(max=120)]
    )
    offence_on = DateField(_l("Date of the offence (if known)"), validators=[Optional()])
    risk_level = SelectField(_l("Initial risk level"), choices=_choices(RISK_LEVELS))
    name = StringField(
        _l("Their name (only facilitators see it)"),
        validators=[DataRequired(_l("Enter their name.")), Length(max=NAME_MAX)],
    )
    side = SelectField(_l("Side"), choices=_choices(SIDES))
    role = SelectField(_l("Role"), choices=_choices(PARTICIPANT_ROLES))
    relationship = StringField(_l("Relationship, as the other side will read it"), validators=[Length(max=80)])
    taking_part = SelectField(_l("How they take part"), choices=_choices(TAKING_PART))


class CloseRequestForm(ActionForm):
    reason = RadioField(
        _l("Why are you closing this request?"),
        choices=_choices(CLOSE_REASONS),
        validators=[InputRequired(_l("Please choose why you are closing this request."))],
    )
    words = TextAreaField(
        _l("Anything to add (only facilitators see it)"),
        validators=[Length(max=CLOSING_WORDS_MAX, message=_l("Please keep this to 2,000 characters."))],
    )
