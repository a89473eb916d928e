"""The assessment forms: eligibility of the case, suitability of one person, and the risks."""

from __future__ import annotations

from wtforms import BooleanField, DateField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.domain.enums import AssessmentOutcome, Proceedings, RiskFlag, SupportNeed
from portal.web.catalogue import lazy_gettext as _l
from portal.web.forms import RISK_LEVELS, ActionForm

OUTCOMES = {
    AssessmentOutcome.SUITABLE.value: _l("Suitable"),
    AssessmentOutcome.NEEDS_MORE_WORK.value: _l("Needs more work"),
    AssessmentOutcome.NOT_SUITABLE.value: _l("Not suitable"),
}
PROCEEDINGS = {
    Proceedings.NONE.value: _l("There are no court proceedings"),
    Proceedings.CONCLUDED.value: _l("Court proceedings have concluded"),
    Proceedings.OPEN.value: _l("Court proceedings are still open"),
}
FLAGS = {
    RiskFlag.DOMESTIC_ABUSE.value: _l("Domestic abuse or coercive control"),
    RiskFlag.SEXUAL_VIOLENCE.value: _l("Sexual violence"),
    RiskFlag.STALKING.value: _l("Stalking"),
    RiskFlag.HATE_CRIME.value: _l("Hate crime"),
    RiskFlag.CHILD_PARTICIPANT.value: _l("A child taking part"),
}
NEEDS = {
    SupportNeed.LANGUAGE.value: _l("Language or interpreting"),
    SupportNeed.LITERACY.value: _l("Reading and writing"),
    SupportNeed.DISABILITY.value: _l("Disability"),
    SupportNeed.MENTAL_HEALTH.value: _l("Mental health"),
}
REASONS_MAX = 4000


def _choices(pairs: dict[str, object]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs.items()]


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes in a fieldset (none is a valid answer)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssessmentForm(ActionForm):
    assessed_on = DateField(_l("Date of the assessment"), validators=[DataRequired(_l("Enter the date."))])
    outcome = RadioField(
        _l("Outcome"), choices=_choices(OUTCOMES), validators=[InputRequired(_l("Choose the outcome."))]
    )
    reasons = TextAreaField(
        _l("Reasons"),
        validators=[DataRequired(_l("Write the reasons for the outcome.")), Length(max=REASONS_MAX)],
    )


class EligibilityForm(AssessmentForm):
    identifiable_harmed = BooleanField(_l("There is an identifiable person harmed"))
    identifiable_responsible = BooleanField(_l("There is an identifiable person responsible"))
    admits_responsibility = BooleanField(_l("The person responsible admits responsibility for the harm"))
    proceedings = RadioField(
        _l("Court proceedings"),
        choices=_choices(PROCEEDINGS),
        validators=[InputRequired(_l("Say where court proceedings stand."))],
    )


class SuitabilityForm(AssessmentForm):
    motivation = TextAreaField(
        _l("Motivation: why they want to take part"),
        validators=[DataRequired(_l("Describe their motivation.")), Length(max=REASONS_MAX)],
    )
    capacity = TextAreaField(
        _l("Capacity: whether they can take part safely and understand what it means"),
        validators=[DataRequired(_l("Describe their capacity to take part.")), Length(max=REASONS_MAX)],
    )
    needs = CheckboxesField(_l("Needs"), choices=_choices(NEEDS), validators=[Optional()])
    needs_detail = TextAreaField(
        _l("What the needs are and how they will be met"), validators=[Length(max=REASONS_MAX)]
    )
    support_in_place = TextAreaField(_l("Support in place"), validators=[Length(max=REASONS_MAX)])


def risk_form(people: list[tuple[str, str]]) -> type[RiskForm]:
    """A risk form with a level and a note for each person taking part (id, label) and for staff."""

    class PeopleRiskForm(RiskForm):
        pass

    for key, label in [*people, ("staff", str(_l("Staff")))]:
        setattr(
            PeopleRiskForm,
            f"level_{key}",
            SelectField(
                _l("Risk to %(person)s", person=label),
                choices=[SelectChoice("", _l("Choose a level")), *_choices(RISK_LEVELS)],
                validators=[DataRequired(_l("Choose the risk to %(person)s.", person=label))],
            ),
        )
        setattr(PeopleRiskForm, f"note_{key}", TextAreaField(_l("What the risk is"), validators=[Length(max=2000)]))
    return PeopleRiskForm


class RiskForm(AssessmentForm):
    flags = CheckboxesField(_l("Needs particular care"), choices=_choices(FLAGS), validators=[Optional()])
    overall = SelectField(
        _l("Overall risk level"),
        choices=[SelectChoice("", _l("Choose a level")), *_choices(RISK_LEVELS)],
        validators=[DataRequired(_l("Choose the overall risk level."))],
    )
