"""Subject access: everything the portal holds about one person, collected as plain values.

A participant exports their own data from their account (every case they take part in); an
assigned facilitator exports it for one of their case's people, after checking the request
(portal.domain.subject_access). Either way it is one unit of work that writes a
`subject-access.export` audit event per case, naming the person: the export commits with its
record, or there is no export.

What is collected for a person in a case: what they are in it; everything they wrote, in every
state, with their own words, what was removed from them and why, and the facilitator's messages
to them; what was passed on to them, as the copy they received (nothing of the other side's
unsent writing, and no other person's name); their consent history; their satisfaction answer;
the outcome agreement; and which staff opened their items, and when, from the audit trail. Their
files are personal data too: every file of what they wrote (a scan of their handwritten reply
included), and the files that passed on to them with what they received. The export names each
file (`ExportedFile`) and `exported_file_chunks` reads it, a batch of sealed chunks at a time, so
a long recording is never held whole in memory and no transaction stays open while it is sent. The
casework record follows the service's policy: the assessments about them and the contacts with
them, or only how many there are with the lawful ground for withholding them. The web layer
turns this into the archive (portal.web.subject_access).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from portal.crypto import CaseVault
from portal.domain import subject_access as rules
from portal.domain.actors import Actor
from portal.domain.agreement import AgreementAction
from portal.domain.assessments import Risk, Suitability
from portal.domain.audit import AuditAction
from portal.domain.casenotes import Contact
from portal.domain.cases import Participant
from portal.domain.enums import (
    AssessmentKind,
    AssessmentOutcome,
    ConsentFormat,
    ItemKind,
    ItemState,
    Language,
    MediaKind,
    MediaRole,
    ParticipantRole,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.items import Item
from portal.domain.notifications import Channel
from portal.domain.presentation import Attribution, Label, attribution, writer_label
from portal.domain.subject_access import Casework, CaseworkPolicy, WithholdingGround
from portal.services import accounts, agreements, audit, case_record, casenotes, casework, records, submissions
from portal.services.caseload import SETTINGS_ROW
from portal.services.casework import CaseNotFound
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

# An item of the other side in one of these states reached this person's side.
_DELIVERED = frozenset({ItemState.RELEASED, ItemState.HELD_FOR_RECIPIENT, ItemState.DESTROYED})

# How many sealed chunks (64 KiB each) one unit of work reads while an exported file is sent.
EXPORT_BATCH = 32

# Made afresh by each process: an `ExportedFile` carries a tag under it, so one can come only from
# an export made here (whose use case checked who asked, and audited it), never from a request.
_ISSUER_KEY = secrets.token_bytes(32)

_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "video/webm": "webm",
    "audio/webm": "webm",
    "video/mp4": "mp4",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
}
_ROLE_NAMES = {MediaRole.RECORDING: "recording", MediaRole.ATTACHMENT: "picture", MediaRole.SCAN: "scan"}


def _tag(values: tuple[object, ...]) -> bytes:
    return hmac.new(_ISSUER_KEY, repr(values).encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class ExportedFile:
    """One file in a person's export, and the capability to read it (`exported_file_chunks`).

    Made only by the export use cases: the constructor refuses values without the tag they add,
    so a view cannot make one from a media id in a request, nor change one it was given
    (`dataclasses.replace` goes through the constructor too). `name` is its neutral place in the
    archive, built from the case code, the item's number and what the file is: never anything a
    person typed."""

    media_id: uuid.UUID
    case_id: uuid.UUID
    item_id: uuid.UUID
    role: MediaRole
    kind: MediaKind
    content_type: str
    position: int
    byte_size: int
    duration_ms: int | None
    name: str
    _issued: bytes = field(default=b"", repr=False, compare=False)

    def __post_init__(self) -> None:
        if not hmac.compare_digest(self._issued, _tag(self._values())):
            raise TypeError("an exported file comes only from an export")

    def _values(self) -> tuple[object, ...]:
        return (
            self.media_id,
            self.case_id,
            self.item_id,
            self.role,
            self.kind,
            self.content_type,
            self.position,
            self.byte_size,
            self.duration_ms,
            self.name,
        )


@dataclass(frozen=True)
class AccountPart:
    """Their account, without its secrets: the export says a password and an authenticator exist."""

    name: str
    email: str
    language: Language
    told_of_news: bool
    channel: Channel
    notification_email: str | None
    notification_phone: str | None
    password_set: bool  # kept only as a one-way hash, which is not exported
    authenticator: bool  # its secret is sealed, and not exported
    joined_at: datetime
    password_changed_at: datetime


@dataclass(frozen=True)
class PersonPart:
    name: str
    side: Side
    role: ParticipantRole
    taking_part: TakingPart
    relationship: str
    display_name: str
    may_write: bool
    sensitive_terms: tuple[str, ...]
    added_at: datetime
    stopped_at: datetime | None


@dataclass(frozen=True)
class Removal:
    """A passage a facilitator removed from their own writing, and why (a reason or a code)."""

    part: int
    text: str
    reason: str


@dataclass(frozen=True)
class Written:
    id: uuid.UUID
    kind: ItemKind
    state: ItemState
    label: Label
    language: Language
    started_at: datetime
    sent_at: datetime | None
    passed_on_at: datetime | None
    words: tuple[str, ...]  # as they wrote them
    passed_on_copy: tuple[str, ...] | None  # what the other side received, once it was passed on
    removals: tuple[Removal, ...]
    message: str  # the facilitator's message to them, when returned or not passed on
    questions: tuple[str, ...]  # for answers: the questions they answer, as passed on to them
    files: tuple[ExportedFile, ...] = ()  # every file of the item, in any state, scans included


@dataclass(frozen=True)
class Received:
    id: uuid.UUID
    kind: ItemKind
    state: ItemState
    from_side: Side
    attribution: tuple[Attribution, ...]
    passed_on_at: datetime | None
    opened_at: datetime | None
    copy: tuple[str, ...] | None  # the copy they received; None while kept for them, or once removed
    questions: tuple[str, ...]
    language: Language
    files: tuple[ExportedFile, ...] = ()  # those that passed on with it, only while `copy` is there


@dataclass(frozen=True)
class ConsentEntry:
    format: ConsentFormat
    given: bool
    at: datetime
    by_facilitator: bool


@dataclass(frozen=True)
class SatisfactionPart:
    score: int
    comment: str
    at: datetime
    by_facilitator: bool


@dataclass(frozen=True)
class AgreementPart:
    """The outcome agreement both sides see: its actions, and when each side agreed (not who)."""

    follow_up_on: date
    actions: tuple[AgreementAction, ...]
    agreed: tuple[tuple[Side, datetime], ...]


@dataclass(frozen=True)
class StaffLook:
    """A member of staff opened one of their items (`item.view` in the audit trail)."""

    who: str
    at: datetime
    item_id: uuid.UUID
    kind: str


@dataclass(frozen=True)
class SuitabilityPart:
    assessed_on: date
    assessed_by: str
    outcome: AssessmentOutcome
    reasons: str
    details: Suitability


@dataclass(frozen=True)
class RiskPart:
    """Only what a risk assessment says about them: the risk to them, and its note."""

    assessed_on: date
    assessed_by: str
    level: RiskLevel
    note: str


@dataclass(frozen=True)
class ContactPart:
    recorded_by: str
    contact: Contact


@dataclass(frozen=True)
class Withheld:
    record: Casework
    count: int
    grounds: tuple[WithholdingGround, ...]


@dataclass(frozen=True)
class CaseworkPart:
    policy: CaseworkPolicy
    suitability: tuple[SuitabilityPart, ...]
    risks: tuple[RiskPart, ...]
    contacts: tuple[ContactPart, ...]
    withheld: tuple[Withheld, ...]


@dataclass(frozen=True)
class CasePart:
    participant_id: uuid.UUID
    case_code: str
    stage: Stage
    you: PersonPart
    written: tuple[Written, ...]
    received: tuple[Received, ...]
    consents: tuple[ConsentEntry, ...]
    satisfaction: SatisfactionPart | None
    agreement: AgreementPart | None
    staff_looks: tuple[StaffLook, ...]
    casework: CaseworkPart


@dataclass(frozen=True)
class Export:
    made_at: datetime
    by_facilitator: bool
    language: Language | None  # theirs, when they have an account; else the page's
    account: AccountPart | None
    cases: tuple[CasePart, ...]


# --- The service's policy ---------------------------------------------------------------------------------


def casework_policy(uow: UnitOfWork) -> CaseworkPolicy:
    row = uow.session.get(models.ServiceSettings, SETTINGS_ROW)
    return CaseworkPolicy(row.subject_access_casework) if row is not None else CaseworkPolicy.WITHHOLD


def set_casework_policy(uow: UnitOfWork, actor: Actor, policy: CaseworkPolicy, *, once: str | None = None) -> None:
    """A manager chooses what exports do with the casework record; audited as a settings change."""
    rules.require_policy_setter(actor)
    with uow:
        if submissions.previous(uow, once, actor.user_id) is not None:
            return
        insert = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
        uow.session.execute(insert(models.ServiceSettings).values(id=SETTINGS_ROW).on_conflict_do_nothing())
        row = uow.session.get(models.ServiceSettings, SETTINGS_ROW, with_for_update=True, populate_existing=True)
        assert row is not None
        row.subject_access_casework = policy.value
        row.updated_at = utcnow()
        row.updated_by_id = actor.user_id
        submissions.remember(uow, once, actor.user_id, AuditAction.SETTINGS_CHANGE.value)
        audit.record(uow, AuditAction.SETTINGS_CHANGE, actor_id=actor.user_id, object_type="settings", object_id="1")


# --- Exports -----------------------------------------------------------------------------------------------


def own_export(uow: UnitOfWork, actor: Actor) -> Export:
    """A participant's own data, from every case they take part in, audited per case."""
    rules.require_own_exporter(actor)
    with uow:
        user = uow.session.get(models.User, actor.user_id)
        if user is None:
            raise CaseNotFound
        rows = list(
            uow.session.scalars(
                select(models.Participant)
                .where(models.Participant.user_id == actor.user_id)
                .order_by(models.Participant.created_at)
            )
        )
        policy = casework_policy(uow)
        cases = []
        for participant in rows:
            case_row = uow.session.get(models.Case, participant.case_id)
            assert case_row is not None
            cases.append(_case_part(uow, case_row, participant.id, policy))
            _audit(uow, actor, case_row.id, participant.id)
        return Export(utcnow(), False, Language(user.language), _account_part(uow, user), tuple(cases))


