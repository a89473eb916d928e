"""A participant's own pages: their inbox, their consent, and stopping at any time."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.domain.cases import Participant
from portal.domain.enums import ConsentFormat, Role
from portal.runtime import unit_of_work
from portal.services import casework, letters
from portal.services.casework import CaseContext
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.exchange_context import actor, attempt, case_or_404
from portal.web.forms import ButtonForm, ConsentForm
from portal.web.paging import page_number

bp = Blueprint("participation", __name__)


def my_cases():
    return casework.participant_cases(unit_of_work(), actor())


@bp.get("/my-cases")
@roles(Role.PARTICIPANT)
def cases():
    rows = my_cases()
    if len(rows) == 1:
        return redirect(url_for("participation.inbox", case_id=rows[0].id))
    return render_template("participation/cases.html", rows=rows)


@bp.get("/cases/<uuid:case_id>/inbox")
@roles(Role.PARTICIPANT)
def inbox(case_id: uuid.UUID) -> str:
    box = letters.inbox(unit_of_work(), actor(), case_id, page_number("received"), page_number("written"))
    me = box.context.me
    assert me is not None  # letters.inbox refuses anyone else
    return render_template(
        "participation/inbox.html",
        context=box.context,
        received=box.received,
        mine=box.mine,
        writable=box.writable,
        to_answer=box.to_answer,
        other_side=me.side.other,
    )


@bp.route("/cases/<uuid:case_id>/consent", methods=["GET", "POST"])
@roles(Role.PARTICIPANT)
def consent(case_id: uuid.UUID) -> Response | str:
    """Each way of taking part explained in plain words; the person chooses for each."""
    context = case_or_404(case_id)
    me = _me(context)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            consent_format = ConsentFormat(form.format.data)
        except ValueError:
            abort(400)
        given = form.given.data == "yes"
        attempt(
            lambda: casework.record_consent(
                unit_of_work(), actor(), case_id, me.id, consent_format, given, once=form.once.data
            ),
            _consent_message(consent_format, given),
        )
        return redirect(url_for("participation.consent", case_id=case_id))
    if form.is_submitted():
        abort(400)
    return render_template(
        "participation/consent.html",
        context=context,
        formats=list(ConsentFormat),
        current=casework.consents_of(context, me.id),
    )


@bp.get("/stop")
@roles(Role.PARTICIPANT)
def stop_choose():
    """The "Stop taking part" link on every page lands here."""
    rows = my_cases()
    if len(rows) == 1:
        return redirect(url_for("participation.stop", case_id=rows[0].id))
    return render_template("participation/stop_choose.html", rows=rows)


@bp.route("/cases/<uuid:case_id>/stop", methods=["GET", "POST"])
@roles(Role.PARTICIPANT)
def stop(case_id: uuid.UUID) -> Response | str:
    context = case_or_404(case_id)
    me = _me(context)
    form = ButtonForm()
    if form.validate_on_submit():
        if not me.withdrawn:
            attempt(lambda: casework.withdraw(unit_of_work(), actor(), case_id, me.id, once=form.once.data), "")
        return redirect(url_for("participation.stop", case_id=case_id))
    return render_template("participation/stop.html", context=context)


def _consent_message(consent_format: ConsentFormat, given: bool) -> str:
    if given:
        return {
            ConsentFormat.LETTERS: _("You said yes to letters."),
            ConsentFormat.QUESTIONS: _("You said yes to questions and answers."),
            ConsentFormat.SHUTTLE: _("You said yes to messages through the facilitator."),
            ConsentFormat.MEETING: _("You said yes to a meeting."),
            ConsentFormat.RECORDINGS: _("You said yes to recorded messages."),
        }[consent_format]
    return {
        ConsentFormat.LETTERS: _("You said no to letters. That's fine."),
        ConsentFormat.QUESTIONS: _("You said no to questions and answers. That's fine."),
        ConsentFormat.SHUTTLE: _("You said no to messages through the facilitator. That's fine."),
        ConsentFormat.MEETING: _("You said no to a meeting. That's fine."),
        ConsentFormat.RECORDINGS: _("You said no to recorded messages. That's fine."),
    }[consent_format]


def _me(context: CaseContext) -> Participant:
    """The signed-in participant in this case (a case they are not in was already "not found")."""
    if context.me is None:
        abort(404)
    return context.me
