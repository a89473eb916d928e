"""Signing in and out, the second step with an authenticator app, and joining by invitation."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.domain.problems import Problem
from portal.extensions import client_address, csrf, limiter
from portal.runtime import unit_of_work
from portal.services import accounts, invitations, recovery
from portal.services.accounts import AccountError, SignInOutcome
from portal.services.invitations import InvitationError
from portal.services.recovery import ResetError
from portal.storage.models import User
from portal.web import i18n
from portal.web.access import public, signed_in
from portal.web.catalogue import gettext as _
from portal.web.catalogue import ngettext
from portal.web.drafts import save_on_leaving
from portal.web.forms import ChoosePasswordForm, CodeForm, ForgottenPasswordForm, ResetPasswordForm, SignInForm
from portal.web.identity import SignedInUser
from portal.web.messages import refusal
from portal.web.qr import qr_data_uri
from portal.web.security import start_session_clock

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 300
# Per address and account together: one person in a prison or an office cannot use up the
# others' tries. Each account's own failures also slow it down (progressive delays, in the database).
SIGN_IN_LIMIT = "10 per minute; 100 per hour"
# Per address alone: the ceiling for someone spraying guesses across many accounts from one place.
ADDRESS_CEILING = "60 per minute; 600 per hour"


def _account_key() -> str:
    """The client's address with a keyed hash of the email it tries (never the email itself)."""
    email = (request.form.get("email") or "").strip().lower()
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{client_address()}|{digest}"


def _pending_key() -> str:
    pending = session.get("pending") or {}
    return f"{client_address()}|{pending.get('user', '')}"


def _token_key() -> str:
    return f"{client_address()}|{hashlib.sha256((request.view_args or {}).get('token', '').encode()).hexdigest()[:32]}"


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Too many tries. Please wait %(num)d second, then try again.",
        "Too many tries. Please wait %(num)d seconds, then try again.",
        seconds,
    )


def _begin(user: User) -> None:
    """A fresh session for a fresh sign-in: nothing from before carries over, but a language
    chosen on the way in (its cookie) becomes the account's own choice."""
    chosen = i18n.cookie_choice()
    if chosen is not None and chosen.value != user.language:
        accounts.set_language(unit_of_work(), user, chosen)
    session.clear()
    login_user(SignedInUser.signing_in(user))
    session.permanent = False
    start_session_clock()


def _hold_for_second_step(user: User, step: str) -> None:
    session.clear()
    # The session token too: a password reset or "sign out everywhere" meanwhile ends this step.
    session["pending"] = {"user": str(user.id), "step": step, "since": int(time.time()), "token": user.session_token}


