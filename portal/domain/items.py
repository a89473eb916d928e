"""Items (letters, question sets, answers, shuttle notes, recorded messages) and their journey to
the other side.

The item state machine. Each step first asks ``permissions.require`` (who may, and in which
state), then checks the rules of the step itself. "Sent" below means submitted,
awaiting_second_approval, approved or scheduled: with the facilitators, not yet delivered.
The writer is the author in the portal, or a facilitator for shuttle notes and for authors
taking part offline.

    from                      step (who)                                  to
    (new)                     start_item (the writer)                     draft
    draft, returned           save_draft (the writer)                     the same state
    draft, returned           confirm_shuttle_note (its author, or a      the same state, confirmed
                                facilitator who read it back to them)
    draft, returned           submit (the writer)                         submitted; on_hold if the case is halted
    sent                      review: approve or redact (a facilitator    approved; awaiting_second_approval
                                who hasn't approved it yet)                 until it has enough approvals
    sent                      review: return, with a message              returned
    sent                      review: withhold, with an explanation       withheld (final)
    sent, on_hold             take_back (the writer, or its author)       draft
    on_hold                   lift_hold (a facilitator; case running)     submitted
    approved, scheduled,      release (a facilitator)                     released
      held_for_recipient      schedule_release (a facilitator)            scheduled
    scheduled                 deliver_scheduled (the clock, when due)     released
    released                  open_item (the recipient)                   released, marked opened
    released                  ask_to_hold (the recipient)                 held_for_recipient
    released                  ask_to_destroy (the recipient)              destroyed (final)
    sent                      anyone in the case stops taking part        on_hold, approvals cleared
    draft, returned, sent,    its author stops taking part                withdrawn (final)
      on_hold

Enough approvals: one facilitator; two different ones in a high-risk case; and a shuttle
note always needs a facilitator other than every one who wrote its words. Any review decision
cancels a scheduled release; taking back or returning clears approvals and redactions.

A recorded message is written like a letter (by its author in the portal, or by a facilitator
for an author taking part offline); its one part is the transcript or summary that travels
with the recording, screened and redacted like a letter's words. What the recording itself
needs (portal.domain.media) is checked beside these rules, not here.

Victim-led: the responsible side can't start (or send) a letter, a shuttle note or a recorded
message until the harmed side has consented to that format, which is how the facilitator
records that the person harmed has agreed to receive it; only the harmed side writes
questions, and only the responsible side answers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from portal.domain import redaction
from portal.domain.actors import Actor
from portal.domain.cases import HALTED, ITEMS_FLOW, Case, Participant
from portal.domain.consent import FORMAT_FOR_KIND, side_formats
from portal.domain.enums import ItemKind, ItemState, Language, ReviewDecision, RiskLevel, Role, Side, Stage
from portal.domain.errors import DomainError, NotAllowed, Stale
from portal.domain.permissions import ItemAction, ItemRelation, may_write_for, require
from portal.domain.problems import Problem
from portal.domain.redaction import Redaction

# The kinds written as one piece: a letter, a note, and a recording's transcript or summary.
ONE_PIECE = frozenset({ItemKind.LETTER, ItemKind.SHUTTLE_NOTE, ItemKind.RECORDING})
# The kinds the responsible side may send only once the harmed side has said yes to their format.
VICTIM_LED = frozenset({ItemKind.LETTER, ItemKind.SHUTTLE_NOTE, ItemKind.RECORDING})


@dataclass(frozen=True)
class Confirmation:
    """The person a shuttle note speaks for agreed that it says what they meant."""

    at: datetime
    recorded_by: UUID
    by_facilitator: bool  # read back to them and agreed, recorded by the facilitator


@dataclass(frozen=True)
class Item:
    id: UUID
    case_id: UUID
    kind: ItemKind
    author_id: UUID  # the participant whose words these are
    state: ItemState = ItemState.DRAFT
    parts: tuple[str, ...] = ("",)  # one text (a recording's transcript); or the questions; or one answer each
    answers_to: UUID | None = None  # for answers: the question set
    entered_by: UUID | None = None  # the facilitator who wrote a shuttle note or transcribed a handwritten item
    writers: tuple[UUID, ...] = ()  # every facilitator who put words in it; none may be a note's only approver
    confirmation: Confirmation | None = None  # shuttle notes only
    redactions: tuple[Redaction, ...] = ()
    approved_by: tuple[UUID, ...] = ()
    message: str = ""  # the facilitator's message to the writer when returned or withheld
    review_note: str = ""  # the latest approver's note for the facilitator who approves next
    release_at: datetime | None = None
    released_at: datetime | None = None
    opened_at: datetime | None = None
    read_receipt: bool = False  # the recipient lets the writer know it was read
    version: int = 0  # changes with every change; a decision names the version it was made on
    language: Language = Language.EN  # the language its writer wrote it in: shown in that language

    @property
    def release_copy(self) -> tuple[str, ...]:
        """What the other side reads: the original with each redaction replaced by the marker."""
        return redaction.release_copy(self.parts, self.redactions)


def start_item(
    item_id: UUID,
    case: Case,
    actor: Actor,
    kind: ItemKind,
    author_id: UUID,
    question_set: Item | None = None,
    language: Language = Language.EN,
) -> Item:
    """A new draft in the author's name; answers start with one empty answer per question."""
    author = case.participant(author_id)
    _require_open(case)
    if not may_write_for(case, actor, author, kind):
        raise NotAllowed(Problem.ITEM_CANNOT_WRITE_HERE, kind=kind)
    if kind == ItemKind.QUESTION_SET and author.side != Side.HARMED:
        raise DomainError(Problem.ITEM_QUESTIONS_FROM_HARMED)
    parts = ("",) * _question_count(question_set, case, author) if kind == ItemKind.ANSWERS else ("",)
    _check_victim_led(case, author, kind)
    return Item(
        id=item_id,
        case_id=case.id,
        kind=kind,
        author_id=author.id,
        parts=parts,
        answers_to=question_set.id if question_set is not None and kind == ItemKind.ANSWERS else None,
        entered_by=actor.user_id if actor.role == Role.FACILITATOR else None,
        writers=(actor.user_id,) if actor.role == Role.FACILITATOR else (),
        language=language,
    )