def facilitator_export(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, participant_id: uuid.UUID, *, verified: bool
) -> Export:
    """One person's data in this case, made by an assigned facilitator for a checked request
    (someone taking part offline, or anyone who asked by letter or phone): with their account, if
    they have one, but nothing of any other case."""
    with uow:
        context = casework.load(uow, actor, case_id)
        context.participant(participant_id)  # another case's person is "not found"
        rules.require_exporter(context.case, context.actor, participant_id, verified=verified)
        row = context.participant_row(participant_id)
        user = uow.session.get(models.User, row.user_id) if row.user_id else None
        part = _case_part(uow, context.row, participant_id, casework_policy(uow))
        _audit(uow, actor, context.row.id, participant_id)
        language = Language(user.language) if user is not None else None
        account = _account_part(uow, user) if user is not None else None
        return Export(utcnow(), True, language, account, (part,))


def _audit(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, participant_id: uuid.UUID) -> None:
    audit.record(
        uow,
        AuditAction.SUBJECT_EXPORT,
        actor_id=actor.user_id,
        case_id=case_id,
        object_type="participant",
        object_id=participant_id,
    )


# --- Collecting -------------------------------------------------------------------------------------------


def _account_part(uow: UnitOfWork, user: models.User) -> AccountPart:
    details = accounts.details(uow, user)
    choices = accounts.notification_choices(uow, user)
    return AccountPart(
        name=details.name,
        email=details.email,
        language=Language(user.language),
        told_of_news=choices.by_email,
        channel=choices.channel,
        notification_email=choices.address,
        notification_phone=choices.phone,
        password_set=bool(user.password_hash),
        authenticator=user.totp_enabled,
        joined_at=user.created_at,
        password_changed_at=user.password_changed_at,
    )


