"""Case supervision: a supervisor's list of their facilitators' cases and the record of each
supervision; and, for administrators, who is a senior facilitator and who supervises whom."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.services import supervision
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.exchange_context import actor, attempt
from portal.web.forms import ActionForm
from portal.web.paging import page_number

bp = Blueprint("supervision", __name__)


class SupervisionForm(ActionForm):
    notes = TextAreaField(
        _l("What the supervision discussed and agreed"),
        validators=[DataRequired(_l("Write what the supervision discussed and agreed.")), Length(max=8000)],
    )


class SeniorForm(ActionForm):
    senior = HiddenField(validators=[AnyOf(("yes", "no"))])


class SupervisorForm(ActionForm):
    supervisor = SelectField(_l("Supervisor"), validate_choice=False)


@bp.get("/supervision")
@roles(Role.FACILITATOR)
def index() -> str:
    page = supervision.supervised_cases(unit_of_work(), actor(), page_number())
    return render_template("supervision/index.html", page=page)


@bp.post("/admin/staff/<uuid:user_id>/senior")
@roles(Role.ADMIN)
def senior(user_id: uuid.UUID) -> Response:
    form = SeniorForm()
    if not form.validate_on_submit():
        abort(400)
    becomes = form.senior.data == "yes"
    attempt(
        lambda: supervision.set_senior(unit_of_work(), actor(), user_id, becomes),
        _("They are now a senior facilitator.") if becomes else _("They are no longer a senior facilitator."),
    )
    return redirect(url_for("admin.staff"))


@bp.post("/admin/staff/<uuid:user_id>/supervisor")
@roles(Role.ADMIN)
def supervisor(user_id: uuid.UUID) -> Response:
    form = SupervisorForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        chosen = uuid.UUID(form.supervisor.data) if form.supervisor.data else None
    except ValueError:
        abort(400)
    attempt(
        lambda: supervision.name_supervisor(unit_of_work(), actor(), user_id, chosen),
        _("The supervisor is saved.") if chosen else _("They have no named supervisor now."),
    )
    return redirect(url_for("admin.staff"))


def supervisor_form(current: uuid.UUID | None, seniors: list[tuple[uuid.UUID, str]]) -> SupervisorForm:
    """The choice for one facilitator's row on the staff page."""
    form = SupervisorForm(supervisor=str(current) if current else "")
    form.supervisor.choices = [SelectChoice("", _("No supervisor")), *(SelectChoice(str(i), n) for i, n in seniors)]
    return form
