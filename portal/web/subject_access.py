"""A person's own data: the subject-access archive, and correcting or erasing details on request.

A participant downloads everything the portal holds about them from their account; an assigned
facilitator makes the same archive for one of their case's people (offline, or asking by letter or
phone) after ticking that the request was checked, and corrects or erases that person's details.
A manager chooses what archives do with the casework record. The archive is one zip: `index.html`
(a self-contained document, no scripts, in the person's language), `data.json` (the same, for a
machine) and their files under `files/` (recordings, pictures, scans). It is streamed as it is
made: a recording goes out 64 KiB at a time, read a batch of chunks per unit of work, so neither
the archive nor any file is ever whole in memory. The services collect
(portal.services.subject_access, rectification); this draws.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import force_locale
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from portal.domain.enums import MediaKind, MediaRole, Role, TakingPart
from portal.domain.errors import DomainError
from portal.domain.redaction import REMOVED_MARKER
from portal.domain.subject_access import Casework, CaseworkPolicy, Correction, Placeholders, WithholdingGround
from portal.runtime import unit_of_work
from portal.services import rectification, subject_access
from portal.services.subject_access import Export, ExportedFile
from portal.services.uow import UnitOfWork
from portal.storage.types import utcnow
from portal.web.access import roles
from portal.web.assessment_forms import NEEDS, OUTCOMES
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.catalogue import ngettext
from portal.web.exchange_context import actor
from portal.web.forms import PortalForm, new_once
from portal.web.i18n import current_language
from portal.web.messages import refusal
from portal.web.words import attribution

bp = Blueprint("subject_access", __name__)
REASON_MAX = 2000

# --- Words ---------------------------------------------------------------------------------------------


def withheld_record_words(record: Casework, count: int) -> str:
    return {
        Casework.ASSESSMENTS: _("Assessments that concern you: %(count)s.", count=count),
        Casework.CONTACTS: _("Records of contacts with you: %(count)s.", count=count),
        Casework.NOTES: _("Case notes kept by the facilitators about the case: %(count)s.", count=count),
    }[record]


def ground_words(ground: WithholdingGround) -> str:
    """The lawful ground, said carefully: records *may* be withheld on it (the service decides)."""
    return {
        WithholdingGround.OTHER_PEOPLE: _(
            "Under the UK GDPR and the Data Protection Act 2018, records may be withheld where giving "
            "them would reveal information about another person who has not agreed to it."
        ),
        WithholdingGround.CRIME_PREVENTION: _(
            "Under the Data Protection Act 2018, records may be withheld where giving them would be likely "
            "to prejudice the prevention or detection of crime, or put someone's safety at risk."
        ),
    }[ground]


def taking_part_words(taking_part: TakingPart) -> str:
    return {
        TakingPart.PORTAL: _("You take part through the portal."),
        TakingPart.OFFLINE: _("You take part offline: your facilitator acts for you in the portal."),
    }[taking_part]


def file_kind_words(file: ExportedFile) -> str:
    if file.role == MediaRole.RECORDING:
        return _("Video recording") if file.kind == MediaKind.VIDEO else _("Sound recording")
    if file.role == MediaRole.SCAN:
        return _("Scan of a handwritten page")
    return _("Picture")


def size_words(byte_size: int) -> str:
    """A file's size as people say it (1 KB = 1,000 bytes, as file managers mostly show it)."""
    if byte_size < 1000:
        return ngettext("%(num)s byte", "%(num)s bytes", byte_size)
    if round(byte_size / 1000) < 1000:
        return _("%(size)s KB", size=round(byte_size / 1000))
    return _("%(size)s MB", size=f"{byte_size / 1_000_000:.1f}")


def duration_words(duration_ms: int) -> str:
    seconds = max(1, round(duration_ms / 1000))
    minutes, seconds = divmod(seconds, 60)
    said_seconds = ngettext("%(num)s second", "%(num)s seconds", seconds)
    if not minutes:
        return said_seconds
    said_minutes = ngettext("%(num)s minute", "%(num)s minutes", minutes)
    if not seconds:
        return said_minutes
    return _("%(minutes)s and %(seconds)s", minutes=said_minutes, seconds=said_seconds)


def erased_placeholders() -> Placeholders:
    """What an erased person is called in the case's record from then on."""
    return Placeholders(_("Erased on request"), _("erased on request"))


POLICIES = {
    CaseworkPolicy.WITHHOLD.value: _l(
        "List how many assessments and contacts there are, with the lawful reason for withholding them"
    ),
    CaseworkPolicy.INCLUDE.value: _l(
        "Include the assessments about the person (their suitability and the risk to them) and the contacts with them"
    ),
}