def open_draft(items: Iterable[Item], author_id: UUID, kind: ItemKind, answers_to: UUID | None) -> Item | None:
    """The unsent draft of this kind the author already has, if any: starting again resumes it,
    so a second click, a retry or a second tab never leaves two drafts of one letter."""
    for item in items:
        same = item.author_id == author_id and item.kind == kind and item.answers_to == answers_to
        if same and item.state == ItemState.DRAFT:
            return item
    return None


def require_seen(item: Item, seen: int | None) -> None:
    """A decision applies only to the item as the decider saw it: any change since (or a decision
    that names no version at all) is refused."""
    if seen != item.version:
        raise Stale(item.kind.value, item.state.value)


def may_start(case: Case, actor: Actor, author: Participant, kind: ItemKind) -> bool:
    """Whether ``start_item`` would let this actor start this kind now, so pages offer only that.

    Answers also need a released question set, which the caller offers separately.
    """
    if case.stage == Stage.CLOSED or not may_write_for(case, actor, author, kind):
        return False
    if kind == ItemKind.QUESTION_SET and author.side != Side.HARMED:
        return False
    try:
        _check_victim_led(case, author, kind)
    except DomainError:
        return False
    return True


def save_draft(item: Item, case: Case, actor: Actor, parts: Sequence[str], language: Language | None = None) -> Item:
    """The item with new words (in the language they are written in); a changed shuttle note
    must be confirmed again."""
    require(ItemAction.EDIT, item, case, actor)
    _require_open(case)
    parts = tuple(parts)
    if item.kind in ONE_PIECE and len(parts) != 1:
        raise DomainError(Problem.ITEM_ONE_PIECE, kind=item.kind)
    if item.kind == ItemKind.ANSWERS and len(parts) != len(item.parts):
        raise DomainError(Problem.ITEM_ONE_ANSWER_EACH)
    language = language or item.language
    if parts == item.parts:
        return item if language == item.language else replace(item, language=language)
    writers = item.writers
    if actor.role == Role.FACILITATOR and actor.user_id not in writers:
        writers = (*writers, actor.user_id)
    return replace(item, parts=parts, confirmation=None, writers=writers, language=language)


def confirm_shuttle_note(item: Item, case: Case, actor: Actor, at: datetime) -> Item:
    """Record that the author agreed the note says what they meant (in the portal, or read back)."""
    relation = require(ItemAction.CONFIRM, item, case, actor)
    if not item.parts[0].strip():
        raise DomainError(Problem.ITEM_NOTHING_TO_CONFIRM)
    return replace(item, confirmation=Confirmation(at, actor.user_id, relation == ItemRelation.ASSIGNED_FACILITATOR))


