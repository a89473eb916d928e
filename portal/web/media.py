"""Files with items on the pages: adding and removing them on a draft, serving them by ranges,
captions from the transcript, offline recipients, scanned replies, and the service's limits.

Views stay thin: each parses its form and calls one use case of portal.services.media (or
reply_sheets). What a file is, who may see it and what review needs are the domain's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import BooleanField, HiddenField, IntegerField, MultipleFileField
from wtforms.validators import InputRequired, Optional

from portal.domain import media as media_rules
from portal.domain import media_captions
from portal.domain.enums import Language, MediaKind, MediaLimit, MediaRole, Role
from portal.domain.errors import DomainError
from portal.domain.media import LIMIT_RANGES, Limits, MediaFile
from portal.runtime import unit_of_work
from portal.services import letters, media, reply_sheets
from portal.services.letters import Reading
from portal.services.uow import UnitOfWork
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.catalogue import ngettext
from portal.web.exchange_context import actor, attempt, case_or_404
from portal.web.forms import ActionForm, PortalForm, WritingForm, new_once
from portal.web.messages import refusal
from portal.web.uploads import spools, takes_upload

bp = Blueprint("media", __name__)
WRITERS = (Role.PARTICIPANT, Role.FACILITATOR)
READERS = (Role.PARTICIPANT, Role.FACILITATOR, Role.MANAGER)
# The page a form on a file came from, to go back to (never a URL from the request).
PAGES = {
    "edit": "items.edit",
    "show": "items.show",
    "review": "review.review",
    "release": "review.release",
}
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "video/webm": "webm",
    "audio/webm": "webm",
    "video/mp4": "mp4",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
}


# --- Forms ---------------------------------------------------------------------------------------


class UploadForm(ActionForm):
    """A file (or a letter's pictures) and the form's CSRF token and key; the file parts were
    already spooled, sealed, by portal.web.uploads."""

    file = MultipleFileField()


class FileForm(ActionForm):
    """A button on one file: where it was pressed, to go back there."""

    item = HiddenField()
    page = HiddenField()


class PassOnForm(FileForm):
    passes_on = BooleanField(_l("Pass this scan on with the reply, as well as what you wrote out"))


class LimitsForm(PortalForm):
    once = HiddenField(default=new_once)
    recording_mb = IntegerField(
        _l("The largest recording, in MB"), validators=[InputRequired(_l("Enter a whole number of MB."))]
    )
    recording_minutes = IntegerField(
        _l("The longest recording, in minutes"), validators=[InputRequired(_l("Enter a whole number of minutes."))]
    )
    attachment_mb = IntegerField(
        _l("The largest picture or document, in MB"), validators=[InputRequired(_l("Enter a whole number of MB."))]
    )
    attachments_per_item = IntegerField(
        _l("The most pictures or pages with one letter"),
        validators=[InputRequired(_l("Enter a whole number."))],
    )


class ScanForm(ActionForm):
    file = MultipleFileField(validators=[Optional()])


# --- What the files part of a page needs -------------------------------------------------------------


def item_files(uow: UnitOfWork, reading: Reading) -> tuple[MediaFile, ...]:
    """The files of the item on this page that this viewer may open (the view passes them)."""
    return media.visible(uow, reading.context, reading.item)


@dataclass(frozen=True)
class FilesPanel:
    """What templates/media/_item_files.html draws, worked out once for the page."""

    files: tuple[MediaFile, ...]
    editable: bool  # a draft with its writer: remove buttons and the upload form
    transcript_first: bool  # the recipient: the words first, the player only when chosen
    reviewing: bool  # a facilitator of the case, while it waits for a decision
    manages: bool
    me: uuid.UUID
    page: str
    upload_role: MediaRole | None
    limits: Limits | None
    shown_on_device: bool  # a released recording, for a recipient taking part offline
    choose_scans: bool  # a facilitator, before it is passed on (the writing and review pages show it)

    @property
    def recordings(self) -> list[MediaFile]:
        return [f for f in self.files if f.role == MediaRole.RECORDING]

    @property
    def pictures(self) -> list[MediaFile]:
        return [f for f in self.files if f.role == MediaRole.ATTACHMENT]

    @property
    def scans(self) -> list[MediaFile]:
        return [f for f in self.files if f.role == MediaRole.SCAN]

    def opened(self, file: MediaFile) -> bool:
        return self.me in file.opened_by

    @property
    def unopened(self) -> int:
        return sum(1 for f in self.files if not self.opened(f))

    @property
    def max_file_bytes(self) -> int:
        return self.limits.upload_bytes(self.upload_role) if self.limits and self.upload_role else 0

    @property
    def may_choose_scans(self) -> bool:
        return self.choose_scans and self.page in ("edit", "review")


def _page_name() -> str:
    for name, endpoint in PAGES.items():
        if request.endpoint == endpoint:
            return name
    return "show"


def files_panel(reading: Reading, files: Any = ()) -> FilesPanel:
    """The template's view of the files: who is looking, and what the domain lets them do."""
    item, context = reading.item, reading.context
    may = media_rules.choices(item, context.case, context.actor)
    upload_role = media.UPLOAD_ROLE_FOR.get(item.kind) if may.may_add else None
    chosen = tuple(files) if isinstance(files, list | tuple) else ()
    return FilesPanel(
        files=chosen,
        editable=may.may_add,
        transcript_first=reading.received,
        reviewing=may.reviewing,
        manages=context.manages,
        me=context.actor.user_id,
        page=_page_name(),
        upload_role=upload_role,
        limits=media.limits(unit_of_work()) if upload_role else None,
        shown_on_device=may.may_record_shown,
        choose_scans=may.may_choose_scans,
    )


def file_name(file: MediaFile | media.Opening, number: int | None = None) -> str:
    """A neutral name for a file, from what it is: never anything a person typed."""
    stem = "picture" if file.kind == MediaKind.IMAGE else "recording"
    if number:
        stem = f"{stem}-{number}"
    return f"{stem}.{EXTENSIONS.get(file.content_type, 'bin')}"


@bp.app_template_global()
def media_panel(reading: Reading, files: Any = ()) -> FilesPanel:
    return files_panel(reading, files)


# --- Adding and removing -------------------------------------------------------------------------


def _upload_role() -> MediaRole | None:
    """From the item's kind, for someone who may see it (before its body is read)."""
    args = request.view_args or {}
    return media.upload_role(unit_of_work(), actor(), args["case_id"], args["item_id"])


def _edit_page() -> str:
    args = request.view_args or {}
    return url_for("items.edit", case_id=args.get("case_id"), item_id=args.get("item_id"))


@bp.post("/cases/<uuid:case_id>/items/<uuid:item_id>/files")
@roles(*WRITERS)
@takes_upload(_upload_role, _edit_page)
def add(case_id: uuid.UUID, item_id: uuid.UUID) -> WerkzeugResponse:
    """A recording (which replaces the last), or pictures and PDFs, added to a draft."""
    case_or_404(case_id)  # another case's id is "not found", whatever else was sent
    role = _upload_role()
    back = redirect(url_for("items.edit", case_id=case_id, item_id=item_id))
    form = UploadForm()
    if role is None or not form.validate_on_submit():
        flash(_("This form has expired. Please try again."), "error")
        return back
    if not _keep_words(case_id, item_id):
        return back
    try:
        chosen = spools()
    except DomainError as problem:  # too big: refused, with the words kept above
        flash(refusal(problem), "error")
        return back
    if not chosen:
        flash(
            _("Please choose a file first.")
            if role != MediaRole.RECORDING
            else _("Please record or choose a recording first."),
            "error",
        )
        return back
    added = 0
    try:
        for number, spool in enumerate(chosen):
            once = f"{form.once.data}:{number}" if form.once.data else None
            added += len(media.add_file(unit_of_work(), actor(), case_id, item_id, role, spool, once=once))
    except DomainError as problem:
        flash(refusal(problem), "error")
    finally:
        for spool in chosen:
            spool.close()
    if added:
        if role == MediaRole.RECORDING:
            flash(_("Your recording is added. You can watch or listen to it below."), "success")
        else:
            flash(
                ngettext("%(num)d picture or page is added.", "%(num)d pictures or pages are added.", added), "success"
            )
    return back


def _keep_words(case_id: uuid.UUID, item_id: uuid.UUID | None) -> bool:
    """A button on the writing page sends the words typed so far with it (its controls belong to
    the writing form): they are saved first, so adding, removing or choosing never loses them.
    False (with the reason flashed) when they could not be saved, and nothing else is done."""
    words = WritingForm(meta={"csrf": False})
    if not words.part.raw_data or item_id is None:
        return True
    if not words.validate():
        flash(_("Your words could not be saved with the file. Please save them first, then add it."), "error")
        return False
    language = Language(words.language.data) if words.language.data else None
    try:
        letters.save_draft(unit_of_work(), actor(), case_id, item_id, words.part.data, language=language)
    except DomainError as problem:
        flash(refusal(problem), "error")
        return False
    return True


def _item_of(form: FileForm) -> uuid.UUID | None:
    try:
        return uuid.UUID(form.item.data or "")
    except ValueError:
        return None


def _back_to(case_id: uuid.UUID, form: FileForm) -> WerkzeugResponse:
    """The page the button was on (its item's edit, show, review or release page)."""
    endpoint = PAGES.get(form.page.data or "", "items.show")
    try:
        item_id = uuid.UUID(form.item.data or "")
    except ValueError:
        abort(400)
    return redirect(url_for(endpoint, case_id=case_id, item_id=item_id))


@bp.post("/cases/<uuid:case_id>/files/<uuid:media_id>/remove")
@roles(*WRITERS)
def remove(case_id: uuid.UUID, media_id: uuid.UUID) -> WerkzeugResponse:
    form = FileForm()
    if form.validate_on_submit() and _keep_words(case_id, _item_of(form)):
        attempt(
            lambda: media.remove_file(unit_of_work(), actor(), case_id, media_id, once=form.once.data),
            _("The file is removed."),
        )
    elif not form.errors:
        case_or_404(case_id)  # valid, but the words could not be kept: said already
    else:
        case_or_404(case_id)
        flash(_("This form has expired. Please try again."), "error")
    return _back_to(case_id, form)


# --- Serving: whole, or by ranges as players ask -------------------------------------------------------


def _headers(opening: media.Opening) -> dict[str, str]:
    return {
        "Content-Type": opening.content_type,
        "Content-Disposition": f'inline; filename="{file_name(opening)}"',
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
    }


def _size(case_id: uuid.UUID, media_id: uuid.UUID) -> int:
    """A file's size without opening any of it: asking for a range past any end gets the size
    back (and "not found" for a file this viewer may not open), and nothing is audited."""
    try:
        media.open_file(unit_of_work(), actor(), case_id, media_id, first=2**62)
    except media.RangeNotSatisfiable as outside:
        return outside.size
    raise AssertionError("no file reaches that far")  # pragma: no cover


def _not_satisfiable(size: int) -> Response:
    return Response(status=416, headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})


