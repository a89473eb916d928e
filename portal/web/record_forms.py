"""Forms of the casework record: a case note, a contact, a meeting, and holding a meeting.

Each one acts once (its hidden `once` key, from `ActionForm`). Choices that depend on the case
(its people, its facilitators) are filled in by the view. The rules themselves (a date not in
the future, a venue for a meeting in person, two facilitators at a conference) are the domain's.
"""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.domain.enums import ContactMethod, ContactPurpose, Feeling, MeetingMode
from portal.web.catalogue import lazy_gettext as _l
from portal.web.forms import ActionForm

MAX_TEXT = 20_000
DATE_MESSAGE = _l("Enter a real date, for example 2025-03-27.")
TIME_MESSAGE = _l("Enter a real date and time, for example 2025-03-27 14:30.")
TOO_LONG = _l("Please keep this under 20,000 characters.")
SOMEONE_ELSE = "other"  # the "with whom" choice for anyone who is not a person of the case

METHODS = {
    ContactMethod.PHONE: _l("Phone call"),
    ContactMethod.VISIT: _l("Visit"),
    ContactMethod.PRISON_VISIT: _l("Prison visit"),
    ContactMethod.VIDEO: _l("Video call"),
    ContactMethod.EMAIL: _l("Email"),
    ContactMethod.LETTER_SENT: _l("Letter sent"),
    ContactMethod.LETTER_RECEIVED: _l("Letter received"),
}
PURPOSES = {
    ContactPurpose.GENERAL: _l("General"),
    ContactPurpose.PREPARATION: _l("Preparation"),
    ContactPurpose.FOLLOW_UP: _l("Follow-up"),
}
FEELINGS = {
    Feeling.BETTER: _l("Better"),
    Feeling.SAME: _l("About the same"),
    Feeling.WORSE: _l("Worse"),
    Feeling.NOT_SAID: _l("They didn't say"),
}
MODES = {MeetingMode.IN_PERSON: _l("In person"), MeetingMode.VIDEO: _l("By video"), MeetingMode.PHONE: _l("By phone")}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value.value, label) for value, label in labels.items()]


def _text(label: object, *, required: str | None = None) -> TextAreaField:
    validators = [DataRequired(required)] if required else []
    return TextAreaField(label, validators=[*validators, Length(max=MAX_TEXT, message=TOO_LONG)])


class NoteForm(ActionForm):
    body = _text(_l("New case note"), required=_l("Write the note before saving it."))


class ContactForm(ActionForm):
    person = SelectField(
        _l("Who was the contact with?"),
        choices=[],
        validators=[DataRequired(_l("Choose who the contact was with."))],
    )
    someone_else = StringField(
        _l("If it was someone else, who (for example: prison offender manager)"),
        validators=[Length(max=200, message=_l("Please keep this to 200 characters."))],
    )
    method = RadioField(
        _l("How"), choices=_choices(METHODS), validators=[InputRequired(_l("Choose how the contact was made."))]
    )
    purpose = RadioField(
        _l("What it was for"),
        choices=_choices(PURPOSES),
        default=ContactPurpose.GENERAL.value,
        validators=[InputRequired(_l("Choose what the contact was for."))],
    )
    happened_on = DateField(
        _l("Date of the contact"),
        validators=[DataRequired(_l("Enter the date of the contact."))],
        invalid_value_message=DATE_MESSAGE,
    )
    how_it_went = _text(_l("How it went"), required=_l("Say how the contact went."))
    next_step = _text(_l("Next step (optional)"))
    next_step_on = DateField(
        _l("Date for the next step (optional)"), validators=[Optional()], invalid_value_message=DATE_MESSAGE
    )
    feeling = RadioField(
        _l("For a follow-up: how do they feel now?"), choices=_choices(FEELINGS), validators=[Optional()]
    )
    feeling_words = _text(_l("For a follow-up: in their own words (optional)"))


class MeetingForm(ActionForm):
    """What both kinds of meeting share; the view fills in the facilitators to choose from."""

    kind = HiddenField()
    mode = RadioField(
        _l("How the meeting takes place"),
        choices=_choices(MODES),
        default=MeetingMode.IN_PERSON.value,
        validators=[InputRequired(_l("Choose how the meeting takes place."))],
    )
    starts_at = DateTimeLocalField(
        _l("Date and time (UK time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Enter the date and time of the meeting."))],
    )
    venue = TextAreaField(
        _l("Where, or how to join"),
        validators=[Length(max=2_000, message=_l("Please keep this to 2,000 characters."))],
    )
    facilitator_1 = SelectField(
        _l("Facilitator"), choices=[], validators=[DataRequired(_l("Choose the facilitator for this meeting."))]
    )
    facilitator_2 = SelectField(_l("Second facilitator"), choices=[], validators=[Optional()])


class PreparationForm(MeetingForm):
    person = SelectField(
        _l("Who the meeting is with"), choices=[], validators=[DataRequired(_l("Choose who the meeting is with."))]
    )


class ConferenceForm(MeetingForm):
    attendees = SelectMultipleField(_l("Who attends"), choices=[], validators=[Optional()])
    ground_rules_agreed = BooleanField(_l("The ground rules are agreed with everyone attending"))
    safety_plan = _text(_l("Safety plan"), required=_l("Write the safety plan for the conference."))


class HoldForm(ActionForm):
    held_on = DateField(
        _l("Date it was held"),
        validators=[DataRequired(_l("Enter the date the meeting was held."))],
        invalid_value_message=DATE_MESSAGE,
    )
    what_happened = _text(_l("What happened"), required=_l("Say what happened at the meeting."))
    ground_rules_agreed = BooleanField(_l("The ground rules were agreed with everyone attending"))
