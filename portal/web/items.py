"""Writing and reading items: letters, questions, answers and shuttle notes."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal import screening
from portal.domain.enums import ItemKind, ItemState, Role
from portal.domain.errors import DomainError
from portal.domain.permissions import ItemAction
from portal.domain.presentation import NOUNS
from portal.domain.prompts import PROMPTS, WRITING_REMINDER
from portal.runtime import unit_of_work
from portal.services import letters
from portal.services.casework import CaseContext, CaseNotFound
from portal.web.access import roles
from portal.web.exchange_context import attempt, case_or_404

bp = Blueprint("items", __name__, url_prefix="/cases/<uuid:case_id>/items")
WRITERS = (Role.PARTICIPANT, Role.FACILITATOR)
READERS = (Role.PARTICIPANT, Role.FACILITATOR, Role.MANAGER)
MAX_PART_LENGTH = 20_000
BLANK_QUESTIONS = 3


def _reading_or_404(context: CaseContext, item_id: uuid.UUID) -> letters.Reading:
    try:
        return letters.read(unit_of_work(), context, item_id)
    except CaseNotFound:
        abort(404)


def _back(context: CaseContext):
    if context.me is not None:
        return redirect(url_for("participation.inbox", case_id=context.row.id))
    return redirect(url_for("cases.show", case_id=context.row.id))


@bp.post("/new")
@roles(*WRITERS)
def new(case_id: uuid.UUID):
    """Start a draft; for a participant, in their own name; for a facilitator, for the chosen person."""
    context = case_or_404(case_id)
    try:
        kind = ItemKind(request.form.get("kind", ""))
        author_id = uuid.UUID(request.form["author"]) if context.me is None else context.me.id
        question_set = uuid.UUID(request.form["question_set"]) if request.form.get("question_set") else None
    except (ValueError, KeyError):
        abort(400)
    try:
        item_id = letters.start(unit_of_work(), context, kind, author_id, question_set)
    except CaseNotFound:
        abort(404)
    except DomainError as problem:
        unit_of_work().rollback()
        flash(str(problem), "error")
        return _back(context)
    return redirect(url_for("items.edit", case_id=case_id, item_id=item_id))


def _parts_from_form(kind: ItemKind) -> tuple[list[str], list[str]]:
    parts = request.form.getlist("part")
    errors = []
    if any(len(part) > MAX_PART_LENGTH for part in parts):
        errors.append(
            f"Each part can be up to {MAX_PART_LENGTH:,} characters. Please shorten it, or split it into two."
        )
    if kind in (ItemKind.LETTER, ItemKind.SHUTTLE_NOTE):
        parts = parts[:1] or [""]
    return parts, errors


@bp.route("/<uuid:item_id>/edit", methods=["GET", "POST"])
@roles(*WRITERS)
def edit(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    uow = unit_of_work()
    reading = _reading_or_404(context, item_id)
    if ItemAction.EDIT not in reading.may:
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    item = reading.item
    parts = list(item.parts)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        parts, errors = _parts_from_form(item.kind)
        if not errors:
            try:
                letters.save_draft(uow, context, item_id, parts)
                if request.form.get("action") == "submit":
                    letters.submit(uow, context, item_id)
                    flash(_sent_message(context, item.kind), "success")
                    return _back(context)
            except DomainError as problem:
                uow.rollback()
                errors.append(str(problem))
            else:
                flash("Your draft is saved. Only you can see it until you send it.", "success")
                return redirect(url_for("items.edit", case_id=case_id, item_id=item_id))
        status = 400
    if item.kind == ItemKind.QUESTION_SET:
        parts = [part for part in parts if part.strip()] + [""] * BLANK_QUESTIONS
    author = context.case.participant(item.author_id)
    # Text refused as too long is not screened: it would only cost time.
    notes = screening.writer_notes("\n\n".join(parts)) if any(p.strip() for p in parts) and not errors else []
    return render_template(
        "items/edit.html",
        context=context,
        reading=reading,
        parts=parts,
        errors=errors,
        notes=notes,
        prompts=PROMPTS[author.side],
        reminder=WRITING_REMINDER,
        noun=NOUNS[item.kind],
        max_length=MAX_PART_LENGTH,
    ), status


def _sent_message(context: CaseContext, kind: ItemKind) -> str:
    if context.me is None:
        return f"The {NOUNS[kind]} is sent for review."
    return f"Your {NOUNS[kind]} is with your facilitator. They will read it before anything is passed on."


@bp.get("/<uuid:item_id>")
@roles(*READERS)
def show(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    uow = unit_of_work()
    try:
        loaded = letters.summary(uow, context, item_id)
    except CaseNotFound:
        abort(404)
    if loaded.awaits_opening:
        # Nothing is unsealed until the person chooses to open it.
        return render_template("items/ready.html", context=context, summary=loaded)
    reading = _reading_or_404(context, item_id)
    return render_template("items/show.html", context=context, reading=reading, states=ItemState)


@bp.post("/<uuid:item_id>/open")
@roles(Role.PARTICIPANT)
def open_item(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    attempt(lambda: letters.open_item(unit_of_work(), context, item_id, request.form.get("tell_writer") == "yes"), "")
    return redirect(url_for("items.show", case_id=case_id, item_id=item_id))


@bp.post("/<uuid:item_id>/hold")
@roles(Role.PARTICIPANT)
def hold(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    attempt(
        lambda: letters.ask_to_hold(unit_of_work(), context, item_id),
        "Your facilitator will keep it for you until you ask for it.",
    )
    return _back(context)


@bp.post("/<uuid:item_id>/destroy")
@roles(Role.PARTICIPANT)
def destroy(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    attempt(
        lambda: letters.ask_to_destroy(unit_of_work(), context, item_id),
        "It has been removed. You will not see it again.",
    )
    return _back(context)


@bp.post("/<uuid:item_id>/take-back")
@roles(*WRITERS)
def take_back(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    attempt(
        lambda: letters.take_back(unit_of_work(), context, item_id),
        "It is back with you as a draft. Nothing was passed on.",
    )
    return redirect(url_for("items.show", case_id=case_id, item_id=item_id))


@bp.post("/<uuid:item_id>/confirm")
@roles(*WRITERS)
def confirm(case_id: uuid.UUID, item_id: uuid.UUID):
    """The participant agrees the note says what they meant, or the facilitator records it was read back."""
    context = case_or_404(case_id)
    if context.me is None and request.form.get("read_back") != "yes":
        flash("Please tick to confirm you read the note back to them and they agreed it.", "error")
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    attempt(lambda: letters.confirm(unit_of_work(), context, item_id), "Thank you. The note is confirmed.")
    return redirect(url_for("items.show", case_id=case_id, item_id=item_id))


@bp.post("/<uuid:item_id>/submit")
@roles(*WRITERS)
def submit(case_id: uuid.UUID, item_id: uuid.UUID):
    context = case_or_404(case_id)
    attempt(lambda: letters.submit(unit_of_work(), context, item_id), "It is sent for review.")
    return redirect(url_for("items.show", case_id=case_id, item_id=item_id))


@bp.get("/<uuid:item_id>/print")
@roles(Role.FACILITATOR)
def print_copy(case_id: uuid.UUID, item_id: uuid.UUID):
    """A released item as a plain letter, for someone in prison or without the internet."""
    context = case_or_404(case_id)
    reading = _reading_or_404(context, item_id)
    if reading.item.state != ItemState.RELEASED:
        flash("Only an item that has been passed on can be printed for posting.", "error")
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    return render_template("items/print.html", context=context, reading=reading)