def submit(item: Item, case: Case, actor: Actor) -> Item:
    """Send for review; while the case is halted it waits on hold like everything else."""
    require(ItemAction.SUBMIT, item, case, actor)
    _require_open(case)
    _check_complete(item)
    if item.kind == ItemKind.SHUTTLE_NOTE and item.confirmation is None:
        raise DomainError(Problem.ITEM_NOT_CONFIRMED)
    _check_victim_led(case, case.participant(item.author_id), item.kind)
    return replace(item, state=ItemState.ON_HOLD if case.stage in HALTED else ItemState.SUBMITTED, message="")


def take_back(item: Item, case: Case, actor: Actor) -> Item:
    """Back to a draft, any time before it is passed on; approvals and redactions go."""
    require(ItemAction.TAKE_BACK, item, case, actor)
    return replace(item, state=ItemState.DRAFT, redactions=(), approved_by=(), release_at=None)


def review(
    item: Item,
    case: Case,
    actor: Actor,
    decision: ReviewDecision,
    *,
    redactions: Sequence[Redaction] = (),
    message: str = "",
    note: str = "",
) -> Item:
    """A facilitator's decision. Approving names the whole set of removals: the same set as the
    approvals so far adds this facilitator's approval; a different set is a change, and every
    earlier approval must be given again on the new copy (nothing changes under someone's name)."""
    require(ItemAction.REVIEW, item, case, actor)
    if decision in (ReviewDecision.RETURN, ReviewDecision.WITHHOLD):
        if not message.strip():
            raise DomainError(Problem.REVIEW_MESSAGE_NEEDED)
        if decision == ReviewDecision.RETURN:
            return replace(
                item,
                state=ItemState.RETURNED,
                message=message.strip(),
                redactions=(),
                approved_by=(),
                review_note="",
                release_at=None,
            )
        return replace(item, state=ItemState.WITHHELD, message=message.strip(), release_at=None)
    if actor.user_id in item.approved_by:
        raise NotAllowed(Problem.REVIEW_ALREADY_APPROVED, kind=item.kind)
    if decision == ReviewDecision.REDACT and not redactions:
        raise DomainError(Problem.REVIEW_NOTHING_MARKED)
    if decision == ReviewDecision.APPROVE and redactions:
        raise DomainError(Problem.REVIEW_APPROVE_WITH_REMOVALS)
    merged = redaction.validate_redactions(item.parts, redactions)
    _check_sensitive_terms(item.parts, merged, case, case.participant(item.author_id))
    approvals = (actor.user_id,) if changes_review(item, merged) else (*item.approved_by, actor.user_id)
    approved = replace(item, redactions=merged, approved_by=approvals, review_note=note.strip(), release_at=None)
    state = ItemState.APPROVED if approvals_complete(approved, case) else ItemState.AWAITING_SECOND_APPROVAL
    return replace(approved, state=state)


def changes_review(item: Item, redactions: Sequence[Redaction]) -> bool:
    """Whether approving with these removals changes what earlier approvers agreed to."""
    return bool(item.approved_by) and tuple(redactions) != item.redactions


def approvals_needed(case: Case) -> int:
    """Two different facilitators approve everything in a high-risk case; one otherwise."""
    return 2 if case.risk_level == RiskLevel.HIGH else 1


def approvals_complete(item: Item, case: Case) -> bool:
    """Enough approvals by different facilitators, and never only by a note's writer."""
    approvers = set(item.approved_by)
    if len(approvers) < approvals_needed(case):
        return False
    return item.kind != ItemKind.SHUTTLE_NOTE or bool(approvers - {item.entered_by, *item.writers})


def release(item: Item, case: Case, actor: Actor, now: datetime) -> Item:
    """Pass the release copy on now (also gives back an item the recipient asked to be held)."""
    require(ItemAction.RELEASE, item, case, actor)
    _check_can_pass_on(item, case)
    return replace(item, state=ItemState.RELEASED, released_at=now, release_at=None)


def schedule_release(item: Item, case: Case, actor: Actor, at: datetime, now: datetime) -> Item:
    """Pass it on at a set time; every check runs again when the time comes."""
    require(ItemAction.RELEASE, item, case, actor)
    if at <= now:
        raise DomainError(Problem.RELEASE_TIME_PAST)
    _check_can_pass_on(item, case)
    return replace(item, state=ItemState.SCHEDULED, release_at=at)


