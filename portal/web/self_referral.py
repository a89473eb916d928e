"""Self-referral: the public "ask for contact" form, and the facilitators' triage of what arrives.

The form needs no account. It is limited per address (a few requests an hour), and a box that
people leave empty catches programs instead of a puzzle. Facilitators list the requests (only
when each arrived, its language and its status), read one (audited), and open a case from it
or close it with a reason.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_limiter.errors import RateLimitExceeded
from werkzeug.wrappers import Response

from portal.domain import self_referral as rules
from portal.domain.enums import (
    Language,
    ParticipantRole,
    RiskLevel,
    Role,
    SelfReferralCloseReason,
    SelfReferralStatus,
    Side,
    TakingPart,
)
from portal.domain.errors import DomainError
from portal.domain.problems import Problem
from portal.domain.self_referral import AskingFor, ContactWay, SelfReferralRequest
from portal.extensions import limiter
from portal.runtime import unit_of_work
from portal.services import casework, self_referrals
from portal.services.casework import ParticipantDetails
from portal.storage.types import utcnow
from portal.web import words
from portal.web.access import public, roles
from portal.web.catalogue import gettext as _
from portal.web.errors import render_error
from portal.web.exchange_context import actor
from portal.web.i18n import current_language
from portal.web.messages import refusal
from portal.web.paging import page_number
from portal.web.self_referral_forms import (
    ASKING_FOR,
    CONTACT_WAYS,
    AskForContactForm,
    CloseRequestForm,
    OpenFromRequestForm,
)

bp = Blueprint("self_referral", __name__)

# Per address: requests actually sent (a household, a refuge or an office may share one), and
# every try, so nobody can fill the triage list or probe the form from one place.
SENT_LIMIT = "5 per hour"
TRIES_LIMIT = "30 per hour"


def _sent(response: Response) -> bool:
    return response.status_code == 302


# --- The public form -----------------------------------------------------------------------------


Choice = TypeVar("Choice", bound=StrEnum)


def _choice(value: object, kind: type[Choice], fallback: Choice) -> Choice:
    try:
        return kind(str(value))
    except ValueError:
        return fallback


def _request_from(form: AskForContactForm) -> SelfReferralRequest:
    """What the person filled in, as the domain's request (choices not made yet fall back to
    values that ask nothing more of them, so every other gap is still found at once)."""
    return SelfReferralRequest(
        side=_choice(form.side.data, Side, Side.HARMED),
        asking_for=_choice(form.asking_for.data, AskingFor, AskingFor.MYSELF),
        name=form.name.data or "",
        contact_way=_choice(form.contact_way.data, ContactWay, ContactWay.PHONE),
        may_leave_message=form.may_leave_message.data == "yes",
        language=_choice(form.language.data, Language, Language.EN),
        relationship=form.relationship.data or "",
        their_name=form.their_name.data or "",
        phone=form.phone_e164 or (form.phone.data or ""),
        email=form.email.data or "",
        address=form.address.data or "",
        trusted_person=form.trusted_person.data or "",
        safe_times=form.safe_times.data or "",
        unsafe=form.unsafe.data or "",
        what_happened=form.what_happened.data or "",
        reference=form.reference.data or "",
    )


CONTACT_FIELDS = frozenset({"phone", "email", "address", "trusted_person"})


def _check(form: AskForContactForm, valid: bool, asked: SelfReferralRequest) -> bool:
    """After the form's own checks, the domain's (a name, who they are to the person they ask
    for, what the chosen way of contact needs); each problem is shown at its field."""
    for field, problem in rules.problems(asked).items():
        if field in CONTACT_FIELDS and form.contact_way.errors:
            continue  # no way of contact chosen yet: nothing to ask for it
        box = getattr(form, field)
        if not box.errors:
            box.errors = [refusal(DomainError(problem))]
        valid = False
    return valid


def _ask_page(form: AskForContactForm, status: int = 200) -> tuple[str, int]:
    return render_template("self_referral/ask.html", form=form), status


@bp.route("/ask-for-contact", methods=["GET", "POST"])
@limiter.limit(SENT_LIMIT, methods=["POST"], deduct_when=_sent)
@limiter.limit(TRIES_LIMIT, methods=["POST"])
@public
def ask() -> Response | tuple[str, int]:
    form = AskForContactForm()
    if request.method == "GET":
        form.language.data = current_language().value
        return _ask_page(form)
    if form.from_a_program:
        # Filled in by a program: it is told what a person is told, and nothing is stored.
        return redirect(url_for("self_referral.sent"))
    valid = form.validate_on_submit()  # also puts the phone number in E.164 form
    asked = _request_from(form)
    if not _check(form, valid, asked):
        return _ask_page(form, 400)
    self_referrals.receive(unit_of_work(), asked, once=form.once.data)
    return redirect(url_for("self_referral.sent"))


@bp.get("/ask-for-contact/sent")
@public
def sent() -> str:
    return render_template("self_referral/sent.html")


@bp.errorhandler(RateLimitExceeded)
def too_many(_error: RateLimitExceeded) -> tuple[str, int]:
    """Kindly, with their words still in the form: nothing they typed is lost."""
    if request.endpoint != "self_referral.ask":
        return render_error(429)
    form = AskForContactForm()
    form.form_errors.append(
        _(
            "We could not send this just now, because several requests have come from this place "
            "in the last hour. Your words are still below. Please try again in an hour, or call "
            "Victim Support free on 08 08 16 89 111."
        )
    )
    return _ask_page(form, 429)


# --- Triage --------------------------------------------------------------------------------------


def opened_from_request(case_id: uuid.UUID) -> uuid.UUID | None:
    """For the case page of a self-referred case: the request it was opened from."""
    return self_referrals.opened_from(unit_of_work(), case_id)


@bp.app_context_processor
def _navigation() -> dict[str, object]:
    return {"opened_from_request": opened_from_request}


def _waited(received_at: datetime) -> str:
    """ "3 days", "5 hours": how long a request has waited, in the page's language."""
    return format_timedelta(rules.waited(received_at, utcnow()), add_direction=False)