@bp.get("/cases/<uuid:case_id>/files/<uuid:media_id>")
@roles(*READERS)
def serve(case_id: uuid.UUID, media_id: uuid.UUID) -> Response:
    """The file's bytes: a range (206) when asked, capped as media.RANGE_CAP says; otherwise the
    whole file streamed range by range. Anything this viewer may not open is "not found"."""
    wanted = request.range
    if wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1:
        return _whole(case_id, media_id)
    start, stop = wanted.ranges[0]
    try:
        if start < 0:  # the last -start bytes
            first, last = max(0, _size(case_id, media_id) + start), None
        else:
            first, last = start, (stop - 1 if stop is not None else None)
        opening = media.open_file(unit_of_work(), actor(), case_id, media_id, first, last)
    except media.RangeNotSatisfiable as outside:
        return _not_satisfiable(outside.size)
    headers = _headers(opening)
    headers["Content-Range"] = f"bytes {opening.first}-{opening.last}/{opening.size}"
    return Response(opening.data, status=206, headers=headers)


def _whole(case_id: uuid.UUID, media_id: uuid.UUID) -> Response:
    opening = media.open_file(unit_of_work(), actor(), case_id, media_id)  # 404 here, before any byte
    who = actor()

    def rest() -> Iterator[bytes]:
        yield opening.data
        position = opening.last + 1
        while position < opening.size:
            part = media.open_file(unit_of_work(), who, case_id, media_id, position)
            yield part.data
            position = part.last + 1

    headers = _headers(opening)
    headers["Content-Length"] = str(opening.size)
    return Response(stream_with_context(rest()), status=200, headers=headers)


