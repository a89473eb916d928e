"""Facilitators invite participants; the link is shown once, to pass on safely."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from portal.runtime import unit_of_work
from portal.services import invitations
from portal.services.accounts import AccountError, Role
from portal.web.access import roles
from portal.web.forms import InviteForm

bp = Blueprint("invitations", __name__, url_prefix="/invitations")


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def new():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            token = invitations.invite(
                unit_of_work(), current_user.record, Role.PARTICIPANT, form.name.data, form.email.data
            )
        except AccountError as problem:
            form.email.errors = [str(problem)]
        else:
            link = url_for("auth.join", token=token, _external=True)
            return render_template("invitation_link.html", link=link, name=form.name.data)
    return render_template("invitations/new.html", form=form), 400 if form.errors else 200
