"""The signed-in person's own account: details, password, authenticator, sessions."""

from __future__ import annotations

import phonenumbers
from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from portal.domain.notifications import Channel
from portal.runtime import unit_of_work
from portal.services import accounts
from portal.services.accounts import AccountError
from portal.web.access import signed_in
from portal.web.catalogue import gettext as _
from portal.web.forms import ChangePasswordForm, CodeForm, NotificationChoicesForm
from portal.web.messages import refusal
from portal.web.qr import qr_data_uri
from portal.web.security import start_session_clock

bp = Blueprint("account", __name__, url_prefix="/account")


def _keep_this_session() -> None:
    """After the token rotates, carry on in this browser with the new one, on the same clock:
    rotating must never extend the absolute session limit."""
    signed_in_at = session.get("signed_in_at")
    session.clear()
    login_user(current_user._get_current_object())  # the user itself: a proxy would point at itself
    start_session_clock()
    if signed_in_at:
        session["signed_in_at"] = signed_in_at


@bp.get("/")
@signed_in
def overview():
    uow = unit_of_work()
    details = accounts.details(uow, current_user.record)
    choices = accounts.notification_choices(uow, current_user.record)
    return render_template("account/overview.html", details=details, choices=choices)


@bp.route("/notifications", methods=["GET", "POST"])
@signed_in
def notifications():
    """Whether to be told at all, and where: another address than the sign-in one may be safer."""
    uow = unit_of_work()
    user = current_user.record
    form = NotificationChoicesForm()
    texts = current_app.config.get("SMS_TRANSPORT", "none") != "none"
    if form.validate_on_submit():
        before = accounts.notification_choices(uow, user)
        choices = accounts.NotificationChoices(
            by_email=form.by_email.data,
            daily_digest=form.daily_digest.data if current_user.is_staff else user.daily_digest,
            address=form.address.data or None,
            # Where the service sends no text messages, the page does not ask: keep what was there.
            channel=Channel(form.channel.data or "email") if texts else before.channel,
            phone=(form.phone.data or None) if texts else before.phone,
        )
        try:
            accounts.set_notification_choices(uow, user, choices, password=form.current.data)
        except AccountError as problem:
            form.current.errors = [refusal(problem)]
        else:
            flash(_("Your choices are saved."), "success")
            return redirect(url_for("account.overview"))
    if not form.is_submitted():
        choices = accounts.notification_choices(uow, user)
        form.by_email.data = choices.by_email
        form.daily_digest.data = choices.daily_digest
        form.address.data = choices.address or ""
        form.channel.data = choices.channel.value
        form.phone.data = _shown_phone(choices.phone)
    return render_template(
        "account/notifications.html", form=form, texts=texts
    ), 400 if form.errors or form.current.errors else 200


def _shown_phone(phone: str | None) -> str:
    """A stored +44 number as people write it: 07911 123456."""
    if not phone:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(phone, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)


@bp.get("/keep-alive")
@signed_in
def keep_alive():
    """Called by the writing page's script while someone types, so a long letter outlives the idle timeout."""
    return "", 204


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(unit_of_work(), current_user.record, form.current.data, form.password.data)
        except AccountError as problem:
            form.form_errors.append(refusal(problem))
        else:
            _keep_this_session()
            flash(
                _("Your password is changed. Any other device signed in to your account has been signed out."),
                "success",
            )
            return redirect(url_for("account.overview"))
    return render_template("account/password.html", form=form), 400 if form.errors else 200


@bp.post("/sign-out-everywhere")
@signed_in
def sign_out_everywhere():
    accounts.sign_out_everywhere(unit_of_work(), current_user.record)
    _keep_this_session()
    flash(_("Every other device signed in to your account has been signed out."), "success")
    return redirect(url_for("account.overview"))


@bp.route("/authenticator", methods=["GET", "POST"])
@signed_in
def authenticator():
    """Participants may choose to add an authenticator app; staff already have one."""
    uow = unit_of_work()
    user = current_user.record
    if user.totp_enabled:
        return render_template("account/authenticator_on.html")
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.confirm_totp_enrolment(uow, user, form.code.data):
            flash(_("Your authenticator app is set up. You will be asked for a code when you sign in."), "success")
            return redirect(url_for("account.overview"))
        form.code.errors = [_("That code did not work. Check the time on your phone is right and try the newest code.")]
    if user.totp_secret_sealed is None:
        accounts.begin_totp_enrolment(uow, user)
    secret = accounts.pending_totp_secret(uow, user)
    return render_template(
        "account/authenticator.html", form=form, secret=secret, qr=qr_data_uri(accounts.totp_uri(uow, user))
    ), 400 if form.errors else 200


@bp.post("/authenticator/remove")
@signed_in
def remove_authenticator():
    try:
        accounts.turn_off_totp(unit_of_work(), current_user.record)
    except AccountError as problem:
        flash(refusal(problem), "error")
    else:
        flash(_("Your authenticator app has been removed from your account."), "success")
    return redirect(url_for("account.overview"))
