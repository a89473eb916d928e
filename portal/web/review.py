"""The facilitator's review: the queue, the review screen with screening suggestions, and release."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.domain.calendar import UK
from portal.domain.enums import ItemState, ReviewDecision, Role
from portal.domain.errors import DomainError
from portal.domain.permissions import ItemAction
from portal.runtime import unit_of_work
from portal.services import letters, reviewing
from portal.services.casework import CaseNotFound
from portal.web.access import roles
from portal.web.audit_labels import audit_label
from portal.web.catalogue import gettext as _
from portal.web.exchange_context import actor, attempt
from portal.web.forms import REVIEW_CHOICES, ButtonForm, ReleaseForm, ReviewForm
from portal.web.media import item_files
from portal.web.messages import refusal
from portal.web.paging import page_number
from portal.web.words import return_message

bp = Blueprint("review", __name__)


@bp.get("/review")
@roles(Role.FACILITATOR, Role.MANAGER)
def queue() -> str:
    page = reviewing.review_queue(unit_of_work(), actor(), page_number())
    return render_template("review/queue.html", page=page)


@bp.route("/cases/<uuid:case_id>/items/<uuid:item_id>/review", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def review(case_id: uuid.UUID, item_id: uuid.UUID) -> Response | tuple[str, int]:
    uow = unit_of_work()
    form = ReviewForm()
    errors: list[str] = []
    if not form.redraw_only and form.validate_on_submit():
        decision = ReviewDecision(form.decision.data)
        request_ = reviewing.ReviewRequest(
            decision=decision,
            seen=form.seen.data,
            ticked=frozenset(form.suggestion.data),
            passages=_passages(form),
            message=form.message.data or "",
            note=form.note.data or "",
            checked=bool(form.checked.data),
            once=form.once.data,
        )
        try:
            after = reviewing.review(uow, actor(), case_id, item_id, request_)
        except DomainError as problem:
            errors.append(refusal(problem))
        else:
            flash(_decision_message(decision, after.state), "success")
            if after.state == ItemState.APPROVED:
                return redirect(url_for("review.release", case_id=case_id, item_id=item_id))
            return redirect(url_for("cases.show", case_id=case_id))
    try:
        page = reviewing.review_page(uow, actor(), case_id, item_id)
    except CaseNotFound:
        if not errors:
            raise
        return _gone(case_id, errors)
    reading = page.reading
    if ItemAction.REVIEW not in reading.may and not errors:
        flash(_("You cannot review this now."), "error")
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    if form.is_submitted() and not form.redraw_only and not errors:  # the form itself was refused
        errors += [message for f in form if f.name != "csrf_token" for message in f.errors]
    # The page is drawn from the item as it is now: a decision made on it names this version.
    form.seen.data = reading.version
    drafted = form.step.data == "prefill" and _draft_return_message(form, page)
    if form.is_submitted():
        ticked = set(form.suggestion.data)
    else:  # the first review starts from screening's suggestions; a later one from what was agreed
        ticked = {r.key for r in page.removals} | (set() if page.later_review else {s.key for s in page.suggestions})
    passages = [(text, reason) for text, reason in _pairs(form) if text.strip() or reason.strip()]
    blank_rows = 3 if form.step.data == "more" or not passages else 1
    page_html = render_template(
        "review/review.html",
        context=reading.context,
        reading=reading,
        files=item_files(uow, reading),
        page=page,
        highlighted=highlighted(reading.item.parts, page.suggestions, page.removals, page.guidance),
        ticked=ticked,
        passages=passages + [("", "")] * blank_rows,
        drafted=drafted,
        form=form,
        errors=errors,
        choices=REVIEW_CHOICES,
        may_review=ItemAction.REVIEW in reading.may,
        action_words=audit_label,
    )
    return page_html, 400 if errors or (form.is_submitted() and not form.redraw_only) else 200


def _pairs(form: ReviewForm) -> list[tuple[str, str]]:
    """Each passage box with the reason box beside it (the page sends them in pairs, in order)."""
    reasons = list(form.passage_reason.data) + [""] * len(form.passage.data)
    return list(zip(form.passage.data, reasons, strict=False))


def _passages(form: ReviewForm) -> tuple[reviewing.Passage, ...]:
    return tuple(reviewing.Passage(text, reason) for text, reason in _pairs(form) if text.strip())


def _draft_return_message(form: ReviewForm, page: reviewing.ReviewPage) -> bool:
    """ "Return it with a message quoting these": the facilitator reads and edits it before sending."""
    quoted: list[tuple[str, str]] = []
    for found in page.guidance:
        if (found.kind, found.quote) not in quoted:
            quoted.append((found.kind, found.quote))
    if not quoted:
        return False
    typed = (form.message.data or "").strip()
    form.message.data = (typed + "\n\n" if typed else "") + return_message(quoted)
    form.decision.data = "return"
    return True


def _gone(case_id: uuid.UUID, errors: list[str]) -> Response:
    """The decision was refused and the item is no longer for this facilitator to see (returned
    to its writer, say): the case page, with the reason."""
    for error in errors:
        flash(error, "error")
    return redirect(url_for("cases.show", case_id=case_id))


@dataclass(frozen=True)
class Mark:
    """A highlighted run of the original, and why: "identifying", "concern", "removed" or "guidance"."""

    kind: str
    anchor: str  # the id of the mark, for the list below to point at


def highlighted(
    parts: tuple[str, ...],
    found: list[reviewing.Suggestion],
    removals: list[reviewing.Removal],
    guidance: list[reviewing.Guidance],
) -> list[list[tuple[str, Mark | None]]]:
    """Each part cut into plain runs and marked runs. Where marks overlap, the first to start
    wins (a removal, then a finding, then guidance at the same place); the list below the
    letter names every one. The marks carry no hidden words, so copying a passage from the
    letter gives exactly the letter's words."""
    pieces = []
    for index, text in enumerate(parts):
        spans: list[tuple[int, int, int, Mark]] = []
        for removal in removals:
            r = removal.redaction
            if r.part == index:
                spans.append((r.start, -r.end, 0, Mark("removed", removal.key)))
        for suggestion in found:
            if suggestion.part == index:
                kind = "concern" if suggestion.concern else "identifying"
                spans.append((suggestion.start, -suggestion.end, 1, Mark(kind, suggestion.key)))
        for number, g in enumerate(guidance):
            if g.part == index:
                spans.append((g.start, -g.end, 2, Mark("guidance", f"g:{number}")))
        runs: list[tuple[str, Mark | None]] = []
        position = 0
        for start, negative_end, _order, mark in sorted(spans, key=lambda s: (s[0], s[2], s[1])):
            end = -negative_end
            if start < position:
                continue
            runs.append((text[position:start], None))
            runs.append((text[start:end], mark))
            position = end
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
                reviewing.release(uow, actor(), case_id, item_id, at, seen=form.seen.data, once=form.once.data)
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
    page = render_template(
        "review/release.html", context=reading.context, reading=reading, files=item_files(uow, reading), form=form
    )
    return page, status


@bp.post("/cases/<uuid:case_id>/items/<uuid:item_id>/lift-hold")
@roles(Role.FACILITATOR)
def lift_hold(case_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    form = ButtonForm()
    if form.validate_on_submit():
        attempt(
            lambda: reviewing.lift_hold(unit_of_work(), actor(), case_id, item_id, once=form.once.data),
            _("The hold is lifted. It is back in the review queue."),
        )
    return redirect(url_for("cases.show", case_id=case_id))
