"""The outcome agreement and the satisfaction question: thin views over `services.agreements`.

A case the person may not see is a 404, the same as one that does not exist. A rule of the
exchange that stops an action shows its own message on the page, with everything typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, Field, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from portal.domain.agreement import Agreement, AgreementAction
from portal.domain.calendar import UK
from portal.domain.enums import ActionKind, Role, Side
from portal.domain.errors import DomainError, NotAllowed
from portal.runtime import unit_of_work
from portal.services import agreements, casework
from portal.services.casework import CaseContext
from portal.services.clock import today_in_uk
from portal.services.uow import UnitOfWork
from portal.web import i18n
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.exchange_context import actor, case_or_404
from portal.web.forms import ActionForm
from portal.web.messages import refusal
from portal.web.words import SATISFACTION_QUESTION

bp = Blueprint("agreement", __name__)

ROWS = 5  # action rows on the drafting form; blank ones are ignored
ACTION_LABELS = {
    ActionKind.APOLOGY: _l("Apology"),
    ActionKind.REPAIR: _l("Repair the damage"),
    ActionKind.PAYMENT: _l("Payment"),
    ActionKind.UNPAID_WORK: _l("Unpaid work"),
    ActionKind.NO_CONTACT: _l("No contact"),
}
SIDE_TITLES = {Side.HARMED: _l("The person harmed"), Side.RESPONSIBLE: _l("The person responsible")}
DATE_MESSAGE = _l("Enter a real date, for example 2025-03-27.")
SCORE_MESSAGE = _l("Please choose a number from 1 to 5.")
SCORES = {"1": _l("1 (not happy at all)"), "2": "2", "3": "3", "4": "4", "5": _l("5 (very happy)")}
KIND_CHOICES = [SelectChoice("", _l("Choose an action")), *(SelectChoice(k.value, v) for k, v in ACTION_LABELS.items())]
OWNER_CHOICES = [SelectChoice("", _l("Choose who")), *(SelectChoice(s.value, SIDE_TITLES[s]) for s in Side)]


def long_date(value: date | datetime) -> str:
    """'3 March 2025' (or '3 Mawrth 2025'): plain to read, in UK time and the page's language."""
    if isinstance(value, datetime):
        value = value.astimezone(UK).date()
    return i18n.long_date(value)


# --- Forms (kept here, beside the only views that use them) -------------------------------------


@dataclass(frozen=True)
class ActionRow:
    """One numbered row of the drafting form."""

    number: int
    kind: Field
    owner: Field
    details: Field
    due_on: Field

    @property
    def blank(self) -> bool:
        typed_date = (self.due_on.raw_data or [""])[0].strip()
        return not (self.kind.data or self.owner.data or (self.details.data or "").strip() or typed_date)


