"""The casework record's pages: case notes, the contact log with follow-up, and meetings.

Thin views over `services.casenotes` and `services.meetings`. Only the people who may read the
case's record (`permissions.can_read_record`: its assigned facilitators) see these pages; for
anyone else, managers and participants included, they do not exist (404), as for another
case's id. A rule that stops a change shows its own sentence above the form, keeping what was typed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from portal.domain.calendar import UK
from portal.domain.casenotes import Contact
from portal.domain.cases import Participant
from portal.domain.enums import ContactMethod, ContactPurpose, Feeling, MeetingKind, MeetingMode, MeetingStatus, Role
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.meetings import MeetingPlan
from portal.runtime import unit_of_work
from portal.services import casenotes, casework, meetings
from portal.services.casenotes import RecordSummary
from portal.services.casework import CaseContext
from portal.services.clock import today_in_uk
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.exchange_context import actor, attempt
from portal.web.forms import ButtonForm
from portal.web.messages import refusal
from portal.web.paging import page_number
from portal.web.record_forms import (
    SOMEONE_ELSE,
    ConferenceForm,
    ContactForm,
    HoldForm,
    MeetingForm,
    NoteForm,
    PreparationForm,
)
from portal.web.words import role_name, side_name

bp = Blueprint("record", __name__)
READERS = (Role.FACILITATOR, Role.MANAGER)  # `can_read_record` decides which of them read it


def _reading(case_id: UUID) -> CaseContext:
    """The case, if this person may read its record; otherwise the 404 page (`CaseNotFound`)."""
    return casenotes.reading(unit_of_work(), actor(), case_id)


def _refuse(form: FlaskForm, problem: DomainError) -> int:
    form.form_errors.append(refusal(problem))
    return 403 if isinstance(problem, NotAllowed) else 400


def _status(form: FlaskForm) -> int:
    return 400 if form.errors or form.form_errors else 200


def _person_label(participant: Participant, name: str) -> str:
    return _(
        "%(name)s (%(side)s, %(role)s)", name=name, side=side_name(participant.side), role=role_name(participant.role)
    )


def _people(context: CaseContext) -> list[SelectChoice]:
    uow = unit_of_work()
    return [
        SelectChoice(str(p.id), _person_label(p, casework.participant_name(uow, context, p.id)))
        for p in context.case.participants
    ]


@bp.app_template_global("case_record_summary")
def case_record_summary(context: CaseContext) -> RecordSummary | None:
    """For the case page: what the record holds and the next meeting; None for anyone who may not read it."""
    return casenotes.record_summary(unit_of_work(), context)


# --- Case notes --------------------------------------------------------------------------------------------


def _notes_page(context: CaseContext, form: NoteForm) -> str:
    page = casenotes.notes(unit_of_work(), context, page_number())
    return render_template("record/notes.html", context=context, page=page, form=form)


@bp.get("/cases/<uuid:case_id>/notes")
@roles(*READERS)
def notes(case_id: UUID) -> str:
    return _notes_page(_reading(case_id), NoteForm(formdata=None))


@bp.post("/cases/<uuid:case_id>/notes")
@roles(Role.FACILITATOR)
def add_note(case_id: UUID) -> Response | tuple[str, int]:
    form = NoteForm()
    status = 400
    if form.validate_on_submit():
        try:
            casenotes.add_note(unit_of_work(), actor(), case_id, form.body.data or "", once=form.once.data)
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            flash(_("The note is added to the case record."), "success")
            return redirect(url_for(".notes", case_id=case_id))
    return _notes_page(_reading(case_id), form), status


# --- The contact log and follow-up ------------------------------------------------------------------------


@bp.get("/cases/<uuid:case_id>/contacts")
@roles(*READERS)
def contacts(case_id: UUID) -> str:
    uow, context = unit_of_work(), _reading(case_id)
    return render_template(
        "record/contacts.html",
        context=context,
        page=casenotes.contacts(uow, context, page_number()),
        follow_ups=casenotes.follow_up_summary(uow, context),
    )


def _contact_form(context: CaseContext, form: ContactForm) -> ContactForm:
    form.person.choices = [
        SelectChoice("", _("Choose who")),
        *_people(context),
        SelectChoice(SOMEONE_ELSE, _("Someone else (say who below)")),
    ]
    return form


def _contact_from(form: ContactForm) -> Contact:
    someone_else = form.person.data == SOMEONE_ELSE
    return Contact(
        method=ContactMethod(form.method.data),
        purpose=ContactPurpose(form.purpose.data),
        happened_on=form.happened_on.data,
        how_it_went=form.how_it_went.data or "",
        participant_id=None if someone_else else UUID(form.person.data),
        with_whom=(form.someone_else.data or "") if someone_else else "",
        next_step=form.next_step.data or "",
        next_step_on=form.next_step_on.data,
        feeling=Feeling(form.feeling.data) if form.feeling.data else None,
        feeling_words=form.feeling_words.data or "",
    )


@bp.route("/cases/<uuid:case_id>/contacts/new", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def new_contact(case_id: UUID) -> Response | tuple[str, int]:
    context = _reading(case_id)
    form = _contact_form(context, ContactForm())
    if not form.is_submitted():
        form.happened_on.data = today_in_uk()
    status = 400
    if form.validate_on_submit():
        try:
            casenotes.record_contact(unit_of_work(), actor(), case_id, _contact_from(form), once=form.once.data)
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            flash(_("The contact is recorded."), "success")
            return redirect(url_for(".contacts", case_id=case_id))
    page = render_template("record/contact_new.html", context=context, form=form)
    return page, status if form.is_submitted() else 200


# --- Meetings ----------------------------------------------------------------------------------------------


@bp.get("/cases/<uuid:case_id>/meetings")
@roles(*READERS)
def meetings_list(case_id: UUID) -> str:
    context = _reading(case_id)
    page = meetings.meetings(unit_of_work(), context, page_number())
    return render_template("record/meetings.html", context=context, page=page)


def _meeting_form(context: CaseContext, kind: MeetingKind, formdata: bool = True, **data: object) -> MeetingForm:
    form_class = ConferenceForm if kind == MeetingKind.CONFERENCE else PreparationForm
    form = form_class(**data) if formdata else form_class(formdata=None, **data)
    facilitators = [SelectChoice(str(fid), name) for fid, name in meetings.case_facilitators(unit_of_work(), context)]
    form.facilitator_1.choices = [SelectChoice("", _("Choose a facilitator")), *facilitators]
    form.facilitator_2.choices = [SelectChoice("", _("No second facilitator")), *facilitators]
    if isinstance(form, ConferenceForm):
        form.facilitator_2.label.text = _("Second facilitator (a conference needs two)")
        form.attendees.choices = _people(context)
    else:
        form.person.choices = [SelectChoice("", _("Choose who")), *_people(context)]
    return form


def _plan_from(form: MeetingForm, kind: MeetingKind) -> MeetingPlan:
    local: datetime = form.starts_at.data
    facilitators = tuple(UUID(value) for value in (form.facilitator_1.data, form.facilitator_2.data) if value)
    if isinstance(form, ConferenceForm):
        return MeetingPlan(
            kind=kind,
            mode=MeetingMode(form.mode.data),
            starts_at=local.replace(tzinfo=UK).astimezone(UTC),
            facilitator_ids=facilitators,
            attendee_ids=tuple(UUID(value) for value in form.attendees.data or ()),
            venue=form.venue.data or "",
            ground_rules_agreed=bool(form.ground_rules_agreed.data),
            safety_plan=form.safety_plan.data or "",
        )
    assert isinstance(form, PreparationForm)
    return MeetingPlan(
        kind=kind,
        mode=MeetingMode(form.mode.data),
        starts_at=local.replace(tzinfo=UK).astimezone(UTC),
        facilitator_ids=facilitators,
        participant_id=UUID(form.person.data),
        venue=form.venue.data or "",
    )


def _plan(case_id: UUID, kind: MeetingKind) -> Response | tuple[str, int]:
    context = _reading(case_id)
    form = _meeting_form(context, kind)
    if not form.is_submitted():
        form.facilitator_1.data = str(actor().user_id)
    status = 400
    if form.validate_on_submit():
        try:
            meeting_id = meetings.plan(unit_of_work(), actor(), case_id, _plan_from(form, kind), once=form.once.data)
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            flash(_("The meeting is planned."), "success")
            return redirect(url_for(".meeting", case_id=case_id, meeting_id=meeting_id))
    page = render_template("record/meeting_form.html", context=context, form=form, kind=kind, meeting_id=None)
    return page, status if form.is_submitted() else 200


@bp.route("/cases/<uuid:case_id>/meetings/preparation/new", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def plan_preparation(case_id: UUID) -> Response | tuple[str, int]:
    return _plan(case_id, MeetingKind.PREPARATION)


@bp.route("/cases/<uuid:case_id>/meetings/conference/new", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def plan_conference(case_id: UUID) -> Response | tuple[str, int]:
    return _plan(case_id, MeetingKind.CONFERENCE)


def _meeting_page(context: CaseContext, meeting_id: UUID, hold_form: HoldForm | None = None) -> str:
    view = meetings.meeting(unit_of_work(), context, meeting_id)
    if hold_form is None:
        hold_form = HoldForm(formdata=None, held_on=today_in_uk())
    return render_template(
        "record/meeting.html",
        context=context,
        view=view,
        meeting=view.meeting,
        hold_form=hold_form,
        cancel_form=ButtonForm(formdata=None),
        planned=view.meeting.status == MeetingStatus.PLANNED,
    )


@bp.get("/cases/<uuid:case_id>/meetings/<uuid:meeting_id>")
@roles(*READERS)
def meeting(case_id: UUID, meeting_id: UUID) -> str:
    return _meeting_page(_reading(case_id), meeting_id)


@bp.route("/cases/<uuid:case_id>/meetings/<uuid:meeting_id>/change", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def change_meeting(case_id: UUID, meeting_id: UUID) -> Response | tuple[str, int]:
    uow, context = unit_of_work(), _reading(case_id)
    found = meetings.meeting(uow, context, meeting_id).meeting
    plan = found.plan
    data: dict[str, object] = {
        "mode": plan.mode.value,
        "starts_at": plan.starts_at.astimezone(UK).replace(tzinfo=None),
        "venue": plan.venue,
        "facilitator_1": str(plan.facilitator_ids[0]) if plan.facilitator_ids else "",
        "facilitator_2": str(plan.facilitator_ids[1]) if len(plan.facilitator_ids) > 1 else "",
    }
    if plan.kind == MeetingKind.CONFERENCE:
        data |= {
            "attendees": [str(a) for a in plan.attendee_ids],
            "ground_rules_agreed": plan.ground_rules_agreed,
            "safety_plan": plan.safety_plan,
        }
    else:
        data["person"] = str(plan.participant_id) if plan.participant_id else ""
    form = (
        _meeting_form(context, plan.kind)
        if request.method == "POST"
        else _meeting_form(context, plan.kind, False, **data)
    )
    status = 400
    if form.validate_on_submit():
        try:
            meetings.change(uow, actor(), case_id, meeting_id, _plan_from(form, plan.kind), once=form.once.data)
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            flash(_("The meeting is changed."), "success")
            return redirect(url_for(".meeting", case_id=case_id, meeting_id=meeting_id))
    page = render_template(
        "record/meeting_form.html", context=context, form=form, kind=plan.kind, meeting_id=meeting_id
    )
    return page, status if form.is_submitted() else 200


@bp.post("/cases/<uuid:case_id>/meetings/<uuid:meeting_id>/held")
@roles(Role.FACILITATOR)
def hold_meeting(case_id: UUID, meeting_id: UUID) -> Response | tuple[str, int]:
    form = HoldForm()
    status = 400
    if form.validate_on_submit():
        try:
            meetings.hold(
                unit_of_work(),
                actor(),
                case_id,
                meeting_id,
                form.held_on.data,
                form.what_happened.data or "",
                ground_rules_agreed=bool(form.ground_rules_agreed.data),
                once=form.once.data,
            )
        except DomainError as problem:
            status = _refuse(form, problem)
        else:
            flash(_("The meeting is recorded as held."), "success")
            return redirect(url_for(".meeting", case_id=case_id, meeting_id=meeting_id))
    return _meeting_page(_reading(case_id), meeting_id, form), status


@bp.post("/cases/<uuid:case_id>/meetings/<uuid:meeting_id>/cancel")
@roles(Role.FACILITATOR)
def cancel_meeting(case_id: UUID, meeting_id: UUID) -> Response:
    form = ButtonForm()
    if form.validate_on_submit():
        attempt(
            lambda: meetings.cancel(unit_of_work(), actor(), case_id, meeting_id, once=form.once.data),
            _("The meeting is cancelled."),
        )
    return redirect(url_for(".meeting", case_id=case_id, meeting_id=meeting_id))
