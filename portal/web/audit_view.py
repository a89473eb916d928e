"""The service-wide audit view (`/audit`) and its CSV file (`/audit.csv`), for service managers
and named supervisors: a GET form, so a filter lives in the address and can be bookmarked."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Iterator

from flask import Blueprint, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import force_locale, format_decimal
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.enums import ParticipantRole, Role, Side
from portal.domain.errors import DomainError, NotAllowed
from portal.runtime import unit_of_work
from portal.services import audit_view
from portal.services.audit_view import AuditEntry, AuditFilter, ExportRow
from portal.web.access import roles
from portal.web.audit_labels import LABELS, audit_label
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.exchange_context import actor
from portal.web.forms import PortalForm
from portal.web.messages import refusal
from portal.web.words import object_name, outcome_name

bp = Blueprint("audit_view", __name__)

# The file's columns: their names stay fixed (and English) for spreadsheets and scripts.
COLUMNS = (
    "event_id",
    "occurred_at",
    "actor_id",
    "actor_role",
    "action",
    "action_label",
    "outcome",
    "case_code",
    "object_type",
    "object_id",
)
FILTERS = ("person", "case", "action", "start", "end", "outcome")


class AuditFilterForm(PortalForm):
    """Sent with GET: the address keeps the filter, for the next page and for the file."""

    class Meta(PortalForm.Meta):
        csrf = False

    person = SelectField(_l("Who did it"), default="")
    case = StringField(
        _l("Case code"),
        validators=[Optional(), Length(max=16, message=_l("A case code has at most 16 characters."))],
    )
    action = SelectField(
        _l("What was done"),
        choices=[SelectChoice("", _l("Any action")), *(SelectChoice(a.value, _l(LABELS[a])) for a in AuditAction)],
        default="",
    )
    start = DateField(_l("From (a UK date)"), validators=[Optional()])
    end = DateField(_l("To (a UK date, included)"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), default="")


def _form(staff: Iterable[tuple[uuid.UUID, str]]) -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args)
    form.person.choices = [SelectChoice("", _("Anyone")), *(SelectChoice(str(i), name) for i, name in staff)]
    form.outcome.choices = [
        SelectChoice("", _("Any outcome")),
        *(SelectChoice(o.value, outcome_name(o)) for o in AuditOutcome),
    ]
    return form


def _filter(form: AuditFilterForm) -> AuditFilter:
    return AuditFilter(
        person_id=uuid.UUID(form.person.data) if form.person.data else None,
        case_code=(form.case.data or "").strip(),
        action=AuditAction(form.action.data) if form.action.data else None,
        start=form.start.data,
        end=form.end.data,
        outcome=AuditOutcome(form.outcome.data) if form.outcome.data else None,
    )


def _query() -> dict[str, str]:
    """The filter as the address gave it, for the page links and the file's link."""
    return {name: request.args[name] for name in FILTERS if request.args.get(name, "").strip()}