@bp.get("/requests/")
@roles(Role.FACILITATOR)
def triage() -> str:
    page = self_referrals.triage_list(unit_of_work(), actor(), page_number())
    return render_template(
        "self_referral/triage.html",
        page=page,
        waited=_waited,
        status_name=words.self_referral_status_name,
        new=SelfReferralStatus.NEW,
    )


def _detail_words() -> dict[str, object]:
    return {
        "asking_for_words": ASKING_FOR,
        "contact_way_words": CONTACT_WAYS,
        "status_name": words.self_referral_status_name,
        "close_reason_name": words.close_reason_name,
        "waited": _waited,
    }


@bp.get("/requests/<uuid:referral_id>")
@roles(Role.FACILITATOR)
def show(referral_id: uuid.UUID) -> str:
    view = self_referrals.read(unit_of_work(), actor(), referral_id)
    return render_template("self_referral/show.html", view=view, new=SelfReferralStatus.NEW, **_detail_words())


def _prefilled(view: self_referrals.RequestView) -> OpenFromRequestForm:
    person = rules.first_person(view.request)
    return OpenFromRequestForm(
        reference=view.request.reference,
        name=person.name,
        side=person.side.value,
        role=person.role.value,
        relationship=person.relationship,
        taking_part=TakingPart.PORTAL.value,
        risk_level=RiskLevel.LOW.value,
    )


def _decided(view: self_referrals.RequestView) -> Response:
    """A request decided already (by someone else, or in another tab): its page says how."""
    problem = Problem.SELF_REFERRAL_ALREADY_OPENED if view.status is SelfReferralStatus.OPENED else None
    flash(refusal(DomainError(problem or Problem.SELF_REFERRAL_ALREADY_CLOSED)), "error")
    return redirect(url_for("self_referral.show", referral_id=view.id))


def _lost_the_race(problem: DomainError) -> Response | None:
    """Decided by another facilitator meanwhile: back to the list, saying what happened."""
    if problem.problem in (Problem.SELF_REFERRAL_ALREADY_OPENED, Problem.SELF_REFERRAL_ALREADY_CLOSED):
        flash(refusal(problem), "error")
        return redirect(url_for("self_referral.triage"))
    return None


@bp.route("/requests/<uuid:referral_id>/open-case", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def open_case(referral_id: uuid.UUID) -> Response | tuple[str, int]:
    uow = unit_of_work()
    form = OpenFromRequestForm()
    if form.validate_on_submit():
        opening = self_referrals.Opening(
            reference=form.reference.data,
            offence_type=form.offence_type.data,
            offence_on=form.offence_on.data,
            risk_level=RiskLevel(form.risk_level.data),
            person=ParticipantDetails(
                side=Side(form.side.data),
                role=ParticipantRole(form.role.data),
                name=form.name.data,
                taking_part=TakingPart(form.taking_part.data),
                relationship=form.relationship.data or "",
            ),
        )
        try:
            case_id = self_referrals.open_case(uow, actor(), referral_id, opening, once=form.once.data)
        except DomainError as problem:
            lost = _lost_the_race(problem)
            if lost is not None:
                return lost
            form.form_errors.append(refusal(problem))
        else:
            code = casework.load(uow, actor(), case_id).row.code
            flash(_("Case %(code)s is open, with the person who asked for contact in it.", code=code), "success")
            return redirect(url_for("cases.show", case_id=case_id))
    view = self_referrals.read(uow, actor(), referral_id)
    if request.method == "GET":
        if view.status is not SelfReferralStatus.NEW:
            return _decided(view)
        form = _prefilled(view)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "self_referral/open_case.html",
        form=form,
        view=view,
        received_on=self_referrals.received_on(view.received_at),
        **_detail_words(),
    ), status


@bp.route("/requests/<uuid:referral_id>/close", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def close(referral_id: uuid.UUID) -> Response | tuple[str, int]:
    uow = unit_of_work()
    form = CloseRequestForm()
    if form.validate_on_submit():
        try:
            reason = SelfReferralCloseReason(form.reason.data)
            self_referrals.close(uow, actor(), referral_id, reason, form.words.data or "", once=form.once.data)
        except DomainError as problem:
            lost = _lost_the_race(problem)
            if lost is not None:
                return lost
            form.form_errors.append(refusal(problem))
        else:
            flash(_("The request is closed."), "success")
            return redirect(url_for("self_referral.triage"))
    view = self_referrals.read(uow, actor(), referral_id)
    if request.method == "GET" and view.status is not SelfReferralStatus.NEW:
        return _decided(view)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("self_referral/close.html", form=form, view=view, **_detail_words()), status
