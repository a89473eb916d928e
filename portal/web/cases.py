"""Staff screens for a case: the list, opening a case, its people, consent, risk and stage."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.domain import cases as case_rules
from portal.domain import items as item_rules
from portal.domain.cases import Referral
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    Language,
    ParticipantRole,
    ReferralSource,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.errors import DomainError
from portal.domain.permissions import supervises_case
from portal.runtime import unit_of_work
from portal.services import caseload, casework, letters, recovery, supervision
from portal.web.access import roles
from portal.web.audit_labels import audit_label
from portal.web.caseload import case_filters
from portal.web.catalogue import gettext as _
from portal.web.exchange_context import actor, attempt, case_or_404
from portal.web.forms import (
    AssignForm,
    ButtonForm,
    ConsentForm,
    InviteParticipantForm,
    OpenCaseForm,
    ParticipantForm,
    StageForm,
)
from portal.web.links import external_url
from portal.web.messages import refusal
from portal.web.paging import page_number
from portal.web.supervision import SupervisionForm
from portal.web.words import stage_name

bp = Blueprint("cases", __name__, url_prefix="/cases")
STAFF_READERS = (Role.FACILITATOR, Role.MANAGER)
# Moves that cannot be undone are confirmed on a page of their own first.
FINAL_STAGES = frozenset({Stage.CLOSED})


def _to_case(case_id: uuid.UUID) -> Response:
    return redirect(url_for("cases.show", case_id=case_id))


@bp.get("/")
@roles(*STAFF_READERS)
def index() -> tuple[str, int]:
    """The case list: search by referral reference, filters and sorting from the URL (portal.web.caseload)."""
    uow = unit_of_work()
    form, filters, query = case_filters()
    page = caseload.case_list(uow, actor(), filters, page_number())
    notices = caseload.notices(uow, actor())
    page_html = render_template("cases/index.html", page=page, notices=notices, form=form, query=query)
    return page_html, 400 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def new() -> Response | tuple[str, int]:
    form = OpenCaseForm()
    if form.validate_on_submit():
        try:
            referral = Referral(
                reference=form.reference.data,
                offence_type=form.offence_type.data,
                source=ReferralSource(form.source.data),
                referred_on=form.referred_on.data,
                offence_on=form.offence_on.data,
            )
            case_id = casework.open_case(
                unit_of_work(), actor(), referral, RiskLevel(form.risk_level.data), once=form.once.data
            )
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            code = case_or_404(case_id).row.code
            flash(_("Case %(code)s is open. Add the people taking part next.", code=code), "success")
            return _to_case(case_id)
    return render_template("cases/new.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.get("/<uuid:case_id>")
@roles(*STAFF_READERS)
def show(case_id: uuid.UUID) -> str:
    return _case_page(case_id, SupervisionForm())


def _case_page(case_id: uuid.UUID, supervision_form: SupervisionForm) -> str:
    uow = unit_of_work()
    page = casework.case_page(uow, actor(), case_id)
    context = page.context
    stage_form = StageForm()
    allowed = case_rules.next_stages(context.case)
    stage_form.stage.choices = [
        choice for choice in stage_form.stage.choices if not choice.value or Stage(choice.value) in allowed
    ]
    return render_template(
        "cases/show.html",
        context=context,
        referral=page.referral,
        people=[(person.participant, person.name, person.consents) for person in page.people],
        items=letters.case_items(uow, context, page_number()),
        blockers=case_rules.exchange_blockers(context.case, page.record),
        stage_form=stage_form,
        assign_form=AssignForm(),
        supervising=supervises_case(context.case, context.actor),
        supervision_form=supervision_form,
        formats=list(ConsentFormat),
        # What the facilitator may start for each person now, as the domain says (writer, victim-led).
        offers={
            p.id: {kind.value for kind in ItemKind if item_rules.may_start(context.case, context.actor, p, kind)}
            for p in context.case.participants
        },
    )


@bp.post("/<uuid:case_id>/supervision")
@roles(Role.FACILITATOR)
def supervise(case_id: uuid.UUID) -> Response | tuple[str, int]:
    """A supervisor records one supervision of this case; a refusal keeps what they wrote."""
    form = SupervisionForm()
    if form.validate_on_submit():
        try:
            supervision.record_supervision(unit_of_work(), actor(), case_id, form.notes.data, once=form.once.data)
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            flash(_("The supervision is recorded."), "success")
            return _to_case(case_id)
    return _case_page(case_id, form), 400


@bp.post("/<uuid:case_id>/stage")
@roles(Role.FACILITATOR)
def stage(case_id: uuid.UUID) -> Response | str:
    """Move the case; a final move (closing) is shown on a confirmation page before it is made."""
    form = StageForm()  # every stage is offered here; the domain decides which move is allowed
    if not form.validate_on_submit():
        flash(_("Choose the stage to move the case to."), "error")
        return _to_case(case_id)
    to = Stage(form.stage.data)
    if to in FINAL_STAGES and form.confirmed.data != "yes":
        context = case_or_404(case_id)
        return render_template("cases/confirm_stage.html", context=context, form=form, to=to)
    attempt(
        lambda: casework.move(unit_of_work(), actor(), case_id, to, once=form.once.data),
        _("The case is now at: %(stage)s.", stage=stage_name(to)),
    )
    return _to_case(case_id)


@bp.post("/<uuid:case_id>/facilitators")
@roles(Role.FACILITATOR)
def assign(case_id: uuid.UUID) -> Response:
    form = AssignForm()
    if form.validate_on_submit():
        attempt(
            lambda: casework.assign_facilitator(unit_of_work(), actor(), case_id, form.email.data, once=form.once.data),
            _("The facilitator is added to this case."),
        )
    else:
        for message in form.email.errors:
            flash(message, "error")
    return _to_case(case_id)


@bp.route("/<uuid:case_id>/participants/new", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def add_participant(case_id: uuid.UUID) -> Response | tuple[str, int]:
    form = ParticipantForm()
    if form.validate_on_submit():
        details = casework.ParticipantDetails(
            side=Side(form.side.data),
            role=ParticipantRole(form.role.data),
            name=form.name.data,
            taking_part=TakingPart(form.taking_part.data),
            relationship=form.relationship.data or "",
            display_name=form.display_name.data or "",
            may_write=form.may_write.data,
            sensitive_terms=tuple((form.sensitive_terms.data or "").splitlines()),
        )
        try:
            casework.add_participant(unit_of_work(), actor(), case_id, details, once=form.once.data)
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            flash(_("The person is added to the case."), "success")
            return _to_case(case_id)
    context = case_or_404(case_id)
    return render_template(
        "cases/participant_new.html", form=form, context=context
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/<uuid:case_id>/participants/<uuid:participant_id>/invite", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def invite(case_id: uuid.UUID, participant_id: uuid.UUID) -> str | tuple[str, int]:
    uow = unit_of_work()
    context = case_or_404(case_id)
    name = casework.participant_name(uow, context, participant_id)
    form = InviteParticipantForm()
    if form.validate_on_submit():
        try:
            send_in = Language(form.email_language.data) if form.delivery.data == "email" else None
            token = casework.invite_participant(uow, actor(), case_id, participant_id, form.email.data, send_in=send_in)
        except DomainError as problem:
            form.email.errors = [refusal(problem)]
        else:
            link = None if send_in else external_url("auth.join", token=token)
            return render_template("invitation_link.html", link=link, name=name)
    return render_template("cases/invite.html", form=form, context=context, name=name), 400 if form.errors else 200


@bp.post("/<uuid:case_id>/participants/<uuid:participant_id>/consent")
@roles(Role.FACILITATOR)
def record_consent(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response:
    """For someone taking part offline, after explaining each format to them."""
    form = ConsentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        consent_format = ConsentFormat(form.format.data)
    except ValueError:
        abort(400)
    given = form.given.data == "yes"
    attempt(
        lambda: casework.record_consent(
            unit_of_work(), actor(), case_id, participant_id, consent_format, given, once=form.once.data
        ),
        _("Consent is recorded.") if given else _("The withdrawal of consent is recorded."),
    )
    return _to_case(case_id)


@bp.route("/<uuid:case_id>/participants/<uuid:participant_id>/withdraw", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def withdraw(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response | str:
    """Record that someone told their facilitator they are stopping: confirmed on its own page first."""
    form = ButtonForm()
    if form.validate_on_submit():
        attempt(
            lambda: casework.withdraw(unit_of_work(), actor(), case_id, participant_id, once=form.once.data),
            _("They have stopped taking part. Everything not yet passed on is held."),
        )
        return _to_case(case_id)
    uow = unit_of_work()
    context = case_or_404(case_id)
    participant = context.participant(participant_id)
    return render_template(
        "cases/confirm_withdraw.html",
        context=context,
        participant=participant,
        name=casework.participant_name(uow, context, participant_id),
        form=form,
    )


@bp.post("/<uuid:case_id>/participants/<uuid:participant_id>/rejoin")
@roles(Role.FACILITATOR)
def rejoin(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response:
    form = ButtonForm()
    if form.validate_on_submit():
        attempt(
            lambda: casework.rejoin(unit_of_work(), actor(), case_id, participant_id, once=form.once.data),
            _("They are taking part again. They will need to give consent again."),
        )
    return _to_case(case_id)


@bp.post("/<uuid:case_id>/participants/<uuid:participant_id>/clear-delay")
@roles(Role.FACILITATOR)
def clear_delay(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response:
    form = ButtonForm()
    if form.validate_on_submit():
        attempt(
            lambda: casework.clear_sign_in_delay(unit_of_work(), actor(), case_id, participant_id, once=form.once.data),
            _("They can try signing in again straight away."),
        )
    return _to_case(case_id)


@bp.post("/<uuid:case_id>/participants/<uuid:participant_id>/reset-link")
@roles(Role.FACILITATOR)
def reset_link(case_id: uuid.UUID, participant_id: uuid.UUID) -> str | Response:
    """For someone who cannot use email: a one-hour link to choose a new password, shown once."""
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    uow = unit_of_work()
    context = case_or_404(case_id)
    name = casework.participant_name(uow, context, participant_id)
    try:
        token = recovery.link_for_participant(uow, actor(), case_id, participant_id)
    except DomainError as problem:
        flash(refusal(problem), "error")
        return _to_case(case_id)
    return render_template("reset_link.html", link=external_url("auth.reset_password", token=token), name=name)


@bp.get("/<uuid:case_id>/timeline")
@roles(*STAFF_READERS)
def timeline(case_id: uuid.UUID) -> str:
    context, page = casework.timeline(unit_of_work(), actor(), case_id, page_number())
    return render_template("cases/timeline.html", context=context, page=page, words=audit_label)


@bp.get("/consent-explained")
@roles(*STAFF_READERS)
def consent_explained() -> str:
    return render_template("cases/consent_explained.html", formats=list(ConsentFormat))
