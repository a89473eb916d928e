"""A participant's own pages: their inbox, their consent, and stopping at any time."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal.domain import items as item_rules
from portal.domain.consent import EXPLANATIONS, FORMAT_NAMES
from portal.domain.enums import ConsentFormat, ItemKind, Role, Side
from portal.domain.errors import DomainError
from portal.domain.permissions import may_write_for
from portal.domain.presentation import NOUNS, SIDE_NAMES
from portal.runtime import unit_of_work
from portal.services import casework, letters
from portal.web.access import roles
from portal.web.exchange_context import actor, case_or_404

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
def inbox(case_id: uuid.UUID):
    context = case_or_404(case_id)
    uow = unit_of_work()
    letters.deliver_due(uow)
    me = context.me
    writable = [
        kind
        for kind in (ItemKind.LETTER, ItemKind.QUESTION_SET)
        if item_rules.may_start(context.case, context.actor, me, kind)
    ]
    to_answer = []
    if me.side == Side.RESPONSIBLE and may_write_for(context.case, context.actor, me, ItemKind.ANSWERS):
        to_answer = letters.question_sets_to_answer(uow, context)
    return render_template(
        "participation/inbox.html",
        context=context,
        entries=letters.inbox(uow, context),
        writable=writable,
        to_answer=to_answer,
        nouns=NOUNS,
        other_side=SIDE_NAMES[me.side.other],
    )


@bp.route("/cases/<uuid:case_id>/consent", methods=["GET", "POST"])
@roles(Role.PARTICIPANT)
def consent(case_id: uuid.UUID):
    """Each way of taking part explained in plain words; the person chooses for each."""
    context = case_or_404(case_id)
    if request.method == "POST":
        try:
            consent_format = ConsentFormat(request.form.get("format", ""))
        except ValueError:
            abort(400)
        given = request.form.get("given") == "yes"
        try:
            casework.record_consent(unit_of_work(), context, context.me.id, consent_format, given)
        except DomainError as problem:
            unit_of_work().rollback()
            flash(str(problem), "error")
        else:
            name = FORMAT_NAMES[consent_format]
            flash(f"You said yes to {name}." if given else f"You said no to {name}. That's fine.", "success")
        return redirect(url_for("participation.consent", case_id=case_id))
    return render_template(
        "participation/consent.html",
        context=context,
        explanations=EXPLANATIONS,
        names=FORMAT_NAMES,
        current=casework.consents_of(context, context.me.id),
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
def stop(case_id: uuid.UUID):
    context = case_or_404(case_id)
    if request.method == "POST" and not context.me.withdrawn:
        try:
            casework.withdraw(unit_of_work(), context, context.me.id)
        except DomainError as problem:
            unit_of_work().rollback()
            flash(str(problem), "error")
        return redirect(url_for("participation.stop", case_id=case_id))
    return render_template("participation/stop.html", context=context)
