"""Writing and reading items: letters, questions, answers, shuttle notes and recorded messages
(whose files are portal.web.media's; here, the transcript or summary that goes with them)."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal import screening
from portal.domain.enums import ItemKind, ItemState, Language, Role
from portal.domain.errors import DomainError
from portal.domain.items import ONE_PIECE
from portal.domain.permissions import ItemAction
from portal.runtime import unit_of_work
from portal.services import letters, reply_sheets
from portal.services.casework import CaseContext
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.exchange_context import actor, attempt
from portal.web.forms import MAX_PART_LENGTH, ButtonForm, ConfirmForm, OpenForm, StartForm, WritingForm
from portal.web.i18n import current_language
from portal.web.media import item_files
from portal.web.messages import refusal
from portal.web.qr import qr_data_uri
from portal.web.uploads import allow_camera
from portal.web.words import PROMPTS, WRITING_REMINDER

bp = Blueprint("items", __name__, url_prefix="/cases/<uuid:case_id>/items")
WRITERS = (Role.PARTICIPANT, Role.FACILITATOR)
READERS = (Role.PARTICIPANT, Role.FACILITATOR, Role.MANAGER)
BLANK_QUESTIONS = 3


def _back(context: CaseContext) -> Response:
    if context.me is not None:
        return redirect(url_for("participation.inbox", case_id=context.row.id))
    return redirect(url_for("cases.show", case_id=context.row.id))


def _back_to_case(case_id: uuid.UUID) -> Response:
    if actor().role == Role.PARTICIPANT:
        return redirect(url_for("participation.inbox", case_id=case_id))
    return redirect(url_for("cases.show", case_id=case_id))


def _uuid_or_400(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        abort(400)


@bp.post("/new")
@roles(*WRITERS)
def new(case_id: uuid.UUID) -> Response:
    """Start a draft (or resume the open one); a participant writes as themself, a facilitator for someone."""
    form = StartForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        kind = ItemKind(form.kind.data)
    except ValueError:
        abort(400)
    me = actor()
    author = _uuid_or_400(form.author.data)
    try:
        item_id = letters.start(
            unit_of_work(),
            me,
            case_id,
            kind,
            author if me.role == Role.FACILITATOR else None,
            _uuid_or_400(form.question_set.data),
            language=current_language(),
            once=form.once.data,
        )
    except DomainError as problem:
        flash(refusal(problem), "error")
        return _back_to_case(case_id)
    return redirect(url_for("items.edit", case_id=case_id, item_id=item_id))


@bp.route("/<uuid:item_id>/edit", methods=["GET", "POST"])
@roles(*WRITERS)
def edit(case_id: uuid.UUID, item_id: uuid.UUID) -> Response | tuple[str, int]:
    uow = unit_of_work()
    form = WritingForm()
    errors: list[str] = []
    if form.validate_on_submit():
        if form.file.data:  # chosen, not added: saving or sending now would leave it behind
            errors.append(
                _("You chose a file, but it is not added yet. Add it with its own button first: your words are kept.")
            )
        else:
            try:
                language = Language(form.language.data) if form.language.data else None
                if form.action.data == "submit":
                    letters.send(uow, actor(), case_id, item_id, form.part.data, language=language, once=form.once.data)
                else:
                    letters.save_draft(
                        uow, actor(), case_id, item_id, form.part.data, language=language, once=form.once.data
                    )
            except DomainError as problem:
                errors.append(refusal(problem))
            else:
                if form.action.data == "submit":
                    sent = letters.summary(uow, actor(), case_id, item_id)
                    flash(_sent_message(sent.context, sent.kind), "success")
                    return _back(sent.context)
                flash(_("Your draft is saved. Only you can see it until you send it."), "success")
                return redirect(url_for("items.edit", case_id=case_id, item_id=item_id))
    errors += [message for field in form for message in field.errors if field.name != "csrf_token"]
    reading = letters.read(uow, actor(), case_id, item_id)
    if ItemAction.EDIT not in reading.may:
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    item = reading.item
    parts = list(form.part.data) if form.is_submitted() else list(item.parts)
    if item.kind in ONE_PIECE:
        parts = parts[:1] or [""]
    if item.kind == ItemKind.QUESTION_SET:
        parts = [part for part in parts if part.strip()] + [""] * BLANK_QUESTIONS
    author = reading.context.case.participant(item.author_id)
    # Text refused as too long is not screened: it would only cost time.
    too_long = any(len(part) > MAX_PART_LENGTH for part in parts)
    notes = screening.writer_notes("\n\n".join(parts)) if any(p.strip() for p in parts) and not too_long else []
    if item.kind == ItemKind.RECORDING:
        allow_camera()  # this page records: camera and microphone for itself only
    page = render_template(
        "items/edit.html",
        context=reading.context,
        reading=reading,
        files=item_files(uow, reading),
        form=form,
        parts=parts,
        errors=errors,
        notes=notes,
        prompts=PROMPTS[author.side],
        reminder=WRITING_REMINDER,
        max_length=MAX_PART_LENGTH,
        writing_language=Language(form.language.data) if form.language.data else item.language,
    )
    return page, 400 if form.is_submitted() else 200


def _sent_message(context: CaseContext, kind: ItemKind) -> str:
    if context.me is None:
        return {
            ItemKind.LETTER: _("The letter is sent for review."),
            ItemKind.QUESTION_SET: _("The questions are sent for review."),
            ItemKind.ANSWERS: _("The answers are sent for review."),
            ItemKind.SHUTTLE_NOTE: _("The note is sent for review."),
            ItemKind.RECORDING: _("The recorded message is sent for review."),
        }[kind]
    return {
        ItemKind.LETTER: _("Your letter is with your facilitator. They will read it before anything is passed on."),
        ItemKind.QUESTION_SET: _(
            "Your questions are with your facilitator. They will read them before anything is passed on."
        ),
        ItemKind.ANSWERS: _(
            "Your answers are with your facilitator. They will read them before anything is passed on."
        ),
        ItemKind.SHUTTLE_NOTE: _("The note is with your facilitator for review."),
        ItemKind.RECORDING: _(
            "Your recorded message is with your facilitator. They will watch or listen to it before anything "
            "is passed on."
        ),
    }[kind]


@bp.get("/<uuid:item_id>")
@roles(*READERS)
def show(case_id: uuid.UUID, item_id: uuid.UUID) -> str:
    uow = unit_of_work()
    loaded = letters.summary(uow, actor(), case_id, item_id)
    if loaded.awaits_opening:
        # Nothing is unsealed until the person chooses to open it.
        return render_template("items/ready.html", context=loaded.context, summary=loaded, form=OpenForm())
    reading = letters.read(uow, actor(), case_id, item_id)
    return render_template(
        "items/show.html",
        context=reading.context,
        reading=reading,
        files=item_files(uow, reading),
        states=ItemState,
        form=ConfirmForm(),
    )


def _button(case_id: uuid.UUID, item_id: uuid.UUID, act, success: str, form: ButtonForm | None = None) -> Response:
    """A one-button act on an item: its CSRF token and key checked, then one use case."""
    form = form or ButtonForm()
    if form.validate_on_submit():
        attempt(lambda: act(form), success)
    else:
        flash(_("This form has expired. Please try again."), "error")
    return redirect(url_for("items.show", case_id=case_id, item_id=item_id))


@bp.post("/<uuid:item_id>/open")
@roles(Role.PARTICIPANT)
def open_item(case_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    return _button(
        case_id,
        item_id,
        lambda form: letters.open_item(
            unit_of_work(), actor(), case_id, item_id, bool(form.tell_writer.data), once=form.once.data
        ),
        "",
        OpenForm(),
    )


@bp.post("/<uuid:item_id>/hold")
@roles(Role.PARTICIPANT)
def hold(case_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    _button(
        case_id,
        item_id,
        lambda form: letters.ask_to_hold(unit_of_work(), actor(), case_id, item_id, once=form.once.data),
        _("Your facilitator will keep it for you until you ask for it."),
    )
    return _back_to_case(case_id)


@bp.post("/<uuid:item_id>/destroy")
@roles(Role.PARTICIPANT)
def destroy(case_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    _button(
        case_id,
        item_id,
        lambda form: letters.ask_to_destroy(unit_of_work(), actor(), case_id, item_id, once=form.once.data),
        _("It has been removed. You will not see it again."),
    )
    return _back_to_case(case_id)


@bp.post("/<uuid:item_id>/take-back")
@roles(*WRITERS)
def take_back(case_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    return _button(
        case_id,
        item_id,
        lambda form: letters.take_back(unit_of_work(), actor(), case_id, item_id, once=form.once.data),
        _("It is back with you as a draft. Nothing was passed on."),
    )


@bp.post("/<uuid:item_id>/confirm")
@roles(*WRITERS)
def confirm(case_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    """The participant agrees the note says what they meant, or the facilitator records it was read back."""
    form = ConfirmForm()
    if form.validate_on_submit() and actor().role == Role.FACILITATOR and not form.read_back.data:
        flash(_("Please tick to confirm you read the note back to them and they agreed it."), "error")
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    return _button(
        case_id,
        item_id,
        lambda form: letters.confirm(
            unit_of_work(), actor(), case_id, item_id, seen=form.seen.data, once=form.once.data
        ),
        _("Thank you. The note is confirmed."),
        form,
    )


@bp.post("/<uuid:item_id>/submit")
@roles(*WRITERS)
def submit(case_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    return _button(
        case_id,
        item_id,
        lambda form: letters.submit(unit_of_work(), actor(), case_id, item_id, once=form.once.data),
        _("It is sent for review."),
    )


@bp.get("/<uuid:item_id>/print", defaults={"code": None})
@bp.get("/<uuid:item_id>/print/<code>")
@roles(Role.FACILITATOR)
def print_copy(case_id: uuid.UUID, item_id: uuid.UUID, code: str | None) -> Response | str:
    """A released item as a plain letter, for someone in prison or without the internet. The words
    printed around it are in the letter's own language unless the facilitator picks the other one,
    whatever language the facilitator's own pages are in."""
    reading = letters.read(unit_of_work(), actor(), case_id, item_id)
    if reading.item.state != ItemState.RELEASED:
        flash(_("Only an item that has been passed on can be printed for posting."), "error")
        return redirect(url_for("items.show", case_id=case_id, item_id=item_id))
    try:
        printed_in = Language(code) if code else reading.item.language
    except ValueError:
        abort(404)
    # The reply sheet's code names the case and the item, so a scan of the reply files itself.
    reply_qr = qr_data_uri(reply_sheets.reply_code(reading.context.row.code, reading.item.id))
    with force_locale(printed_in.value):
        printed = render_template(
            "items/_printed_letter.html", context=reading.context, reading=reading, reply_qr=reply_qr
        )
    return render_template(
        "items/print.html",
        context=reading.context,
        reading=reading,
        printed=Markup(printed),  # noqa: S704 (rendered by an autoescaped template just above)
        printed_in=printed_in,
    )