def _case_part(uow: UnitOfWork, case_row: models.Case, participant_id: uuid.UUID, policy: CaseworkPolicy) -> CasePart:
    vault = records.vault_for(uow, case_row)
    case = records.case_from_row(uow, case_row)
    me = case.participant(participant_id)
    row = next(p for p in case_row.participants if p.id == participant_id)
    other_side = [p.id for p in case.participants if p.side != me.side]
    item_rows = list(
        uow.session.scalars(
            select(models.Item)
            .where(
                models.Item.case_id == case_row.id,
                or_(
                    models.Item.author_id == me.id,
                    models.Item.author_id.in_(other_side) & models.Item.state.in_([s.value for s in _DELIVERED]),
                ),
            )
            .order_by(models.Item.created_at, models.Item.id)
        )
    )
    items = {r.id: records.item_from_row(vault, r) for r in item_rows}
    rows_by_id = {r.id: r for r in item_rows}
    numbers = {item_id: number for number, item_id in enumerate(items, start=1)}  # for the files' names
    files = _file_rows(uow, case_row.id, list(items))

    def files_of(item: Item, *, passing_on: bool) -> tuple[ExportedFile, ...]:
        rows = [r for r in files.get(item.id, []) if r.passes_on or not passing_on]
        return _exported(case_row.code, numbers[item.id], rows)

    written = tuple(
        _written(uow, vault, case_row, rows_by_id[i.id], i, files_of(i, passing_on=False))
        for i in items.values()
        if i.author_id == me.id
    )
    received = tuple(
        _received(
            uow, vault, case_row, case.participant(i.author_id), rows_by_id[i.id], i, files_of(i, passing_on=True)
        )
        for i in items.values()
        if i.author_id != me.id
    )
    satisfaction = uow.session.scalars(
        select(models.SatisfactionAnswer).where(models.SatisfactionAnswer.participant_id == me.id)
    ).first()
    agreement_row = uow.session.scalars(select(models.Agreement).where(models.Agreement.case_id == case_row.id)).first()
    return CasePart(
        participant_id=me.id,
        case_code=case_row.code,
        stage=case.stage,
        you=PersonPart(
            name=vault.open_participant_detail(row.id, "name", row.name_sealed),
            side=me.side,
            role=me.role,
            taking_part=me.taking_part,
            relationship=me.relationship,
            display_name=me.display_name,
            may_write=me.may_write,
            sensitive_terms=me.sensitive_terms,
            added_at=row.created_at,
            stopped_at=row.withdrawn_at,
        ),
        written=written,
        received=received,
        consents=tuple(
            ConsentEntry(ConsentFormat(c.format), c.given, c.recorded_at, c.by_facilitator)
            for c in case_row.consents
            if c.participant_id == me.id
        ),
        satisfaction=SatisfactionPart(
            satisfaction.score,
            vault.open_satisfaction_comment(satisfaction.id, satisfaction.comment_sealed)
            if satisfaction.comment_sealed
            else "",
            satisfaction.answered_at,
            satisfaction.by_facilitator,
        )
        if satisfaction is not None
        else None,
        agreement=_agreement_part(vault, agreement_row) if agreement_row is not None else None,
        staff_looks=_staff_looks(uow, case_row.id, [i for i in items.values() if i.author_id == me.id]),
        casework=_casework(uow, vault, case_row, me.id, policy),
    )