@bp.get("/cases/<uuid:case_id>/files/<uuid:media_id>/captions.vtt")
@roles(*READERS)
def captions(case_id: uuid.UUID, media_id: uuid.UUID) -> Response:
    """Captions from the transcript as this viewer may read it (with anything removed, for the
    other side, or on the release page); the item is named in the query."""
    try:
        item_id = uuid.UUID(request.args.get("item", ""))
    except ValueError:
        abort(404)
    uow = unit_of_work()
    reading = letters.read(uow, actor(), case_id, item_id)
    file = next((f for f in item_files(uow, reading) if f.id == media_id and f.role == MediaRole.RECORDING), None)
    if file is None:
        abort(404)
    view = reading.view
    words = view.release_copy if view.original is None or request.args.get("words") == "release" else view.original
    note = _("The timing of these captions is approximate: they are the written transcript, spread over the recording.")
    body = media_captions.webvtt("\n".join(words), file.duration_ms, note)
    return Response(body, mimetype="text/vtt", headers={"X-Content-Type-Options": "nosniff"})


# --- Offline recipients and scans ------------------------------------------------------------------


@bp.post("/cases/<uuid:case_id>/files/<uuid:media_id>/shown")
@roles(Role.FACILITATOR)
def shown(case_id: uuid.UUID, media_id: uuid.UUID) -> WerkzeugResponse:
    """They watched or heard it with the facilitator, on a service device."""
    form = FileForm()
    if form.validate_on_submit():
        attempt(
            lambda: media.record_shown_on_device(unit_of_work(), actor(), case_id, media_id, once=form.once.data),
            _("Recorded: they watched or heard it with you on a service device."),
        )
    else:
        case_or_404(case_id)
        flash(_("This form has expired. Please try again."), "error")
    return _back_to(case_id, form)


