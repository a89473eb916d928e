"""Staff screens for a case: the list, opening a case, its people, consent, risk and stage."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal.domain import cases as case_rules
from portal.domain import items as item_rules
from portal.domain.cases import Referral
from portal.domain.consent import EXPLANATIONS
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    ParticipantRole,
    ReferralSource,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.errors import DomainError
from portal.domain.presentation import NOUNS, SIDE_NAMES
from portal.runtime import unit_of_work
from portal.services import accounts, casework, letters
from portal.web.access import roles
from portal.web.exchange_context import actor, attempt, case_or_404
from portal.web.forms import (
    STAGES,
    AssignForm,
    InviteParticipantForm,
    OpenCaseForm,
    ParticipantForm,
    RiskForm,
    StageForm,
)

bp = Blueprint("cases", __name__, url_prefix="/cases")
STAFF_READERS = (Role.FACILITATOR, Role.MANAGER)


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        return 1


@bp.get("/")
@roles(*STAFF_READERS)
def index():
    uow = unit_of_work()
    page = casework.case_list(uow, actor(), _page_number())
    notices = casework.unseen_notifications(uow, actor())
    return render_template("cases/index.html", page=page, notices=notices, stages=STAGES)


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def new():
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
            row = casework.open_case(unit_of_work(), actor(), referral, RiskLevel(form.risk_level.data))
        except DomainError as problem:
            form.form_errors.append(str(problem))
        else:
            flash(f"Case {row.code} is open. Add the people taking part next.", "success")
            return redirect(url_for("cases.show", case_id=row.id))
    return render_template("cases/new.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.get("/<uuid:case_id>")
@roles(*STAFF_READERS)
def show(case_id: uuid.UUID):
    context = case_or_404(case_id)
    uow = unit_of_work()
    letters.deliver_due(uow)
    casework.mark_notifications_seen(uow, context.actor, case_id)
    people = [
        (
            participant,
            casework.participant_name(uow, context, participant.id),
            casework.consents_of(context, participant.id),
        )
        for participant in context.case.participants
    ]
    stage_form = StageForm()
    stage_form.stage.choices = [
        choice for choice in stage_form.stage.choices if Stage(choice.value) in case_rules.next_stages(context.case)
    ]
    return render_template(
        "cases/show.html",
        context=context,
        referral=casework.referral_details(uow, context),
        people=people,
        items=letters.case_items(uow, context),
        blockers=case_rules.exchange_blockers(context.case),
        stage_form=stage_form,
        risk_form=RiskForm(risk_level=context.case.risk_level.value),
        assign_form=AssignForm(),
        formats=list(ConsentFormat),
        side_names=SIDE_NAMES,
        nouns=NOUNS,
        stages=STAGES,
        # What the facilitator may start for each person now, as the domain says (writer, victim-led).
        offers={
            p.id: {kind.value for kind in ItemKind if item_rules.may_start(context.case, context.actor, p, kind)}
            for p in context.case.participants
        },
    )


@bp.post("/<uuid:case_id>/risk")
@roles(Role.FACILITATOR)
def risk(case_id: uuid.UUID):
    context = case_or_404(case_id)
    form = RiskForm()
    if form.validate_on_submit():
        attempt(
            lambda: casework.record_risk_assessment(unit_of_work(), context, RiskLevel(form.risk_level.data)),
            "The risk assessment is recorded.",
        )
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/<uuid:case_id>/stage")
@roles(Role.FACILITATOR)
def stage(case_id: uuid.UUID):
    context = case_or_404(case_id)
    try:
        to = Stage(request.form.get("stage", ""))
    except ValueError:
        abort(400)
    attempt(lambda: casework.move(unit_of_work(), context, to), f"The case is now at: {STAGES[to.value]}.")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/<uuid:case_id>/facilitators")
@roles(Role.FACILITATOR)
def assign(case_id: uuid.UUID):
    context = case_or_404(case_id)
    form = AssignForm()
    if form.validate_on_submit():
        user = accounts.find_by_email(unit_of_work(), form.email.data)
        if user is None:
            flash("No facilitator has that email address.", "error")
        else:
            attempt(
                lambda: casework.assign_facilitator(unit_of_work(), context, user),
                "The facilitator is added to this case.",
            )
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/<uuid:case_id>/participants/new", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def add_participant(case_id: uuid.UUID):
    context = case_or_404(case_id)
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
            casework.add_participant(unit_of_work(), context, details)
        except DomainError as problem:
            form.form_errors.append(str(problem))
        else:
            flash("The person is added to the case.", "success")
            return redirect(url_for("cases.show", case_id=case_id))
    return render_template(
        "cases/participant_new.html", form=form, context=context
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/<uuid:case_id>/participants/<uuid:participant_id>/invite", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def invite(case_id: uuid.UUID, participant_id: uuid.UUID):
    context = case_or_404(case_id)
    uow = unit_of_work()
    try:
        name = casework.participant_name(uow, context, participant_id)
    except casework.CaseNotFound:
        abort(404)
    form = InviteParticipantForm()
    if form.validate_on_submit():
        try:
            token = casework.invite_participant(uow, context, participant_id, form.email.data)
        except (DomainError, accounts.AccountError) as problem:
            form.email.errors = [str(problem)]
        else:
            link = url_for("auth.join", token=token, _external=True)
            return render_template("invitation_link.html", link=link, name=name)
    return render_template("cases/invite.html", form=form, context=context, name=name), 400 if form.errors else 200


@bp.post("/<uuid:case_id>/participants/<uuid:participant_id>/consent")
@roles(Role.FACILITATOR)
def record_consent(case_id: uuid.UUID, participant_id: uuid.UUID):
    """For someone taking part offline, after explaining each format to them."""
    context = case_or_404(case_id)
    try:
        consent_format = ConsentFormat(request.form.get("format", ""))
    except ValueError:
        abort(400)
    given = request.form.get("given") == "yes"
    attempt(
        lambda: casework.record_consent(unit_of_work(), context, participant_id, consent_format, given),
        "Consent is recorded." if given else "The withdrawal of consent is recorded.",
    )
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/<uuid:case_id>/participants/<uuid:participant_id>/withdraw")
@roles(Role.FACILITATOR)
def withdraw(case_id: uuid.UUID, participant_id: uuid.UUID):
    """Record that someone told their facilitator they are stopping."""
    context = case_or_404(case_id)
    attempt(
        lambda: casework.withdraw(unit_of_work(), context, participant_id),
        "They have stopped taking part. Everything not yet passed on is held.",
    )
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/<uuid:case_id>/participants/<uuid:participant_id>/rejoin")
@roles(Role.FACILITATOR)
def rejoin(case_id: uuid.UUID, participant_id: uuid.UUID):
    context = case_or_404(case_id)
    attempt(
        lambda: casework.rejoin(unit_of_work(), context, participant_id),
        "They are taking part again. They will need to give consent again.",
    )
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/<uuid:case_id>/participants/<uuid:participant_id>/clear-delay")
@roles(Role.FACILITATOR)
def clear_delay(case_id: uuid.UUID, participant_id: uuid.UUID):
    context = case_or_404(case_id)
    attempt(
        lambda: casework.clear_sign_in_delay(unit_of_work(), context, participant_id),
        "They can try signing in again straight away.",
    )
    return redirect(url_for("cases.show", case_id=case_id))


# The case history reads the audit trail; these are its actions in plain words.
TIMELINE_WORDS = {
    "case.open": "Case opened",
    "case.assign": "Facilitator added",
    "case.risk-assessed": "Risk assessment recorded",
    "participant.add": "Person added",
    "participant.withdraw": "Someone stopped taking part",
    "participant.rejoin": "Someone rejoined",
    "invitation.create": "Invitation link made",
    "invitation.accept": "Invitation accepted",
    "item.start": "Draft started",
    "item.save": "Draft saved",
    "item.confirm": "Note confirmed",
    "item.submit": "Sent for review",
    "item.take-back": "Taken back by the writer",
    "item.review.approve": "Approved",
    "item.review.redact": "Approved with passages removed",
    "item.review.return": "Returned for changes",
    "item.review.withhold": "Withheld",
    "item.review.findings-left-in": "Screening findings left in after checking",
    "item.schedule": "Set to be passed on later",
    "item.release": "Passed on",
    "item.lift-hold": "Hold lifted",
    "item.view": "Read",
    "item.open": "Opened by the reader",
    "item.hold-request": "Reader asked for it to be kept",
    "item.destroy-request": "Reader asked for it to be destroyed",
    "agreement.draft": "Agreement drafted",
    "agreement.action.done": "Agreed action done",
    "satisfaction.answer": "Satisfaction answered",
    "crypto.open": "A stored value failed to open",
}
TIMELINE_PREFIXES = {
    "case.stage.": "Case moved to: ",
    "consent.give.": "Consent given: ",
    "consent.withdraw.": "Consent withdrawn: ",
    "agreement.agree.": "Agreement accepted by the side: ",
}


def timeline_words(action: str) -> str:
    if action in TIMELINE_WORDS:
        return TIMELINE_WORDS[action]
    for prefix, words in TIMELINE_PREFIXES.items():
        if action.startswith(prefix):
            return words + action.removeprefix(prefix).replace("_", " ")
    return action


@bp.get("/<uuid:case_id>/timeline")
@roles(*STAFF_READERS)
def timeline(case_id: uuid.UUID):
    context = case_or_404(case_id)
    page = casework.timeline(unit_of_work(), context, _page_number())
    return render_template("cases/timeline.html", context=context, page=page, words=timeline_words)


@bp.get("/consent-explained")
@roles(*STAFF_READERS)
def consent_explained():
    return render_template("cases/consent_explained.html", explanations=EXPLANATIONS)
