"""What is due for deletion at the end of its retention, legal holds, and the retention policy."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.domain.enums import Role
from portal.domain.errors import DomainError
from portal.runtime import unit_of_work
from portal.services import retention
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.exchange_context import actor, attempt
from portal.web.forms import ActionForm, ButtonForm
from portal.web.messages import refusal
from portal.web.paging import page_number

bp = Blueprint("retention", __name__, url_prefix="/retention")
STAFF = (Role.FACILITATOR, Role.MANAGER)


class HoldForm(ActionForm):
    reason = TextAreaField(
        _l("Why the case must be kept"),
        validators=[
            DataRequired(_l("Say why the case must be kept: the reason for the legal hold.")),
            Length(max=2000),
        ],
    )


class PolicyForm(ActionForm):
    closed_years = IntegerField(
        _l("Keep a closed case for this many years after it closed"),
        validators=[InputRequired(_l("Enter a whole number of years."))],
    )
    request_days = IntegerField(
        _l("Keep a request for contact that was closed without a case for this many days"),
        validators=[InputRequired(_l("Enter a whole number of days."))],
    )


def _page(hold_form: HoldForm | None = None, policy_form: PolicyForm | None = None, held: uuid.UUID | None = None):
    uow = unit_of_work()
    chosen = retention.policy(uow)
    return render_template(
        "retention/index.html",
        page=retention.due_for_deletion(uow, actor(), page_number()),
        policy=chosen,
        hold_form=hold_form or HoldForm(),
        blank_hold_form=HoldForm(formdata=None),
        holding=held,
        lift_form=ButtonForm(),
        policy_form=policy_form or PolicyForm(closed_years=chosen.closed_years, request_days=chosen.request_days),
    )


@bp.get("/")
@roles(*STAFF)
def index() -> str:
    return _page()


@bp.post("/<uuid:case_id>/hold")
@roles(*STAFF)
def hold(case_id: uuid.UUID) -> Response | tuple[str, int]:
    form = HoldForm()
    if form.validate_on_submit():
        try:
            retention.place_hold(unit_of_work(), actor(), case_id, form.reason.data, once=form.once.data)
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            flash(_("The legal hold is placed: the case will not be deleted until it is lifted."), "success")
            return redirect(url_for("retention.index"))
    return _page(hold_form=form, held=case_id), 400


@bp.post("/<uuid:case_id>/lift")
@roles(*STAFF)
def lift(case_id: uuid.UUID) -> Response:
    form = ButtonForm()
    if form.validate_on_submit():
        attempt(
            lambda: retention.lift_hold(unit_of_work(), actor(), case_id, once=form.once.data),
            _("The legal hold is lifted: the case will be deleted when its time is up."),
        )
    return redirect(url_for("retention.index"))


@bp.post("/policy")
@roles(Role.MANAGER)
def policy() -> Response | tuple[str, int]:
    form = PolicyForm()
    if form.validate_on_submit():
        try:
            retention.set_policy(unit_of_work(), actor(), form.closed_years.data, form.request_days.data)
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            flash(_("The retention policy is saved."), "success")
            return redirect(url_for("retention.index"))
    return _page(policy_form=form), 400