def _agreement_part(vault: CaseVault, row: models.Agreement) -> AgreementPart:
    agreement = agreements._from_row(vault, row)
    return AgreementPart(agreement.follow_up_on, agreement.actions, tuple((a.side, a.at) for a in agreement.agreed))


def _questions(uow: UnitOfWork, vault: CaseVault, case_row: models.Case, item: Item) -> tuple[str, ...]:
    """For answers: the questions they answer, as they were passed on."""
    if item.kind != ItemKind.ANSWERS or item.answers_to is None:
        return ()
    row = uow.session.get(models.Item, item.answers_to)
    if row is None or row.case_id != case_row.id:
        return ()
    return records.item_from_row(vault, row).release_copy


def _file_rows(
    uow: UnitOfWork, case_id: uuid.UUID, item_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[models.MediaFile]]:
    """The files of these items, each item's in its own order."""
    out: dict[uuid.UUID, list[models.MediaFile]] = {}
    if not item_ids:
        return out
    rows = uow.session.scalars(
        select(models.MediaFile)
        .where(models.MediaFile.case_id == case_id, models.MediaFile.item_id.in_(item_ids))
        .order_by(models.MediaFile.item_id, models.MediaFile.position, models.MediaFile.created_at)
    )
    for row in rows:
        out.setdefault(row.item_id, []).append(row)
    return out


