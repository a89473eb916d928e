"""Administrators manage staff accounts. They never see case content."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.domain.enums import Language
from portal.runtime import unit_of_work
from portal.services import accounts, invitations, outbox, recovery, supervision
from portal.services.accounts import AccountError, Role
from portal.storage.models import User
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.exchange_context import actor
from portal.web.forms import ButtonForm, InviteStaffForm
from portal.web.links import external_url
from portal.web.messages import refusal
from portal.web.supervision import supervisor_form

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _staff_member(user_id: uuid.UUID) -> User:
    user = unit_of_work().session.get(User, user_id)
    if user is None or user.role == Role.PARTICIPANT:
        abort(404)
    return user


@bp.get("/staff")
@roles(Role.ADMIN)
def staff():
    uow = unit_of_work()
    seniors = supervision.staff_choices(uow)
    return render_template(
        "admin/staff.html",
        staff=accounts.staff_accounts(uow),
        supervisor_form=lambda user: supervisor_form(user.supervisor_id, [s for s in seniors if s[0] != user.id]),
    )


@bp.route("/staff/invite", methods=["GET", "POST"])
@roles(Role.ADMIN)
def invite_staff():
    form = InviteStaffForm()
    if form.validate_on_submit():
        try:
            send_in = Language(form.email_language.data) if form.delivery.data == "email" else None
            token = invitations.invite(
                unit_of_work(), actor(), Role(form.role.data), form.name.data, form.email.data, send_in=send_in
            )
        except AccountError as problem:
            form.email.errors = [refusal(problem)]
        else:
            link = None if send_in else external_url("auth.join", token=token)
            return render_template("invitation_link.html", link=link, name=form.name.data)
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


@bp.post("/staff/<uuid:user_id>/reset-authenticator")
@roles(Role.ADMIN)
def reset_authenticator(user_id: uuid.UUID) -> Response:
    """For a lost phone: they set up a new authenticator at their next sign-in."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        accounts.reset_totp(unit_of_work(), actor(), _staff_member(user_id).id)
    except AccountError as problem:
        flash(refusal(problem), "error")
    else:
        flash(
            _("Their authenticator is reset and they are signed out. They set up a new one when they next sign in."),
            "success",
        )
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<uuid:user_id>/reset-link")
@roles(Role.ADMIN)
def reset_link(user_id: uuid.UUID) -> str | Response:
    """For staff who lost their password and authenticator: a one-hour link, shown once."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    member = _staff_member(user_id)
    try:
        token = recovery.link_for_staff(unit_of_work(), actor(), member.id)
    except AccountError as problem:
        flash(refusal(problem), "error")
        return redirect(url_for("admin.staff"))
    name = accounts.details(unit_of_work(), member).name
    return render_template("reset_link.html", link=external_url("auth.reset_password", token=token), name=name)


@bp.post("/staff/<uuid:user_id>/clear-delay")
@roles(Role.ADMIN)
def clear_delay(user_id: uuid.UUID) -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    accounts.clear_sign_in_delay(unit_of_work(), actor(), _staff_member(user_id).id)
    flash(_("The sign-in delay is cleared."), "success")
    return redirect(url_for("admin.staff"))


@bp.get("/notifications")
@roles(Role.ADMIN)
def notifications() -> str:
    """Messages that every try failed to send: kind, when, how often and why, never to whom."""
    return render_template("admin/notifications.html", failed=outbox.failed(unit_of_work()), form=ButtonForm())


@bp.post("/notifications/<uuid:message_id>/retry")
@roles(Role.ADMIN)
def retry_notification(message_id: uuid.UUID) -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    if outbox.retry(unit_of_work(), message_id, actor().user_id):
        flash(_("The message will be sent again in the next minute."), "success")
    else:
        abort(404)
    return redirect(url_for("admin.notifications"))
