"""The facilitator's review: the queue, the review screen with screening suggestions, and release."""

from __future__ import annotations

import uuid
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal.domain.enums import ReviewDecision, Role
from portal.domain.errors import DomainError
from portal.domain.permissions import ItemAction
from portal.runtime import unit_of_work
from portal.services import letters
from portal.services.casework import CaseNotFound
from portal.web.access import roles
from portal.web.exchange_context import actor, case_or_404
from portal.web.forms import ReleaseForm

bp = Blueprint("review", __name__)
UK = ZoneInfo("Europe/London")
MAX_FIELD = 20_000


@bp.get("/review")
@roles(Role.FACILITATOR, Role.MANAGER)
def queue():
    try:
        number = max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        number = 1
    me = actor()
    page = letters.review_queue(unit_of_work(), me.user_id, me.role, number)
    return render_template("review/queue.html", page=page)


@bp.route("/cases/<uuid:case_id>/items/<uuid:item_id>/review", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def review(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    uow = unit_of_work()
    try:
        reading = letters.read(uow, context, item_id)
    except CaseNotFound:
        abort(404)
    found = letters.suggestions(context, reading.item)
    if ItemAction.REVIEW not in reading.may:
        flash(f"This {reading.noun} cannot be reviewed by you now.", "error")
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    errors: list[str] = []
    form = request.form
    if request.method == "POST":
        if any(len(form.get(name, "")) > MAX_FIELD for name in ("passages", "message", "passage_reason")):
            errors.append("Please keep each box under 20,000 characters.")
        else:
            try:
                decision = ReviewDecision(form.get("decision", ""))
            except ValueError:
                errors.append("Please choose what to do with it.")
            else:
                request_ = letters.ReviewRequest(
                    decision=decision,
                    ticked=frozenset(form.getlist("suggestion")),
                    passages=form.get("passages", ""),
                    passage_reason=form.get("passage_reason", "").strip() or "Removed by your facilitator",
                    message=form.get("message", ""),
                    checked=form.get("checked") == "yes",
                    version=form.get("version", ""),
                )
                try:
                    after = letters.review(uow, context, item_id, request_)
                except DomainError as problem:
                    uow.rollback()
                    errors.append(str(problem))
                else:
                    flash(_decision_message(decision, after.state.value), "success")
                    if after.state.value == "approved":
                        return redirect(url_for("review.release", case_id=case_id, item_id=item_id))
                    return redirect(url_for("cases.show", case_id=case_id))
    ticked = set(form.getlist("suggestion")) if request.method == "POST" else {s.key for s in found}
    return render_template(
        "review/review.html",
        context=context,
        reading=reading,
        suggestions=found,
        highlighted=highlighted(reading.item.parts, found),
        version=letters.version_of(reading.item),
        ticked=ticked,
        form=form,
        errors=errors,
        decisions=ReviewDecision,
    ), 400 if errors else 200


def highlighted(
    parts: tuple[str, ...], found: list[letters.Suggestion]
) -> list[list[tuple[str, letters.Suggestion | None]]]:
    """Each part cut into plain runs and found runs, so the page can mark what screening found."""
    pieces = []
    for index, text in enumerate(parts):
        runs: list[tuple[str, letters.Suggestion | None]] = []
        position = 0
        for suggestion in sorted((s for s in found if s.part == index), key=lambda s: (s.start, -s.end)):
            if suggestion.start < position:
                continue
            runs.append((text[position : suggestion.start], None))
            runs.append((text[suggestion.start : suggestion.end], suggestion))
            position = suggestion.end
        runs.append((text[position:], None))
        pieces.append(runs)
    return pieces


def _decision_message(decision: ReviewDecision, state: str) -> str:
    if state == "awaiting_second_approval":
        return "Your approval is recorded. Another facilitator must approve it before it can be passed on."
    return {
        ReviewDecision.APPROVE: "Approved. You can pass it on now or at a set time.",
        ReviewDecision.REDACT: "Approved with passages removed. Check the copy below before passing it on.",
        ReviewDecision.RETURN: "Returned to the writer with your message.",
        ReviewDecision.WITHHOLD: "Withheld. It will not be passed on; the writer sees your explanation.",
    }[decision]


@bp.route("/cases/<uuid:case_id>/items/<uuid:item_id>/release", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def release(case_id: uuid.UUID, item_id: uuid.UUID):
    """Shows the exact copy the recipient will read, then passes it on now or at a set time."""
    context = case_or_404(case_id)
    uow = unit_of_work()
    form = ReleaseForm()
    if form.validate_on_submit():
        at = None
        if form.when.data == "later":
            if form.release_at.data is None:
                form.release_at.errors = ["Choose the date and time to pass it on."]
            else:
                at = form.release_at.data.replace(tzinfo=UK).astimezone(UTC)
        if not form.errors:
            try:
                letters.release(uow, context, item_id, at, request.form.get("version", ""))
            except CaseNotFound:
                abort(404)
            except DomainError as problem:
                uow.rollback()
                form.form_errors.append(str(problem))
            else:
                flash("It is passed on." if at is None else "It will be passed on at the time you chose.", "success")
                return redirect(url_for("cases.show", case_id=case_id))
    try:
        reading = letters.read(uow, context, item_id)
    except CaseNotFound:
        abort(404)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "review/release.html", context=context, reading=reading, form=form, version=letters.version_of(reading.item)
    ), status


@bp.post("/cases/<uuid:case_id>/items/<uuid:item_id>/lift-hold")
@roles(Role.FACILITATOR)
def lift_hold(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    try:
        letters.lift_hold(unit_of_work(), context, item_id)
    except CaseNotFound:
        abort(404)
    except DomainError as problem:
        unit_of_work().rollback()
        flash(str(problem), "error")
    else:
        flash("The hold is lifted. It is back in the review queue.", "success")
    return redirect(url_for("cases.show", case_id=case_id))