def _before() -> int | None:
    try:
        value = int(request.args.get("before", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def _refuse_on(form: AuditFilterForm, problem: DomainError) -> None:
    """A refusal shows at the field it is about, or above the form."""
    if isinstance(problem, NotAllowed):
        raise problem
    target = {
        "audit-view.no-such-case": form.case,
        "audit-view.dates-backwards": form.end,
    }.get(problem.problem.value)
    if target is None:
        form.form_errors.append(refusal(problem))
    else:
        target.errors = [*target.errors, refusal(problem)]


@bp.get("/audit")
@roles(Role.MANAGER, Role.FACILITATOR)
def index() -> tuple[str, int]:
    uow = unit_of_work()
    audit_view.reader(uow, actor())  # anyone else is refused before anything is read
    form = _form(audit_view.staff_choices(uow))
    page = None
    if form.validate():
        try:
            page = audit_view.page(uow, actor(), _filter(form), _before(), with_staff=False)
        except DomainError as problem:
            _refuse_on(form, problem)
    status = 400 if form.errors or form.form_errors else 200
    query = _query()
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        query=query,
        earlier=_before() is not None,
        who=who_words,
        object_words=object_words,
        label=audit_label,
        columns=columns_described(),
        limit=format_decimal(audit_view.EXPORT_LIMIT),
    ), status


@bp.get("/audit.csv")
@roles(Role.MANAGER, Role.FACILITATOR)
def export() -> Response:
    uow = unit_of_work()
    audit_view.reader(uow, actor())
    form = _form(audit_view.staff_choices(uow))
    back = redirect(url_for("audit_view.index", **_query()))  # type: ignore[arg-type]
    if not form.validate():
        return back  # the page shows what is wrong with the filter
    try:
        rows = audit_view.export(uow, actor(), _filter(form))
    except NotAllowed:
        raise
    except DomainError as problem:
        flash(refusal(problem), "error")
        return back
    with force_locale("en"):  # the file is in English whatever the page's language
        english = {action.value: _(LABELS[action]) for action in AuditAction}
    name = "audit-trail.csv"
    return Response(
        stream_with_context(_lines(rows, english)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _lines(rows: Iterator[ExportRow], english: dict[str, str]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def flushed() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(COLUMNS)
    yield flushed()
    for count, row in enumerate(rows, start=1):
        writer.writerow(_csv_row(row, english))
        if count % 500 == 0:
            yield flushed()
    yield flushed()


def _csv_row(row: ExportRow, english: dict[str, str]) -> list[str]:
    return [
        str(row.id),
        row.occurred_at.isoformat(timespec="microseconds"),
        str(row.actor_id) if row.actor_id else "",
        row.actor_role or "",
        row.action,
        english.get(row.action, row.action),
        row.outcome,
        row.case_code or "",
        row.object_type or "",
        row.object_id or "",
    ]


def columns_described() -> list[tuple[str, str]]:
    """What each column of the file holds, in the page's language."""
    return [
        ("event_id", _("The event's number in the audit trail (the trail is numbered in the order events happened)")),
        ("occurred_at", _("When it happened: date and time in UTC, ISO 8601")),
        ("actor_id", _("Who did it: the internal number of their account (empty when the portal did it itself)")),
        ("actor_role", _("Their account's role: participant, facilitator, manager or admin")),
        ("action", _("What was done, as a code from the portal's fixed list")),
        ("action_label", _("The same in plain English")),
        ("outcome", _("How it ended: success, failure, delayed, blocked or tampered")),
        ("case_code", _("The case's code, if it was about a case")),
        ("object_type", _("What it was about: letter, case_note, meeting, assessment, user, and so on")),
        ("object_id", _("The internal number of what it was about")),
    ]


# --- Words for a row ------------------------------------------------------------------------------


def _participant_words(side: Side, role: ParticipantRole) -> str:
    """Who a participant is by side and role: never their name (the same words as the review screen)."""
    if role == ParticipantRole.PROXY:
        return {
            Side.HARMED: _("A proxy for the person harmed"),
            Side.RESPONSIBLE: _("A proxy for the person responsible"),
        }[side]
    if role == ParticipantRole.SUPPORTER:
        return {
            Side.HARMED: _("A supporter of the person harmed"),
            Side.RESPONSIBLE: _("A supporter of the person responsible"),
        }[side]
    return {Side.HARMED: _("The person harmed"), Side.RESPONSIBLE: _("The person responsible")}[side]


def who_words(entry: AuditEntry) -> str:
    if entry.actor_id is None:
        return _("The portal itself")
    if entry.actor_role == Role.PARTICIPANT:
        if entry.side is not None and entry.participant_role is not None:
            return _participant_words(entry.side, entry.participant_role)
        return _("A participant")
    if entry.staff_name:
        return entry.staff_name
    return _("An account the portal no longer holds")


def object_words(entry: AuditEntry) -> str:
    """The kind of thing, and for anything but the case a short part of its number, so two
    letters of one case can be told apart."""
    kind = object_name(entry.object_type)
    if entry.object_id and entry.object_type not in (None, "case", audit_view.OBJECT):
        return _("%(kind)s (number ending %(tail)s)", kind=kind, tail=entry.object_id[-8:])
    return kind