@bp.post("/cases/<uuid:case_id>/files/<uuid:media_id>/pass-on")
@roles(Role.FACILITATOR)
def pass_on(case_id: uuid.UUID, media_id: uuid.UUID) -> WerkzeugResponse:
    """The facilitator's choice: does the scan of a handwritten reply go to the other side too?"""
    form = PassOnForm()
    if form.validate_on_submit() and _keep_words(case_id, _item_of(form)):
        choice = bool(form.passes_on.data)
        attempt(
            lambda: media.choose_scan_passes_on(
                unit_of_work(), actor(), case_id, media_id, choice, once=form.once.data
            ),
            _("The scan will be passed on with the reply.")
            if choice
            else _("The scan stays with you: only what you wrote out is passed on."),
        )
    elif not form.errors:
        case_or_404(case_id)  # valid, but the words could not be kept: said already
    else:
        case_or_404(case_id)
        flash(_("This form has expired. Please try again."), "error")
    return _back_to(case_id, form)


def _scans_page() -> str:
    return url_for("media.scans")


@bp.route("/scans", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
@takes_upload(lambda: MediaRole.SCAN, _scans_page)
def scans() -> WerkzeugResponse | tuple[str, int]:
    """A photo or scan of a handwritten reply sheet, filed on the reply's draft by its code."""
    form = ScanForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            chosen = spools()
        except DomainError as problem:  # too big
            chosen, errors = [], [refusal(problem)]
        if not chosen:
            errors = errors or [_("Please choose the photo or scan of the reply sheet first.")]
        else:
            try:
                filed = reply_sheets.file_scan(unit_of_work(), actor(), chosen[0], once=form.once.data)
            except DomainError as problem:
                errors.append(refusal(problem))
            else:
                flash(_("The scan is filed with their reply. Write out what it says in the box beside it."), "success")
                return redirect(url_for("items.edit", case_id=filed.case_id, item_id=filed.item_id))
            finally:
                for spool in chosen:
                    spool.close()
    elif form.is_submitted():
        errors.append(_("This form has expired. Please try again."))
    limit = media.limits(unit_of_work()).upload_bytes(MediaRole.SCAN)
    page = render_template("media/scans.html", form=form, errors=errors, max_bytes=limit)
    return page, 400 if form.is_submitted() else 200


# --- The service's limits (on the manager's settings page) ------------------------------------------


def limits_form(uow: UnitOfWork) -> LimitsForm:
    """The limits as they are, for the settings page."""
    current = media.limits(uow)
    return LimitsForm(
        formdata=None,
        data={
            "recording_mb": current.recording_mb,
            "recording_minutes": current.recording_minutes,
            "attachment_mb": current.attachment_mb,
            "attachments_per_item": current.attachments_per_item,
        },
    )


@bp.app_template_global()
def media_limit_range(name: str) -> tuple[int, int]:
    """The smallest and largest a service may choose for one limit, as the domain says."""
    return LIMIT_RANGES[MediaLimit(name)]


@bp.post("/service-settings/media")
@roles(Role.MANAGER)
def set_limits() -> WerkzeugResponse | tuple[str, int]:
    from portal.web import caseload as settings_page  # the page this form lives on

    form = LimitsForm()
    if form.validate_on_submit():
        try:
            chosen = Limits(
                recording_mb=form.recording_mb.data,
                recording_minutes=form.recording_minutes.data,
                attachment_mb=form.attachment_mb.data,
                attachments_per_item=form.attachments_per_item.data,
            )
            media.set_limits(unit_of_work(), actor(), chosen)
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            flash(_("The limits on recordings and pictures are saved."), "success")
            return redirect(url_for("caseload.settings"))
    return settings_page.settings_page(media_form=form), 400