def _pending_user(step: str) -> User | None:
    pending = session.get("pending")
    if not pending or pending.get("step") != step or time.time() - pending.get("since", 0) > PENDING_SECONDS:
        return None
    user = accounts.find_active(unit_of_work(), uuid.UUID(pending["user"]))
    if user is None or not hmac.compare_digest(user.session_token, pending.get("token", "")):
        return None
    return user


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, key_func=_account_key, methods=["POST"])
@limiter.limit(ADDRESS_CEILING, methods=["POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/sign_in.html", form=form), 400 if form.errors else 200
    result = accounts.sign_in(unit_of_work(), form.email.data, form.password.data)
    if result.outcome is SignInOutcome.DELAYED:
        form.form_errors.append(_wait_message(result.wait_seconds))
        return render_template("auth/sign_in.html", form=form), 429
    if result.outcome is SignInOutcome.REFUSED:
        form.form_errors.append(_("The email address or password is not right. Please try again."))
        return render_template("auth/sign_in.html", form=form), 401
    user = result.user
    if user is None:  # every outcome past a refusal names its account: anything else is a bug
        abort(500)
    if result.outcome is SignInOutcome.NEEDS_CODE:
        _hold_for_second_step(user, "code")
        return redirect(url_for("auth.sign_in_code"))
    if result.outcome is SignInOutcome.NEEDS_ENROLMENT:
        _hold_for_second_step(user, "enrol")
        return redirect(url_for("auth.set_up_authenticator"))
    _begin(user)
    return redirect(url_for("home.index"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, key_func=_pending_key, methods=["POST"])
@limiter.limit(ADDRESS_CEILING, methods=["POST"])
@public
def sign_in_code():
    user = _pending_user("code")
    if user is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form), 400 if form.errors else 200
    result = accounts.verify_sign_in_code(unit_of_work(), user, form.code.data)
    if result.outcome is SignInOutcome.DELAYED:
        form.form_errors.append(_wait_message(result.wait_seconds))
        return render_template("auth/code.html", form=form), 429
    if result.outcome is SignInOutcome.REFUSED:
        form.form_errors.append(_("That code did not work. Codes change every 30 seconds and each works once."))
        return render_template("auth/code.html", form=form), 401
    _begin(user)
    return redirect(url_for("home.index"))


@bp.route("/sign-in/set-up-authenticator", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, key_func=_pending_key, methods=["POST"])
@limiter.limit(ADDRESS_CEILING, methods=["POST"])
@public
def set_up_authenticator():
    """Staff enrol at their first sign-in; the page works only right after a correct password."""
    user = _pending_user("enrol")
    if user is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.sign_in"))
    uow = unit_of_work()
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.confirm_totp_enrolment(uow, user, form.code.data):
            _begin(user)
            flash(_("Your authenticator app is set up."), "success")
            return redirect(url_for("home.index"))
        form.code.errors = [_("That code did not work. Check the time on your phone is right and try the newest code.")]
    if user.totp_secret_sealed is None:
        accounts.begin_totp_enrolment(uow, user)
    secret = accounts.pending_totp_secret(uow, user)
    status = 400 if form.errors else 200
    return render_template(
        "auth/enrol.html", form=form, secret=secret, qr=qr_data_uri(accounts.totp_uri(uow, user))
    ), status


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    account = current_user.found()
    if account is not None:
        accounts.record_sign_out(unit_of_work(), account)
    logout_user()
    session.clear()
    flash(_("You have signed out. If this is a shared computer, close the browser too."), "success")
    return redirect(url_for("auth.sign_in"))


# What the browser is told to forget when someone leaves quickly: its cache (so Back shows
# nothing), the cookies (the session) and anything stored.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


@bp.route("/leave", methods=["GET", "POST"])
@limiter.exempt
@csrf.exempt
@public
def leave():
    """ "Leave this site": end the session for real, make the browser forget the site, go elsewhere.

    Without JavaScript the link itself comes here (GET) and is sent on. With it, the page's
    script sends a beacon here (POST, carrying a draft being written, which is saved first)
    and replaces its own history entry, so the exit never waits for this answer. Leaving must
    always work, so it needs no CSRF token: the worst another site could do with it is sign
    someone out. A draft is saved only with the form's own valid token (see `save_on_leaving`).
    """
    if current_user.is_authenticated:
        if request.method == "POST":
            save_on_leaving()
        account = current_user.found()
        if account is not None:  # leaving ends the session whatever became of the account
            accounts.record_sign_out(unit_of_work(), account, left_site=True)
        logout_user()
    session.clear()
    response = redirect(current_app.config["LEAVE_SITE_URL"], 303) if request.method == "GET" else ("", 204)
    response = current_app.make_response(response)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, key_func=_token_key, methods=["POST"])
@limiter.limit(ADDRESS_CEILING, methods=["POST"])
@public
def join(token: str):
    if len(token) > 128:
        abort(404)
    uow = unit_of_work()
    try:
        pending = invitations.open_invitation(uow, token)
    except InvitationError as problem:
        return render_template("auth/join_problem.html", message=refusal(problem)), 410
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            invitations.accept(uow, token, form.password.data)
        except InvitationError as problem:
            return render_template("auth/join_problem.html", message=refusal(problem)), 410
        except AccountError as problem:
            form.password.errors = [refusal(problem)]
        else:
            session.clear()
            flash(_("Your account is ready. Please sign in with your email address and new password."), "success")
            return redirect(url_for("auth.sign_in"))
    email = invitations.invitation_email(uow, pending)
    return render_template("auth/join.html", form=form, pending=pending, email=email), 400 if form.errors else 200


# Asking for a reset link: per address and email together, and a ceiling per address. The
# answer is the same whether or not the email has an account.
RESET_LIMIT = "3 per 15 minutes; 10 per day"


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(RESET_LIMIT, key_func=_account_key, methods=["POST"])
@limiter.limit(ADDRESS_CEILING, methods=["POST"])
@public
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        recovery.request_reset(unit_of_work(), form.email.data, i18n.chosen_language())
        return render_template("auth/reset_sent.html")
    return render_template("auth/forgotten_password.html", form=form), 400 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, key_func=_token_key, methods=["POST"])
@limiter.limit(ADDRESS_CEILING, methods=["POST"])
@public
def reset_password(token: str):
    if len(token) > 128:
        abort(404)
    uow = unit_of_work()
    try:
        pending = recovery.open_reset(uow, token)
    except ResetError as problem:
        return render_template("auth/join_problem.html", message=refusal(problem)), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.choose_password(uow, token, form.password.data, form.code.data or "")
        except ResetError as problem:
            if problem.problem is not Problem.RESET_CODE_WRONG:
                return render_template("auth/join_problem.html", message=refusal(problem)), 410
            form.code.errors = [refusal(problem)]
        except AccountError as problem:
            form.password.errors = [refusal(problem)]
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your new password is set, and you are signed out everywhere. Please sign in."), "success")
            return redirect(url_for("auth.sign_in"))
    email = recovery.email_of(uow, pending.user)
    return render_template(
        "auth/reset_password.html", form=form, email=email, needs_code=pending.needs_code
    ), 400 if form.errors else 200