def _exported(case_code: str, number: int, rows: Sequence[models.MediaFile]) -> tuple[ExportedFile, ...]:
    """The files as the export names them: "files/<case>/<item's number>-picture-2.jpg"."""
    folder = re.sub(r"[^A-Za-z0-9-]", "", case_code) or "case"
    counts: dict[MediaRole, int] = {}
    out: list[ExportedFile] = []
    for row in rows:
        role, kind = MediaRole(row.role), MediaKind(row.kind)
        counts[role] = counts.get(role, 0) + 1
        label = _ROLE_NAMES[role]
        if role != MediaRole.RECORDING or counts[role] > 1:
            label = f"{label}-{counts[role]}"
        name = f"files/{folder}/{number}-{label}.{_EXTENSIONS.get(row.content_type, 'bin')}"
        values = (
            row.id,
            row.case_id,
            row.item_id,
            role,
            kind,
            row.content_type,
            row.position,
            row.byte_size,
            row.duration_ms,
            name,
        )
        out.append(
            ExportedFile(
                media_id=row.id,
                case_id=row.case_id,
                item_id=row.item_id,
                role=role,
                kind=kind,
                content_type=row.content_type,
                position=row.position,
                byte_size=row.byte_size,
                duration_ms=row.duration_ms,
                name=name,
                _issued=_tag(values),
            )
        )
    return tuple(out)


def _written(
    uow: UnitOfWork,
    vault: CaseVault,
    case_row: models.Case,
    row: models.Item,
    item: Item,
    files: tuple[ExportedFile, ...],
) -> Written:
    removals = tuple(
        Removal(r.part, item.parts[r.part][r.start : r.end] if r.part < len(item.parts) else "", r.reason)
        for r in item.redactions
    )
    return Written(
        id=item.id,
        kind=item.kind,
        state=item.state,
        label=writer_label(item),
        language=item.language,
        started_at=row.created_at,
        sent_at=row.submitted_at,
        passed_on_at=item.released_at,
        words=item.parts,
        passed_on_copy=item.release_copy if item.state in _DELIVERED else None,
        removals=removals,
        message=item.message,
        questions=_questions(uow, vault, case_row, item),
        files=files,
    )


def _received(
    uow: UnitOfWork,
    vault: CaseVault,
    case_row: models.Case,
    author: Participant,
    row: models.Item,
    item: Item,
    files: tuple[ExportedFile, ...],  # those that pass on
) -> Received:
    """As the person received it: the release copy, never the original, the reasons or the
    messages; and not even that while the facilitator keeps it for them or once they had it removed.
    Its files likewise: only those that passed on with it (a scan only if the facilitator chose
    so), and only while its copy is theirs."""
    readable = item.state == ItemState.RELEASED
    return Received(
        id=item.id,
        kind=item.kind,
        state=item.state,
        from_side=author.side,
        attribution=attribution(item, author),
        passed_on_at=item.released_at,
        opened_at=item.opened_at,
        copy=item.release_copy if readable else None,
        questions=_questions(uow, vault, case_row, item) if readable else (),
        language=item.language,
        files=files if readable else (),
    )


def _staff_looks(uow: UnitOfWork, case_id: uuid.UUID, written: list[Item]) -> tuple[StaffLook, ...]:
    if not written:
        return ()
    kinds = {str(item.id): item.kind.value for item in written}
    staff = select(models.User.id).where(models.User.role != Role.PARTICIPANT.value)
    events = list(
        uow.session.execute(
            select(models.AuditEvent.actor_id, models.AuditEvent.occurred_at, models.AuditEvent.object_id)
            .where(
                models.AuditEvent.case_id == case_id,
                models.AuditEvent.action == AuditAction.ITEM_VIEW.value,
                models.AuditEvent.object_id.in_(list(kinds)),
                models.AuditEvent.actor_id.in_(staff),
            )
            .order_by(models.AuditEvent.id)
        )
    )
    names = accounts.names(uow, {actor_id for actor_id, _, _ in events if actor_id is not None})
    return tuple(
        StaffLook(names.get(actor_id, ""), at, uuid.UUID(object_id), kinds[object_id])
        for actor_id, at, object_id in events
        if actor_id is not None and object_id is not None
    )