def _template_words() -> dict[str, Any]:
    return {
        "withheld_record_words": withheld_record_words,
        "ground_words": ground_words,
        "taking_part_words": taking_part_words,
        "need_words": lambda need: str(NEEDS[need.value]),
        "outcome_words": lambda outcome: str(OUTCOMES[outcome.value]),
        "file_kind_words": file_kind_words,
        "size_words": size_words,
        "duration_words": duration_words,
    }


# --- The archive ---------------------------------------------------------------------------------------


def _plain(value: object) -> Any:
    """The export as JSON values: enums as their codes, times in ISO 8601, each removed passage's
    marker in words, and attribution lines as the sentence the person was shown (a field whose
    name starts with "_", such as a file's tag, is the service's own and left out)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if type(value).__name__ == "Attribution":
            return attribution(value)  # type: ignore[arg-type]
        return {
            field.name: _plain(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if not field.name.startswith("_")
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        return value.replace(REMOVED_MARKER, _("[removed by your facilitator]"))
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# A stored entry this big or bigger is written with ZIP64 sizes from the start (the sizes are known
# only once it is written, after its header has gone out).
ZIP64_FROM = 1 << 30


class _Outbox:
    """A write-only buffer for zipfile: it cannot seek or tell, so zipfile writes each entry's sizes
    after its data, and what has been written so far can be taken and sent at once."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def _files(export: Export) -> Iterator[ExportedFile]:
    for case in export.cases:
        for written in case.written:
            yield from written.files
        for received in case.received:
            yield from received.files


def _entry(name: str, export: Export, compression: int) -> zipfile.ZipInfo:
    made = export.made_at.astimezone(UTC) if export.made_at.tzinfo else export.made_at
    info = zipfile.ZipInfo(name, date_time=made.timetuple()[:6])
    info.compress_type = compression
    return info


def _zip(uow: UnitOfWork, export: Export, document: str, data: str) -> Iterator[bytes]:
    """The archive's bytes as they are made: the document and the data (deflated), then each file
    stored as it is (recordings and pictures are compressed already), chunk by chunk."""
    out = _Outbox()
    with zipfile.ZipFile(out, "w") as bundle:
        bundle.writestr(_entry("index.html", export, zipfile.ZIP_DEFLATED), document)
        bundle.writestr(_entry("data.json", export, zipfile.ZIP_DEFLATED), data)
        yield out.take()
        for file in _files(export):
            info = _entry(file.name, export, zipfile.ZIP_STORED)
            info.file_size = file.byte_size
            with bundle.open(info, "w", force_zip64=file.byte_size >= ZIP64_FROM) as entry:
                for chunk in subject_access.exported_file_chunks(uow, file):
                    entry.write(chunk)
                    if sent := out.take():
                        yield sent
    if rest := out.take():
        yield rest


def archive_stream(export: Export) -> Iterator[bytes]:
    """One zip: the readable document, the machine-readable data (both in the person's language,
    drawn now, so a problem drawing them is an error page and not a broken download) and their files."""
    language = export.language or current_language()
    with force_locale(language.value):
        document = render_template("subject_access/export.html", export=export, **_template_words())
        data = json.dumps({"format": "restorative-exchange-subject-access/1", **_plain(export)}, ensure_ascii=False)
    return _zip(unit_of_work(), export, document, data)


def archive(export: Export) -> bytes:
    """The whole archive at once (for tests and small callers; the download streams it)."""
    return b"".join(archive_stream(export))


