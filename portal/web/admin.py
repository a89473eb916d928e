"""Administrators manage staff accounts. They never see case content."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.runtime import unit_of_work
from portal.services import accounts, invitations
from portal.services.accounts import AccountError, Role
from portal.storage.models import User
from portal.web.access import roles
from portal.web.exchange_context import actor
from portal.web.forms import ButtonForm, InviteStaffForm
from portal.web.links import external_url
from portal.web.messages import refusal

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _staff_member(user_id: uuid.UUID) -> User:
    user = unit_of_work().session.get(User, user_id)
    if user is None or user.role == Role.PARTICIPANT:
        abort(404)
    return user


@bp.get("/staff")
@roles(Role.ADMIN)
def staff():
    return render_template("admin/staff.html", staff=accounts.staff_accounts(unit_of_work()))


@bp.route("/staff/invite", methods=["GET", "POST"])
@roles(Role.ADMIN)
def invite_staff():
    form = InviteStaffForm()
    if form.validate_on_submit():
        try:
            token = invitations.invite(unit_of_work(), actor(), Role(form.role.data), form.name.data, form.email.data)
        except AccountError as problem:
            form.email.errors = [refusal(problem)]
        else:
            return render_template(
                "invitation_link.html", link=external_url("auth.join", token=token), name=form.name.data
            )
    return render_template("admin/invite.html", form=form), 400 if form.errors else 200


@bp.post("/staff/<uuid:user_id>/deactivate")
@roles(Role.ADMIN)
def deactivate(user_id: uuid.UUID) -> Response:
    _set_active(user_id, False)
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<uuid:user_id>/reactivate")
@roles(Role.ADMIN)
def reactivate(user_id: uuid.UUID) -> Response:
    _set_active(user_id, True)
    return redirect(url_for("admin.staff"))


def _set_active(user_id: uuid.UUID, active: bool) -> None:
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        accounts.set_active(unit_of_work(), actor(), _staff_member(user_id).id, active)
    except AccountError as problem:
        flash(refusal(problem), "error")
    else:
        flash(
            _("The account is switched on.") if active else _("The account is switched off and signed out."), "success"
        )


@bp.post("/staff/<uuid:user_id>/clear-delay")
@roles(Role.ADMIN)
def clear_delay(user_id: uuid.UUID) -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    accounts.clear_sign_in_delay(unit_of_work(), actor(), _staff_member(user_id).id)
    flash(_("The sign-in delay is cleared."), "success")
    return redirect(url_for("admin.staff"))
