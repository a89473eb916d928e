"""Caseload screens: the case list's search and filters (a GET form, kept in the URL), "my week"
for a facilitator, and for a manager the workload view and the service's promises."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.domain import deadlines
from portal.domain.deadlines import WEEK_AHEAD, Promises
from portal.domain.enums import RiskLevel, Role, Stage
from portal.domain.errors import DomainError
from portal.runtime import unit_of_work
from portal.services import caseload, clock
from portal.services.caseload import Filters, NeedsAction, Sort
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.exchange_context import actor
from portal.web.forms import RISK_LEVELS, STAGES, PortalForm, _choices, new_once
from portal.web.messages import refusal
from portal.web.paging import page_number

bp = Blueprint("caseload", __name__)

NEEDS_ACTION = {
    NeedsAction.ANY.value: _l("Anything waiting"),
    NeedsAction.REVIEW.value: _l("Waiting for review"),
    NeedsAction.CONFIRM.value: _l("Notes to confirm"),
    NeedsAction.RELEASE.value: _l("Ready to pass on"),
    NeedsAction.HOLD.value: _l("On hold"),
}
SORTS = {
    Sort.ACTIVITY.value: _l("Latest activity"),
    Sort.REFERRED.value: _l("Referral date, newest first"),
    Sort.DUE.value: _l("Due date, soonest first"),
}


def _searchable(_form: PortalForm, field: StringField) -> None:
    if field.data and field.data.strip() and not caseload.searchable(field.data):
        raise ValidationError(_l("Enter the referral reference with its letters and numbers."))


class CaseFilterForm(PortalForm):
    """The case list's search, filters and order: sent with GET, so the URL keeps them."""

    class Meta(PortalForm.Meta):
        csrf = False

    reference = StringField(
        _l("Referral reference"),
        validators=[
            Optional(),
            Length(max=60, message=_l("A referral reference has at most 60 characters.")),
            _searchable,
        ],
    )
    stage = SelectField(_l("Stage"), choices=[SelectChoice("", _l("Any stage")), *_choices(STAGES)], default="")
    risk = SelectField(_l("Risk"), choices=[SelectChoice("", _l("Any risk level")), *_choices(RISK_LEVELS)], default="")
    action = SelectField(
        _l("Needs action"), choices=[SelectChoice("", _l("Any case")), *_choices(NEEDS_ACTION)], default=""
    )
    overdue = BooleanField(_l("Only cases with something overdue"))
    sort = SelectField(_l("Sort by"), choices=_choices(SORTS), default=Sort.ACTIVITY.value)


def case_filters() -> tuple[CaseFilterForm, Filters, dict[str, str]]:
    """The filters the URL asks for; a value no form offers (an edited URL) is simply not applied.
    Also the query arguments that keep them, for the page links."""
    form = CaseFilterForm(formdata=request.args)
    form.validate()
    for name in ("stage", "risk", "action", "sort"):
        if getattr(form, name).errors:
            getattr(form, name).errors = []
            getattr(form, name).data = getattr(form, name).default
    reference = "" if form.reference.errors else (form.reference.data or "").strip()
    filters = Filters(
        reference=reference,
        stage=Stage(form.stage.data) if form.stage.data else None,
        risk=RiskLevel(form.risk.data) if form.risk.data else None,
        action=NeedsAction(form.action.data) if form.action.data else None,
        overdue=bool(form.overdue.data),
        sort=Sort(form.sort.data or Sort.ACTIVITY.value),
    )
    query = {
        "reference": filters.reference,
        "stage": form.stage.data or "",
        "risk": form.risk.data or "",
        "action": form.action.data or "",
        "overdue": "y" if filters.overdue else "",
        "sort": filters.sort.value if filters.sort != Sort.ACTIVITY else "",
    }
    return form, filters, {key: value for key, value in query.items() if value}


@bp.get("/my-week")
@roles(Role.FACILITATOR)
def my_week() -> str:
    today = clock.today_in_uk()
    page = caseload.my_week(unit_of_work(), actor(), page_number(), today=today)
    until = today + timedelta(days=WEEK_AHEAD)
    return render_template("caseload/my_week.html", page=page, until=until)


@bp.get("/workload")
@roles(Role.MANAGER)
def workload() -> str:
    loads = caseload.workload(unit_of_work(), actor())
    stages = [stage for stage in Stage if any(load.by_stage.get(stage) for load in loads)]
    return render_template("caseload/workload.html", loads=loads, stages=stages)


def _within_range(_form: PortalForm, field: IntegerField) -> None:
    """The domain's range for this promise, said next to the field (every field at once)."""
    if field.data is None:
        return
    try:
        deadlines.check_promise(field.name, field.data)
    except DomainError as problem:
        raise ValidationError(refusal(problem)) from problem


class PromisesForm(PortalForm):
    once = HiddenField(default=new_once, validators=[Length(max=64)])
    first_contact_days = IntegerField(
        _l("First contact, in days after the referral"),
        validators=[InputRequired(_l("Enter a whole number of days.")), _within_range],
    )
    review_days = IntegerField(
        _l("Review of anything sent for review, in days after it was sent"),
        validators=[InputRequired(_l("Enter a whole number of days.")), _within_range],
    )
    follow_up_days = IntegerField(
        _l("Follow-up after a meeting, in days after it was held"),
        validators=[InputRequired(_l("Enter a whole number of days.")), _within_range],
    )
    supervision_weeks = IntegerField(
        _l("Case supervision, at least every so many weeks"),
        validators=[InputRequired(_l("Enter a whole number of weeks.")), _within_range],
    )


@bp.route("/service-settings", methods=["GET", "POST"])
@roles(Role.MANAGER)
def settings() -> Response | tuple[str, int]:
    uow = unit_of_work()
    current = caseload.promises(uow)
    form = PromisesForm(data=None if request.method == "POST" else _promise_values(current))
    if form.validate_on_submit():
        try:
            caseload.set_promises(
                uow,
                actor(),
                first_contact_days=form.first_contact_days.data,
                review_days=form.review_days.data,
                follow_up_days=form.follow_up_days.data,
                supervision_weeks=form.supervision_weeks.data,
                once=form.once.data,
            )
        except DomainError as problem:
            field = getattr(form, str(problem.params.get("field", "")), None)
            if field is not None:
                field.errors = [refusal(problem)]
            else:
                form.form_errors.append(refusal(problem))
        else:
            flash(_("The service's promises are saved. Due dates now count from them."), "success")
            return redirect(url_for("caseload.settings"))
    has_errors = bool(form.errors or form.form_errors)
    return settings_page(form), 400 if has_errors else 200


def settings_page(form: PromisesForm | None = None, media_form: PortalForm | None = None) -> str:
    """The manager's settings: the service's promises, and its limits on files (portal.web.media)."""
    from portal.web.media import limits_form

    uow = unit_of_work()
    if form is None:
        form = PromisesForm(formdata=None, data=_promise_values(caseload.promises(uow)))
    return render_template("caseload/settings.html", form=form, media_form=media_form or limits_form(uow))


def _promise_values(current: Promises) -> dict[str, Any]:
    return {
        "first_contact_days": current.first_contact_days,
        "review_days": current.review_days,
        "follow_up_days": current.follow_up_days,
        "supervision_weeks": current.supervision_weeks,
    }