def _casework(
    uow: UnitOfWork, vault: CaseVault, case_row: models.Case, participant_id: uuid.UUID, policy: CaseworkPolicy
) -> CaseworkPart:
    """The assessments about them (their suitability; the risk to them) and the contacts with them,
    as the policy says; case notes are the whole case's, so they are only ever counted."""
    assessment_rows = [
        r
        for r in case_record.assessment_rows(uow, case_row.id)
        if r.kind == AssessmentKind.RISK.value
        or (r.kind == AssessmentKind.SUITABILITY.value and r.participant_id == participant_id)
    ]
    contact_rows = list(
        uow.session.scalars(
            select(models.Contact)
            .where(models.Contact.case_id == case_row.id, models.Contact.participant_id == participant_id)
            .order_by(models.Contact.happened_on, models.Contact.recorded_at)
        )
    )
    note_count = uow.session.scalar(
        select(func.count(models.CaseNote.id)).where(models.CaseNote.case_id == case_row.id)
    )
    suitability: list[SuitabilityPart] = []
    risks: list[RiskPart] = []
    contacts: list[ContactPart] = []
    withheld: list[Withheld] = []
    if rules.included(policy, Casework.ASSESSMENTS):
        staff = accounts.names(uow, {r.assessed_by_id for r in assessment_rows})
        for r in assessment_rows:
            assessment = case_record.assessment_from_row(vault, r)
            by = staff.get(r.assessed_by_id, "")
            if isinstance(assessment.details, Suitability):
                suitability.append(
                    SuitabilityPart(
                        assessment.assessed_on, by, assessment.outcome, assessment.reasons, assessment.details
                    )
                )
            elif isinstance(assessment.details, Risk):
                for risk in assessment.details.to_people:
                    if risk.participant_id == participant_id:
                        risks.append(RiskPart(assessment.assessed_on, by, risk.level, risk.note))
    elif assessment_rows:
        withheld.append(Withheld(Casework.ASSESSMENTS, len(assessment_rows), rules.GROUNDS[Casework.ASSESSMENTS]))
    if rules.included(policy, Casework.CONTACTS):
        staff = accounts.names(uow, {r.recorded_by_id for r in contact_rows})
        contacts = [
            ContactPart(
                staff.get(r.recorded_by_id, ""), casenotes._contact_from(r, vault.open_contact(r.id, r.details_sealed))
            )
            for r in contact_rows
        ]
    elif contact_rows:
        withheld.append(Withheld(Casework.CONTACTS, len(contact_rows), rules.GROUNDS[Casework.CONTACTS]))
    if note_count:
        withheld.append(Withheld(Casework.NOTES, note_count, rules.GROUNDS[Casework.NOTES]))
    return CaseworkPart(policy, tuple(suitability), tuple(risks), tuple(contacts), tuple(withheld))


# --- Files ---------------------------------------------------------------------------------------------


class ExportedFileGone(CaseNotFound):
    """The file was erased or its case deleted after the export was made: the archive stops
    short rather than hold part of a file (the person asks again and gets what is there now)."""


def exported_file_chunks(uow: UnitOfWork, file: ExportedFile) -> Iterator[bytes]:
    """The plaintext of a file named by an export, 64 KiB at a time, for the archive as it streams.

    The export use case already checked who asked and audited it, and `file` can only come from
    it, so it is the permission. Each batch of `EXPORT_BATCH` sealed chunks is read and opened in
    a unit of work of its own, and yielded only after it ends: a long recording never sits whole
    in memory and no transaction is held open while the bytes go out to the person."""
    if not isinstance(file, ExportedFile):
        raise TypeError("an exported file comes only from an export")
    first = 0
    while True:
        with uow:
            row = uow.session.get(models.MediaFile, file.media_id)
            if row is None or (row.case_id, row.item_id, row.byte_size) != (file.case_id, file.item_id, file.byte_size):
                raise ExportedFileGone
            case_row = uow.session.get(models.Case, row.case_id)
            if case_row is None:
                raise ExportedFileGone
            count = row.chunk_count
            last = min(first + EXPORT_BATCH, count) - 1
            sealer = records.vault_for(uow, case_row).media_sealer(row.item_id, row.id)
            sealed = uow.media_stores.named(row.store).chunks(uow.session, row.id, row.case_id, first, last)
            plain = list(sealer.open_chunks(sealed, first, count))
        if len(plain) != last - first + 1:
            raise ExportedFileGone
        yield from plain
        first = last + 1
        if first >= count:
            return
