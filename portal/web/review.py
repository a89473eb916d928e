"""The facilitator's review: the queue, the review screen with screening suggestions, and release."""

from __future__ import annotations

import uuid
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.domain.enums import ItemState, ReviewDecision, Role
from portal.domain.errors import DomainError
from portal.domain.permissions import ItemAction
from portal.domain.redaction import FACILITATOR_REASON
from portal.runtime import unit_of_work
from portal.services import letters
from portal.services.casework import CaseNotFound
from portal.web.access import roles
from portal.web.exchange_context import actor, attempt
from portal.web.forms import REVIEW_CHOICES, ButtonForm, ReleaseForm, ReviewForm
from portal.web.messages import refusal

bp = Blueprint("review", __name__)
UK = ZoneInfo("Europe/London")


@bp.get("/review")
@roles(Role.FACILITATOR, Role.MANAGER)
def queue() -> str:
    try:
        number = max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        number = 1
    page = letters.review_queue(unit_of_work(), actor(), number)
    return render_template("review/queue.html", page=page)


@bp.route("/cases/<uuid:case_id>/items/<uuid:item_id>/review", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def review(case_id: uuid.UUID, item_id: uuid.UUID) -> Response | tuple[str, int]:
    uow = unit_of_work()
    form = ReviewForm()
    errors: list[str] = []
    if form.validate_on_submit():
        decision = ReviewDecision(form.decision.data)
        request_ = letters.ReviewRequest(
            decision=decision,
            seen=form.seen.data,
            ticked=frozenset(form.suggestion.data),
            passages=form.passages.data or "",
            passage_reason=(form.passage_reason.data or "").strip() or FACILITATOR_REASON,
            message=form.message.data or "",
            checked=bool(form.checked.data),
            once=form.once.data,
        )
        try:
            after = letters.review(uow, actor(), case_id, item_id, request_)
        except DomainError as problem:
            errors.append(refusal(problem))
        else:
            flash(_decision_message(decision, after.state), "success")
            if after.state == ItemState.APPROVED:
                return redirect(url_for("review.release", case_id=case_id, item_id=item_id))
            return redirect(url_for("cases.show", case_id=case_id))
    try:
        page = letters.review_page(uow, actor(), case_id, item_id)
    except CaseNotFound:
        if not errors:
            raise
        return _gone(case_id, errors)
    reading = page.reading
    if ItemAction.REVIEW not in reading.may and not errors:
        flash(_("You cannot review this now."), "error")
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    # The page is drawn from the item as it is now: a decision made on it names this version.
    form.seen.data = reading.version
    ticked = set(form.suggestion.data) if form.is_submitted() else {s.key for s in page.suggestions}
    return render_template(
        "review/review.html",
        context=reading.context,
        reading=reading,
        suggestions=page.suggestions,
        highlighted=highlighted(reading.item.parts, page.suggestions),
        ticked=ticked,
        form=form,
        errors=errors,
        choices=REVIEW_CHOICES,
        may_review=ItemAction.REVIEW in reading.may,
    ), 400 if form.is_submitted() else 200


def _gone(case_id: uuid.UUID, errors: list[str]) -> Response:
    """The decision was refused and the item is no longer for this facilitator to see (returned
    to its writer, say): the case page, with the reason."""
    for error in errors:
        flash(error, "error")
    return redirect(url_for("cases.show", case_id=case_id))


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


def _decision_message(decision: ReviewDecision, state: ItemState) -> str:
    if state == ItemState.AWAITING_SECOND_APPROVAL:
        return _("Your approval is recorded. Another facilitator must approve it before it can be passed on.")
    return {
        ReviewDecision.APPROVE: _("Approved. You can pass it on now or at a set time."),
        ReviewDecision.REDACT: _("Approved with passages removed. Check the copy below before passing it on."),
        ReviewDecision.RETURN: _("Returned to the writer with your message."),
        ReviewDecision.WITHHOLD: _("Withheld. It will not be passed on. The writer sees your explanation."),
    }[decision]


@bp.route("/cases/<uuid:case_id>/items/<uuid:item_id>/release", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def release(case_id: uuid.UUID, item_id: uuid.UUID) -> Response | tuple[str, int]:
    """Shows the exact copy the recipient will read, then passes it on now or at a set time."""
    uow = unit_of_work()
    form = ReleaseForm()
    if form.validate_on_submit():
        at = None
        if form.when.data == "later":
            if form.release_at.data is None:
                form.release_at.errors = [_("Choose the date and time to pass it on.")]
            else:
                at = form.release_at.data.replace(tzinfo=UK).astimezone(UTC)
        if not form.errors:
            try:
                letters.release(uow, actor(), case_id, item_id, at, seen=form.seen.data, once=form.once.data)
            except DomainError as problem:
                form.form_errors.append(refusal(problem))
            else:
                flash(
                    _("It is passed on.") if at is None else _("It will be passed on at the time you chose."), "success"
                )
                return redirect(url_for("cases.show", case_id=case_id))
    try:
        reading = letters.read(uow, actor(), case_id, item_id)
    except CaseNotFound:
        if not form.form_errors:
            raise
        return _gone(case_id, form.form_errors)
    form.seen.data = reading.version
    status = 400 if form.is_submitted() else 200
    return render_template("review/release.html", context=reading.context, reading=reading, form=form), status


@bp.post("/cases/<uuid:case_id>/items/<uuid:item_id>/lift-hold")
@roles(Role.FACILITATOR)
def lift_hold(case_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    form = ButtonForm()
    if form.validate_on_submit():
        attempt(
            lambda: letters.lift_hold(unit_of_work(), actor(), case_id, item_id, once=form.once.data),
            _("The hold is lifted. It is back in the review queue."),
        )
    return redirect(url_for("cases.show", case_id=case_id))