def deliver_scheduled(item: Item, case: Case, now: datetime) -> Item:
    """For the scheduler: pass on a scheduled item once due, if everything still allows it."""
    if item.state != ItemState.SCHEDULED or item.release_at is None or now < item.release_at:
        raise DomainError(Problem.RELEASE_NOT_DUE, kind=item.kind)
    _check_can_pass_on(item, case)
    return replace(item, state=ItemState.RELEASED, released_at=now, release_at=None)


def open_item(item: Item, case: Case, actor: Actor, now: datetime, *, tell_writer: bool = False) -> Item:
    """The recipient opens it when ready; the writer learns it was read only if they say so."""
    require(ItemAction.OPEN, item, case, actor)
    return replace(item, opened_at=item.opened_at or now, read_receipt=item.read_receipt or tell_writer)


def ask_to_hold(item: Item, case: Case, actor: Actor) -> Item:
    """The recipient asks the facilitator to keep it until they ask for it (see ``release``)."""
    require(ItemAction.OPEN, item, case, actor)
    return replace(item, state=ItemState.HELD_FOR_RECIPIENT)


def ask_to_destroy(item: Item, case: Case, actor: Actor) -> Item:
    """The recipient's side never sees it again; the writer's record is kept."""
    require(ItemAction.OPEN, item, case, actor)
    return replace(item, state=ItemState.DESTROYED)


def lift_hold(item: Item, case: Case, actor: Actor) -> Item:
    """Once the case is running again, a held item goes back for a fresh review."""
    require(ItemAction.LIFT_HOLD, item, case, actor)
    if case.stage in HALTED:
        raise DomainError(Problem.HOLD_RESUME_FIRST)
    _require_open(case)
    return replace(item, state=ItemState.SUBMITTED)


def _require_open(case: Case) -> None:
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)


def _question_count(question_set: Item | None, case: Case, author: Participant) -> int:
    if question_set is None or question_set.kind != ItemKind.QUESTION_SET or question_set.case_id != case.id:
        raise DomainError(Problem.ITEM_ANSWERS_NEED_QUESTIONS)
    if author.side != Side.RESPONSIBLE:
        raise DomainError(Problem.ITEM_ANSWERS_FROM_RESPONSIBLE)
    if question_set.state != ItemState.RELEASED:
        raise DomainError(Problem.ITEM_QUESTIONS_NOT_PASSED_ON)
    return len(question_set.parts)


def _check_victim_led(case: Case, author: Participant, kind: ItemKind) -> None:
    if author.side != Side.RESPONSIBLE or kind not in VICTIM_LED:
        return
    if FORMAT_FOR_KIND[kind] not in side_formats(case, Side.HARMED):
        raise DomainError(Problem.ITEM_VICTIM_LED, kind=kind)


def _check_complete(item: Item) -> None:
    if item.kind == ItemKind.QUESTION_SET:
        if not item.parts or not all(question.strip() for question in item.parts):
            raise DomainError(Problem.ITEM_NO_QUESTIONS)
    elif item.kind == ItemKind.ANSWERS:
        if not any(answer.strip() for answer in item.parts):
            raise DomainError(Problem.ITEM_NO_ANSWERS)
    elif not item.parts[0].strip():
        raise DomainError(Problem.ITEM_EMPTY, kind=item.kind)


def _check_sensitive_terms(
    parts: Sequence[str], redactions: Sequence[Redaction], case: Case, author: Participant
) -> None:
    left = redaction.uncovered_terms(parts, redactions, case.sensitive_terms(author.side))
    if left:
        raise DomainError(Problem.REVIEW_TERMS_LEFT_IN, terms=left)


def _check_can_pass_on(item: Item, case: Case) -> None:
    if case.stage in HALTED:
        raise DomainError(Problem.RELEASE_CASE_PAUSED)
    if case.stage not in ITEMS_FLOW:
        raise DomainError(Problem.RELEASE_STAGE)
    author = case.participant(item.author_id)
    if author.withdrawn:
        raise DomainError(Problem.RELEASE_WRITER_STOPPED)
    if not approvals_complete(item, case):
        if item.kind == ItemKind.SHUTTLE_NOTE and set(item.approved_by) <= {item.entered_by, *item.writers}:
            raise DomainError(Problem.RELEASE_NOTE_NEEDS_OTHER_APPROVER)
        raise DomainError(Problem.RELEASE_SECOND_APPROVAL)
    consent_format = FORMAT_FOR_KIND[item.kind]
    for side in (author.side, author.side.other):
        if consent_format not in side_formats(case, side):
            raise DomainError(Problem.RELEASE_NO_CONSENT, side=side, format=consent_format)
    _check_sensitive_terms(item.parts, item.redactions, case, author)
