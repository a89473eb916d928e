"""The assessments of a case: the current ones and their history, and a form for each kind."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.domain import assessments as rules
from portal.domain.cases import exchange_blockers
from portal.domain.enums import (
    AssessmentKind,
    AssessmentOutcome,
    Proceedings,
    RiskFlag,
    RiskLevel,
    Role,
    SupportNeed,
)
from portal.domain.errors import DomainError
from portal.runtime import unit_of_work
from portal.services import assessments, casework
from portal.services.assessments import Entry
from portal.services.casework import CaseContext
from portal.web.access import roles
from portal.web.assessment_forms import (
    FLAGS,
    NEEDS,
    OUTCOMES,
    PROCEEDINGS,
    AssessmentForm,
    EligibilityForm,
    SuitabilityForm,
    risk_form,
)
from portal.web.catalogue import gettext as _
from portal.web.exchange_context import actor, attempt, case_or_404
from portal.web.forms import RISK_LEVELS, ButtonForm
from portal.web.messages import refusal

bp = Blueprint("assessments", __name__, url_prefix="/cases/<uuid:case_id>/assessments")

RECORDED = {
    AssessmentKind.ELIGIBILITY: lambda: _("The eligibility assessment is recorded."),
    AssessmentKind.SUITABILITY: lambda: _("The suitability assessment is recorded."),
    AssessmentKind.RISK: lambda: _("The risk assessment is recorded."),
}


def _to_list(case_id: uuid.UUID) -> Response:
    return redirect(url_for("assessments.index", case_id=case_id))


@bp.get("/")
@roles(Role.FACILITATOR)
def index(case_id: uuid.UUID) -> str:
    uow = unit_of_work()
    page = assessments.assessments_page(uow, actor(), case_id)
    return render_template(
        "assessments/index.html",
        context=page.context,
        current=page.record.assessments,
        history=page.history,
        names=page.names,
        blockers=exchange_blockers(page.context.case, page.record),
        sign_off_form=ButtonForm(),
        labels={"outcome": OUTCOMES, "proceedings": PROCEEDINGS, "flags": FLAGS, "needs": NEEDS, "risk": RISK_LEVELS},
    )


def _save(
    case_id: uuid.UUID, form: AssessmentForm, kind: AssessmentKind, details: rules.Details, person: uuid.UUID | None
) -> bool:
    entry = Entry(
        kind=kind,
        outcome=AssessmentOutcome(form.outcome.data),
        assessed_on=form.assessed_on.data,
        reasons=form.reasons.data,
        details=details,
        participant_id=person,
    )
    try:
        recorded = assessments.record(unit_of_work(), actor(), case_id, entry, once=form.once.data)
    except DomainError as problem:
        form.form_errors.append(refusal(problem))
        return False
    flash(RECORDED[kind](), "success")
    if recorded is not None and recorded.paused:
        flash(
            _(
                "The case is paused: nothing more is passed on until the assessments allow it again. "
                "The list below says what is missing."
            ),
            "warning",
        )
    return True


def _render(template: str, form: AssessmentForm, context: CaseContext, **extra: Any) -> tuple[str, int]:
    status = 400 if form.errors or form.form_errors else 200
    return render_template(template, form=form, context=context, **extra), status


@bp.route("/eligibility", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def eligibility(case_id: uuid.UUID) -> Response | tuple[str, int]:
    context = case_or_404(case_id)
    form = EligibilityForm()
    if form.validate_on_submit():
        details = rules.Eligibility(
            form.identifiable_harmed.data,
            form.identifiable_responsible.data,
            form.admits_responsibility.data,
            Proceedings(form.proceedings.data),
        )
        if _save(case_id, form, AssessmentKind.ELIGIBILITY, details, None):
            return _to_list(case_id)
    return _render("assessments/eligibility.html", form, context)


@bp.route("/suitability/<uuid:participant_id>", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def suitability(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response | tuple[str, int]:
    context = case_or_404(case_id)
    context.participant(participant_id)  # another case's person is "not found"
    name = casework.participant_name(unit_of_work(), context, participant_id)
    form = SuitabilityForm()
    if form.validate_on_submit():
        details = rules.Suitability(
            form.motivation.data,
            form.capacity.data,
            frozenset(SupportNeed(need) for need in form.needs.data or ()),
            form.needs_detail.data or "",
            form.support_in_place.data or "",
        )
        if _save(case_id, form, AssessmentKind.SUITABILITY, details, participant_id):
            return _to_list(case_id)
    return _render("assessments/suitability.html", form, context, name=name, participant_id=participant_id)


@bp.route("/risk", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def risk(case_id: uuid.UUID) -> Response | tuple[str, int]:
    context = case_or_404(case_id)
    uow = unit_of_work()
    taking_part = [p for p in context.case.participants if not p.withdrawn]
    people = [(p.id.hex, casework.participant_name(uow, context, p.id)) for p in taking_part]
    form = risk_form(people)()
    if form.validate_on_submit():
        to_people = [
            rules.PersonRisk(p.id, RiskLevel(form[f"level_{p.id.hex}"].data), form[f"note_{p.id.hex}"].data or "")
            for p in taking_part
        ]
        to_people.append(rules.PersonRisk(None, RiskLevel(form.level_staff.data), form.note_staff.data or ""))
        details = rules.Risk(
            tuple(to_people), RiskLevel(form.overall.data), frozenset(RiskFlag(f) for f in form.flags.data or ())
        )
        if _save(case_id, form, AssessmentKind.RISK, details, None):
            return _to_list(case_id)
    rows = [(form[f"level_{key}"], form[f"note_{key}"]) for key, _name in [*people, ("staff", "")]]
    return _render("assessments/risk.html", form, context, rows=rows)


@bp.post("/<uuid:assessment_id>/sign-off")
@roles(Role.FACILITATOR)
def sign_off(case_id: uuid.UUID, assessment_id: uuid.UUID) -> Response:
    form = ButtonForm()
    if form.validate_on_submit():
        attempt(
            lambda: assessments.sign_off(unit_of_work(), actor(), case_id, assessment_id, once=form.once.data),
            _("The risk assessment is signed off."),
        )
    return _to_list(case_id)