def _download(export: Export, name: str) -> Response:
    filename = f"{name}-{utcnow().date().isoformat()}.zip"
    return Response(
        stream_with_context(archive_stream(export)),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


# --- A participant's own data ----------------------------------------------------------------------------


class DownloadForm(PortalForm):
    once = HiddenField(default=new_once, validators=[Length(max=64)])


@bp.route("/account/your-data", methods=["GET", "POST"])
@roles(Role.PARTICIPANT)
def mine() -> Response | str:
    form = DownloadForm()
    if form.validate_on_submit():
        return _download(subject_access.own_export(unit_of_work(), actor()), "your-data")
    return render_template("subject_access/mine.html", form=form)


# --- A facilitator, for one of their case's people -----------------------------------------------------------


class ExportForm(PortalForm):
    once = HiddenField(default=new_once, validators=[Length(max=64)])
    verified = BooleanField(
        _l("I have checked that this request comes from this person, or from someone entitled to ask for them")
    )


class CorrectionForm(PortalForm):
    once = HiddenField(default=new_once, validators=[Length(max=64)])
    name = StringField(
        _l("Their name (only facilitators see it)"), validators=[DataRequired(_l("Enter their name.")), Length(max=120)]
    )
    display_name = StringField(
        _l("Name shown to the other side (leave blank for the default)"), validators=[Length(max=80)]
    )
    relationship = StringField(_l("Relationship, as the other side will read it"), validators=[Length(max=80)])
    reason = TextAreaField(
        _l("Why, and how they asked (kept sealed in the case notes)"),
        validators=[DataRequired(_l("Please say why, and how the person asked for it.")), Length(max=REASON_MAX)],
    )


class ErasureForm(PortalForm):
    once = HiddenField(default=new_once, validators=[Length(max=64)])
    reason = TextAreaField(
        _l("Why, and how they asked (kept sealed in the case notes; do not write their name)"),
        validators=[DataRequired(_l("Please say why, and how the person asked for it.")), Length(max=REASON_MAX)],
    )
    words = BooleanField(_l("Also erase the words of everything they wrote (the service has decided this is lawful)"))
    confirm = BooleanField(_l("I understand that erasing cannot be undone"))


def _person_path(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response:
    return redirect(url_for("subject_access.person", case_id=case_id, participant_id=participant_id))


@bp.route("/cases/<uuid:case_id>/people/<uuid:participant_id>/data", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def person(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response | tuple[str, int]:
    uow = unit_of_work()
    details = rectification.person_details(uow, actor(), case_id, participant_id)
    form = ExportForm()
    if form.validate_on_submit():
        try:
            export = subject_access.facilitator_export(
                uow, actor(), case_id, participant_id, verified=bool(form.verified.data)
            )
        except DomainError as problem:
            form.verified.errors = [refusal(problem)]
        else:
            return _download(export, f"data-{details.context.row.code}")
    page = render_template("subject_access/person.html", details=details, form=form)
    return page, 400 if form.errors else 200


@bp.route("/cases/<uuid:case_id>/people/<uuid:participant_id>/correct", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def correct(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response | tuple[str, int]:
    uow = unit_of_work()
    details = rectification.person_details(uow, actor(), case_id, participant_id)
    current = {"name": details.name, "display_name": details.display_name, "relationship": details.relationship}
    form = CorrectionForm(data=None if request.method == "POST" else current)
    if form.validate_on_submit():
        correction = Correction(
            form.name.data or "", form.display_name.data or "", form.relationship.data or "", form.reason.data or ""
        )
        try:
            rectification.rectify(uow, actor(), case_id, participant_id, correction, once=form.once.data)
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            flash(_("Their details are corrected, and the reason is kept in the case notes."), "success")
            return _person_path(case_id, participant_id)
    has_errors = bool(form.errors or form.form_errors)
    return render_template("subject_access/correct.html", details=details, form=form), 400 if has_errors else 200


@bp.route("/cases/<uuid:case_id>/people/<uuid:participant_id>/erase", methods=["GET", "POST"])
@roles(Role.FACILITATOR)
def erase(case_id: uuid.UUID, participant_id: uuid.UUID) -> Response | tuple[str, int]:
    uow = unit_of_work()
    details = rectification.person_details(uow, actor(), case_id, participant_id)
    form = ErasureForm()
    if form.validate_on_submit():
        try:
            erased = rectification.erase(
                uow,
                actor(),
                case_id,
                participant_id,
                form.reason.data or "",
                words=bool(form.words.data),
                confirmed=bool(form.confirm.data),
                placeholders=erased_placeholders(),
                once=form.once.data,
            )
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            flash(
                _("Their details are erased. The words of %(count)s items are erased too.", count=erased)
                if erased
                else _("Their details are erased."),
                "success",
            )
            return _person_path(case_id, participant_id)
    has_errors = bool(form.errors or form.form_errors)
    return render_template("subject_access/erase.html", details=details, form=form), 400 if has_errors else 200


# --- The service's policy -------------------------------------------------------------------------------


class PolicyForm(PortalForm):
    once = HiddenField(default=new_once, validators=[Length(max=64)])
    policy = RadioField(
        _l("What a copy of someone's data does with the casework record"),
        choices=[SelectChoice(value, label) for value, label in POLICIES.items()],
        validators=[InputRequired(_l("Choose one."))],
    )


@bp.route("/subject-access/policy", methods=["GET", "POST"])
@roles(Role.MANAGER)
def policy() -> Response | tuple[str, int]:
    uow = unit_of_work()
    form = PolicyForm(data=None if request.method == "POST" else {"policy": subject_access.casework_policy(uow).value})
    if form.validate_on_submit():
        try:
            subject_access.set_casework_policy(uow, actor(), CaseworkPolicy(form.policy.data), once=form.once.data)
        except DomainError as problem:
            form.form_errors.append(refusal(problem))
        else:
            flash(_("Saved. Copies of people's data follow this from now on."), "success")
            return redirect(url_for("subject_access.policy"))
    has_errors = bool(form.errors or form.form_errors)
    return render_template("subject_access/policy.html", form=form), 400 if has_errors else 200