class DraftForm(ActionForm):
    follow_up_on = DateField(
        _l("Follow-up date"),
        validators=[DataRequired(_l("Enter the follow-up date."))],
        invalid_value_message=DATE_MESSAGE,
    )

    def rows(self) -> list[ActionRow]:
        return [
            ActionRow(n, self[f"kind_{n}"], self[f"owner_{n}"], self[f"details_{n}"], self[f"due_on_{n}"])
            for n in range(1, ROWS + 1)
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        """A row that is started must say what, who and by when; empty rows are left out."""
        valid = super().validate(extra_validators)
        for row in self.rows():
            if row.blank:
                continue
            for field, message in (
                (row.kind, _("Choose what action %(number)s is.", number=row.number)),
                (row.owner, _("Choose who does action %(number)s.", number=row.number)),
                (row.due_on, _("Enter the date action %(number)s is due by.", number=row.number)),
            ):
                if not field.data and not field.errors:
                    field.errors.append(message)
                    valid = False
        return valid

    def actions(self) -> list[AgreementAction]:
        return [
            AgreementAction(ActionKind(r.kind.data), Side(r.owner.data), r.due_on.data, r.details.data or "")
            for r in self.rows()
            if not r.blank
        ]

    @staticmethod
    def data_for(agreement: Agreement | None) -> dict[str, object]:
        """The current agreement as form data, so drafting again starts from it."""
        if agreement is None:
            return {}
        data: dict[str, object] = {"follow_up_on": agreement.follow_up_on}
        for n, action in enumerate(agreement.actions[:ROWS], start=1):
            data |= {
                f"kind_{n}": action.kind.value,
                f"owner_{n}": action.owner.value,
                f"details_{n}": action.details,
                f"due_on_{n}": action.due_on,
            }
        return data


# The numbered rows, as plain fields so the error summary can link to each one.
for _n in range(1, ROWS + 1):
    setattr(DraftForm, f"kind_{_n}", SelectField(_l("What the action is"), choices=KIND_CHOICES, default=""))
    setattr(DraftForm, f"owner_{_n}", SelectField(_l("Who does it"), choices=OWNER_CHOICES, default=""))
    setattr(
        DraftForm,
        f"details_{_n}",
        StringField(
            _l("Details (optional)"),
            validators=[
                Length(
                    max=300, message=_l("Please keep the details of action %(number)s to 300 characters.", number=_n)
                )
            ],
        ),
    )
    setattr(
        DraftForm, f"due_on_{_n}", DateField(_l("Due by"), validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    )


class AgreeForm(ActionForm):
    side = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        """The side comes from the button pressed, so a wrong one is told above the page, not beside a box."""
        if not super().validate(extra_validators):
            return False
        if self.side.data not in {s.value for s in Side}:
            self.form_errors.append(_("Choose which side agrees."))
            return False
        return True


class DoneForm(ActionForm):
    done_on = DateField(
        _l("Date it was done"),
        validators=[DataRequired(_l("Enter the date it was done."))],
        invalid_value_message=DATE_MESSAGE,
    )

    def validate_done_on(self, field: DateField) -> None:
        if field.data and field.data > today_in_uk():
            raise ValidationError(_("The date it was done can't be in the future."))


class SatisfactionForm(ActionForm):
    score = RadioField(
        SATISFACTION_QUESTION,
        choices=[SelectChoice(value, label) for value, label in SCORES.items()],
        validate_choice=False,  # AnyOf gives the plain message instead of "Not a valid choice"
        validators=[InputRequired(SCORE_MESSAGE), AnyOf(list(SCORES), message=SCORE_MESSAGE)],
    )
    comment = TextAreaField(
        _l("Anything else you would like to tell us? (optional)"),
        validators=[Length(max=2000, message=_l("Please keep your comment to 2,000 characters."))],
    )


class RecordSatisfactionForm(SatisfactionForm):
    """A facilitator records the answer of someone taking part offline."""

    participant = SelectField(_l("Whose answer this is"), choices=[])


# --- Helpers ---------------------------------------------------------------------------------------


def _load(case_id: UUID) -> tuple[UnitOfWork, CaseContext]:
    return unit_of_work(), case_or_404(case_id)


def _refuse(form: FlaskForm, problem: DomainError) -> int:
    """Show the rule's message above the form; 403 for someone who may never do it."""
    form.form_errors.append(refusal(problem))
    return 403 if isinstance(problem, NotAllowed) else 400


def _render(template: str, **context: object) -> str:
    return render_template(template, action_labels=ACTION_LABELS, long_date=long_date, **context)


def _show_page(
    uow: UnitOfWork, context: CaseContext, failed: FlaskForm | None = None, failed_index: int | None = None
) -> str:
    agreement = agreements.current(uow, context)
    allowed = agreements.options(context, agreement)
    done_forms = {}
    for index in sorted(allowed.may_mark_done):
        form = (
            failed
            if index == failed_index and isinstance(failed, DoneForm)
            else DoneForm(formdata=None, done_on=today_in_uk())
        )
        form.done_on.id = f"done-on-{index}"  # one date box per action, each with its own label
        done_forms[index] = form
    ask_satisfaction = context.me is None or context.me.id in agreements.may_answer_for(uow, context)
    return _render(
        "agreement/show.html",
        case_id=context.row.id,
        agreement=agreement,
        options=allowed,
        agreed={a.side: a for a in agreement.agreed} if agreement else {},
        sides=list(Side),
        done_forms=done_forms,
        failed=failed,
        staff=context.me is None,
        ask_satisfaction=ask_satisfaction,
    )


# --- The agreement ----------------------------------------------------------------------------------


@bp.get("/cases/<uuid:case_id>/agreement")
@roles(Role.PARTICIPANT, Role.FACILITATOR, Role.MANAGER)
def show(case_id: UUID) -> str:
    uow, context = _load(case_id)
    return _show_page(uow, context)


@bp.route("/cases/<uuid:case_id>/agreement/draft", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def draft(case_id: UUID) -> Response | tuple[str, int]:
    uow, context = _load(case_id)
    existing = agreements.current(uow, context)
    form = DraftForm() if request.method == "POST" else DraftForm(data=DraftForm.data_for(existing))
    status = 400
    if form.validate_on_submit():
        try:
            agreements.draft(uow, actor(), case_id, form.actions(), form.follow_up_on.data, once=form.once.data)
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            flash(_("The agreement is saved. Each side now needs to agree to it."), "success")
            return redirect(url_for(".show", case_id=case_id))
    page = _render("agreement/draft.html", case_id=case_id, form=form, redrafting=existing is not None)
    return page, status if form.errors else 200


@bp.post("/cases/<uuid:case_id>/agreement/agree")
@roles(Role.PARTICIPANT, Role.FACILITATOR)
def agree(case_id: UUID) -> Response | tuple[str, int]:
    """Participants agree for their own side; a facilitator records it for a side (offline, say)."""
    form = AgreeForm()
    status = 400
    if form.validate_on_submit():
        side = Side(form.side.data)
        try:
            agreements.agree(unit_of_work(), actor(), case_id, side, once=form.once.data)
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            if actor().role == Role.FACILITATOR:
                flash(
                    _("You recorded that the person harmed agrees.")
                    if side == Side.HARMED
                    else _("You recorded that the person responsible agrees."),
                    "success",
                )
            else:
                flash(_("Thank you. Your facilitator can see that you agreed."), "success")
            return redirect(url_for(".show", case_id=case_id))
    uow, context = _load(case_id)
    return _show_page(uow, context, failed=form), status


@bp.post("/cases/<uuid:case_id>/agreement/actions/<int:index>/done")
@roles(Role.FACILITATOR)
def mark_done(case_id: UUID, index: int) -> Response | tuple[str, int]:
    form = DoneForm()
    form.done_on.id = f"done-on-{index}"
    status = 400
    if form.validate_on_submit():
        try:
            agreements.mark_done(unit_of_work(), actor(), case_id, index, form.done_on.data, once=form.once.data)
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            flash(_("Action %(number)s is marked as done.", number=index + 1), "success")
            return redirect(url_for(".show", case_id=case_id))
    uow, context = _load(case_id)
    return _show_page(uow, context, failed=form, failed_index=index), status


# --- Satisfaction -------------------------------------------------------------------------------------


def _satisfaction_form(uow: UnitOfWork, context: CaseContext) -> SatisfactionForm:
    if context.me is not None:
        return SatisfactionForm()
    form = RecordSatisfactionForm()
    people = {p.id: p for p in context.case.participants}
    form.participant.choices = [
        SelectChoice(
            str(pid),
            _("%(name)s (the person harmed)", name=casework.participant_name(uow, context, pid))
            if people[pid].side == Side.HARMED
            else _("%(name)s (the person responsible)", name=casework.participant_name(uow, context, pid)),
        )
        for pid in agreements.may_answer_for(uow, context)
    ]
    return form


def _satisfaction_page(uow: UnitOfWork, context: CaseContext, form: SatisfactionForm) -> str:
    if context.me is not None:
        may_answer = context.me.id in agreements.may_answer_for(uow, context)
        return _render(
            "agreement/satisfaction.html",
            case_id=context.row.id,
            form=form,
            show_form=may_answer or bool(form.errors),
            answered=agreements.has_answered(uow, context, context.me.id),
            staff=False,
            answers=[],
        )
    people = {p.id: p for p in context.case.participants}
    answers = [
        (casework.participant_name(uow, context, a.participant_id), people[a.participant_id].side, a)
        for a in agreements.satisfaction_answers(uow, context)
    ]
    show_form = isinstance(form, RecordSatisfactionForm) and bool(form.participant.choices or form.errors)
    return _render(
        "agreement/satisfaction.html",
        case_id=context.row.id,
        form=form,
        show_form=show_form,
        answered=False,
        staff=True,
        answers=answers,
    )


@bp.get("/cases/<uuid:case_id>/satisfaction")
@roles(Role.PARTICIPANT, Role.FACILITATOR, Role.MANAGER)
def satisfaction(case_id: UUID) -> str:
    uow, context = _load(case_id)
    return _satisfaction_page(uow, context, _satisfaction_form(uow, context))


@bp.post("/cases/<uuid:case_id>/satisfaction")
@roles(Role.PARTICIPANT, Role.FACILITATOR)
def answer_satisfaction(case_id: UUID) -> Response | tuple[str, int]:
    """A participant answers for themself; a facilitator for someone taking part offline."""
    uow, context = _load(case_id)
    form = _satisfaction_form(uow, context)
    status = 400
    if form.validate_on_submit():
        # Staff get the form with a choice of person; a participant's form is always about themself.
        me = context.me
        participant_id = me.id if me is not None else UUID(form.participant.data)
        try:
            agreements.answer_satisfaction(
                uow,
                actor(),
                case_id,
                participant_id,
                int(form.score.data),
                form.comment.data or "",
                once=form.once.data,
            )
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            flash(_("Thank you for your answer."), "success")
            return redirect(url_for(".satisfaction", case_id=case_id))
    return _satisfaction_page(uow, context, form), status
