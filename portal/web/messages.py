"""Every refusal code of the domain and the services, said as whole sentences in the page's language.

`refusal(error)` is the only way a `DomainError` becomes words. Where a sentence depends on the
item's kind, the state it is in, the action tried or a side, each combination is a sentence of
its own (or a pair of whole sentences), so Welsh can give each its own word order and mutations.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import format_decimal
from flask_login import current_user

from portal.domain.enums import ConsentFormat, ItemKind, ItemState, MeetingStatus, Role, Side
from portal.domain.errors import DomainError
from portal.domain.permissions import ItemAction
from portal.domain.problems import Blocker, Problem
from portal.web import words
from portal.web.catalogue import gettext as _
from portal.web.media_messages import media_sentences


def _state_sentence(kind: ItemKind, state: ItemState) -> str:
    """ "This letter is waiting for review.": one sentence for each kind and state."""
    return {
        (ItemKind.LETTER, ItemState.DRAFT): _("This letter is still a draft."),
        (ItemKind.LETTER, ItemState.SUBMITTED): _("This letter is waiting for review."),
        (ItemKind.LETTER, ItemState.RETURNED): _("This letter has been returned for changes."),
        (ItemKind.LETTER, ItemState.AWAITING_SECOND_APPROVAL): _("This letter is waiting for a second approval."),
        (ItemKind.LETTER, ItemState.APPROVED): _("This letter has been approved."),
        (ItemKind.LETTER, ItemState.SCHEDULED): _("This letter is due to be passed on."),
        (ItemKind.LETTER, ItemState.RELEASED): _("This letter has already been passed on."),
        (ItemKind.LETTER, ItemState.ON_HOLD): _("This letter is on hold."),
        (ItemKind.LETTER, ItemState.HELD_FOR_RECIPIENT): _("This letter is being kept by the facilitator."),
        (ItemKind.LETTER, ItemState.DESTROYED): _("This letter has been removed at the reader's request."),
        (ItemKind.LETTER, ItemState.WITHHELD): _("This letter was not passed on."),
        (ItemKind.LETTER, ItemState.WITHDRAWN): _("This letter was stopped when its writer stopped taking part."),
        (ItemKind.QUESTION_SET, ItemState.DRAFT): _("This set of questions is still a draft."),
        (ItemKind.QUESTION_SET, ItemState.SUBMITTED): _("This set of questions is waiting for review."),
        (ItemKind.QUESTION_SET, ItemState.RETURNED): _("This set of questions has been returned for changes."),
        (ItemKind.QUESTION_SET, ItemState.AWAITING_SECOND_APPROVAL): _(
            "This set of questions is waiting for a second approval."
        ),
        (ItemKind.QUESTION_SET, ItemState.APPROVED): _("This set of questions has been approved."),
        (ItemKind.QUESTION_SET, ItemState.SCHEDULED): _("This set of questions is due to be passed on."),
        (ItemKind.QUESTION_SET, ItemState.RELEASED): _("This set of questions has already been passed on."),
        (ItemKind.QUESTION_SET, ItemState.ON_HOLD): _("This set of questions is on hold."),
        (ItemKind.QUESTION_SET, ItemState.HELD_FOR_RECIPIENT): _(
            "This set of questions is being kept by the facilitator."
        ),
        (ItemKind.QUESTION_SET, ItemState.DESTROYED): _(
            "This set of questions has been removed at the reader's request."
        ),
        (ItemKind.QUESTION_SET, ItemState.WITHHELD): _("This set of questions was not passed on."),
        (ItemKind.QUESTION_SET, ItemState.WITHDRAWN): _(
            "This set of questions was stopped when its writer stopped taking part."
        ),
        (ItemKind.ANSWERS, ItemState.DRAFT): _("This set of answers is still a draft."),
        (ItemKind.ANSWERS, ItemState.SUBMITTED): _("This set of answers is waiting for review."),
        (ItemKind.ANSWERS, ItemState.RETURNED): _("This set of answers has been returned for changes."),
        (ItemKind.ANSWERS, ItemState.AWAITING_SECOND_APPROVAL): _(
            "This set of answers is waiting for a second approval."
        ),
        (ItemKind.ANSWERS, ItemState.APPROVED): _("This set of answers has been approved."),
        (ItemKind.ANSWERS, ItemState.SCHEDULED): _("This set of answers is due to be passed on."),
        (ItemKind.ANSWERS, ItemState.RELEASED): _("This set of answers has already been passed on."),
        (ItemKind.ANSWERS, ItemState.ON_HOLD): _("This set of answers is on hold."),
        (ItemKind.ANSWERS, ItemState.HELD_FOR_RECIPIENT): _("This set of answers is being kept by the facilitator."),
        (ItemKind.ANSWERS, ItemState.DESTROYED): _("This set of answers has been removed at the reader's request."),
        (ItemKind.ANSWERS, ItemState.WITHHELD): _("This set of answers was not passed on."),
        (ItemKind.ANSWERS, ItemState.WITHDRAWN): _(
            "This set of answers was stopped when its writer stopped taking part."
        ),
        (ItemKind.SHUTTLE_NOTE, ItemState.DRAFT): _("This note is still a draft."),
        (ItemKind.SHUTTLE_NOTE, ItemState.SUBMITTED): _("This note is waiting for review."),
        (ItemKind.SHUTTLE_NOTE, ItemState.RETURNED): _("This note has been returned for changes."),
        (ItemKind.SHUTTLE_NOTE, ItemState.AWAITING_SECOND_APPROVAL): _("This note is waiting for a second approval."),
        (ItemKind.SHUTTLE_NOTE, ItemState.APPROVED): _("This note has been approved."),
        (ItemKind.SHUTTLE_NOTE, ItemState.SCHEDULED): _("This note is due to be passed on."),
        (ItemKind.SHUTTLE_NOTE, ItemState.RELEASED): _("This note has already been passed on."),
        (ItemKind.SHUTTLE_NOTE, ItemState.ON_HOLD): _("This note is on hold."),
        (ItemKind.SHUTTLE_NOTE, ItemState.HELD_FOR_RECIPIENT): _("This note is being kept by the facilitator."),
        (ItemKind.SHUTTLE_NOTE, ItemState.DESTROYED): _("This note has been removed at the reader's request."),
        (ItemKind.SHUTTLE_NOTE, ItemState.WITHHELD): _("This note was not passed on."),
        (ItemKind.SHUTTLE_NOTE, ItemState.WITHDRAWN): _("This note was stopped when its writer stopped taking part."),
        (ItemKind.RECORDING, ItemState.DRAFT): _("This recorded message is still a draft."),
        (ItemKind.RECORDING, ItemState.SUBMITTED): _("This recorded message is waiting for review."),
        (ItemKind.RECORDING, ItemState.RETURNED): _("This recorded message has been returned for changes."),
        (ItemKind.RECORDING, ItemState.AWAITING_SECOND_APPROVAL): _(
            "This recorded message is waiting for a second approval."
        ),
        (ItemKind.RECORDING, ItemState.APPROVED): _("This recorded message has been approved."),
        (ItemKind.RECORDING, ItemState.SCHEDULED): _("This recorded message is due to be passed on."),
        (ItemKind.RECORDING, ItemState.RELEASED): _("This recorded message has already been passed on."),
        (ItemKind.RECORDING, ItemState.ON_HOLD): _("This recorded message is on hold."),
        (ItemKind.RECORDING, ItemState.HELD_FOR_RECIPIENT): _(
            "This recorded message is being kept by the facilitator."
        ),
        (ItemKind.RECORDING, ItemState.DESTROYED): _("This recorded message has been removed at the reader's request."),
        (ItemKind.RECORDING, ItemState.WITHHELD): _("This recorded message was not passed on."),
        (ItemKind.RECORDING, ItemState.WITHDRAWN): _(
            "This recorded message was stopped when its writer stopped taking part."
        ),
    }[(kind, state)]


def _action_not_now(action: ItemAction) -> str:
    return {
        ItemAction.VIEW: _("You can't see it now."),
        ItemAction.EDIT: _("You can't change it now."),
        ItemAction.SUBMIT: _("You can't send it to the facilitator now."),
        ItemAction.TAKE_BACK: _("You can't take it back now."),
        ItemAction.CONFIRM: _("You can't confirm it now."),
        ItemAction.REVIEW: _("You can't review it now."),
        ItemAction.LIFT_HOLD: _("You can't lift a hold on it now."),
        ItemAction.RELEASE: _("You can't pass it on now."),
        ItemAction.OPEN: _("You can't open it now."),
    }[action]


def _action_not_yours(action: ItemAction) -> str:
    return {
        ItemAction.VIEW: _("You can't see this."),
        ItemAction.EDIT: _("You can't change this."),
        ItemAction.SUBMIT: _("You can't send this to the facilitator."),
        ItemAction.TAKE_BACK: _("You can't take this back."),
        ItemAction.CONFIRM: _("You can't confirm this."),
        ItemAction.REVIEW: _("You can't review this."),
        ItemAction.LIFT_HOLD: _("You can't lift this hold."),
        ItemAction.RELEASE: _("You can't pass this on."),
        ItemAction.OPEN: _("You can't open this."),
    }[action]


def _decided(state: ItemState) -> str:
    """What another facilitator's decision (or the writer's act) just made of an item."""
    return {
        ItemState.DRAFT: _("The writer took it back."),
        ItemState.SUBMITTED: _("It was sent for review again."),
        ItemState.RETURNED: _("It was returned to the writer for changes."),
        ItemState.AWAITING_SECOND_APPROVAL: _("It was approved once and now waits for a second approval."),
        ItemState.APPROVED: _("It was approved."),
        ItemState.SCHEDULED: _("It was set to be passed on later."),
        ItemState.RELEASED: _("It was passed on."),
        ItemState.ON_HOLD: _("It was put on hold because someone stopped taking part."),
        ItemState.HELD_FOR_RECIPIENT: _("The reader asked for it to be kept for now."),
        ItemState.DESTROYED: _("The reader asked for it to be removed."),
        ItemState.WITHHELD: _("It was withheld and will not be passed on."),
        ItemState.WITHDRAWN: _("Its writer stopped taking part."),
    }[state]


def _stale(kind: ItemKind, state: ItemState) -> str:
    if current_user.is_authenticated and current_user.role == Role.PARTICIPANT:
        return {
            ItemKind.LETTER: _("This letter changed after you opened it. Please look at it again."),
            ItemKind.QUESTION_SET: _("These questions changed after you opened them. Please look at them again."),
            ItemKind.ANSWERS: _("These answers changed after you opened them. Please look at them again."),
            ItemKind.SHUTTLE_NOTE: _("This note changed after you opened it. Please look at it again."),
            ItemKind.RECORDING: _("This recorded message changed after you opened it. Please look at it again."),
        }[kind]
    first = {
        ItemKind.LETTER: _("Someone else decided on this letter while you were reading it."),
        ItemKind.QUESTION_SET: _("Someone else decided on this set of questions while you were reading it."),
        ItemKind.ANSWERS: _("Someone else decided on this set of answers while you were reading it."),
        ItemKind.SHUTTLE_NOTE: _("Someone else decided on this note while you were reading it."),
        ItemKind.RECORDING: _("Someone else decided on this recorded message while you were reading it."),
    }[kind]
    last = _("Nothing you chose was recorded. Please read it again as it is now before deciding.")
    return " ".join((first, _decided(state), last))


def _blocker(blocker: Blocker) -> str:
    return {
        Blocker.NOT_ELIGIBLE: _("The case hasn't been assessed as eligible yet."),
        Blocker.PROCEEDINGS_OPEN: _(
            "Court proceedings are still open: the case can't go past preparation until they conclude."
        ),
        Blocker.HARMED_NOT_SUITABLE: _(
            "The person harmed (and any proxy) hasn't been assessed as suitable to take part yet."
        ),
        Blocker.RESPONSIBLE_NOT_SUITABLE: _(
            "The person responsible (and any proxy) hasn't been assessed as suitable to take part yet."
        ),
        Blocker.RISK_NOT_ASSESSED: _("The risks haven't been assessed as manageable yet."),
        Blocker.RISK_SIGN_OFF_NEEDED: _("The risk assessment needs a senior facilitator's sign-off."),
        Blocker.RISK_SOMEONE_NEW: _(
            "Someone has joined the case since the risks were assessed: assess the risks again, for everyone."
        ),
        Blocker.HARMED_NO_CONSENT: _("The person harmed (or their proxy) hasn't given consent yet."),
        Blocker.RESPONSIBLE_NO_CONSENT: _("The person responsible (or their proxy) hasn't given consent yet."),
        Blocker.NO_COMMON_FORMAT: _("The two sides haven't yet agreed to the same way of communicating."),
    }[blocker]


def blocker(value: Blocker) -> str:
    return _blocker(value)


def _no_consent(side: Side, consent_format: ConsentFormat) -> str:
    return {
        (Side.HARMED, ConsentFormat.LETTERS): _("The person harmed hasn't consented to letters."),
        (Side.HARMED, ConsentFormat.QUESTIONS): _("The person harmed hasn't consented to questions and answers."),
        (Side.HARMED, ConsentFormat.SHUTTLE): _(
            "The person harmed hasn't consented to messages through the facilitator."
        ),
        (Side.HARMED, ConsentFormat.MEETING): _("The person harmed hasn't consented to a meeting."),
        (Side.HARMED, ConsentFormat.RECORDINGS): _("The person harmed hasn't consented to recorded messages."),
        (Side.RESPONSIBLE, ConsentFormat.LETTERS): _("The person responsible hasn't consented to letters."),
        (Side.RESPONSIBLE, ConsentFormat.QUESTIONS): _(
            "The person responsible hasn't consented to questions and answers."
        ),
        (Side.RESPONSIBLE, ConsentFormat.SHUTTLE): _(
            "The person responsible hasn't consented to messages through the facilitator."
        ),
        (Side.RESPONSIBLE, ConsentFormat.MEETING): _("The person responsible hasn't consented to a meeting."),
        (Side.RESPONSIBLE, ConsentFormat.RECORDINGS): _(
            "The person responsible hasn't consented to recorded messages."
        ),
    }[(side, consent_format)]


def _not_followed_up(side: Side) -> str:
    return {
        Side.HARMED: _("Record a follow-up contact with the person harmed (or their proxy) before closing."),
        Side.RESPONSIBLE: _("Record a follow-up contact with the person responsible (or their proxy) before closing."),
    }[side]


def _by_kind(sentences: dict[ItemKind, str]) -> Callable[[dict], str]:
    return lambda p: sentences[ItemKind(p["kind"])]


def _listed(terms: object) -> str:
    return ", ".join(f"“{term}”" for term in terms)  # type: ignore[attr-defined]


def _sentences() -> dict[Problem, Callable[[dict], str]]:
    """Built per call, so each sentence is looked up in the current request's language."""
    return {
        Problem.CASE_CLOSED: lambda p: _("This case is closed."),
        Problem.CASE_NOT_FACILITATOR: lambda p: _("Only a facilitator assigned to this case can do that."),
        Problem.CASE_ONLY_FACILITATOR_OPENS: lambda p: _("Only a facilitator can open a case."),
        Problem.CASE_CANNOT_MOVE: lambda p: _(
            "A case can't move straight between these stages. Now: %(now)s. Asked for: %(asked)s.",
            now=words.stage_name(p["from_stage"]),
            asked=words.stage_name(p["to_stage"]),
        ),
        Problem.CASE_EXCHANGE_BLOCKED: lambda p: " ".join(_blocker(b) for b in p["blockers"]),
        Problem.CASE_SOMEONE_MUST_REJOIN: lambda p: _(
            "Someone who stopped taking part must rejoin before the case can carry on."
        ),
        Problem.CASE_FOLLOW_UP_FIRST: lambda p: " ".join(_not_followed_up(side) for side in p["sides"]),
        Problem.STAFF_ADMINS_ONLY: lambda p: _("Only an administrator can change this."),
        Problem.STAFF_FACILITATORS_ONLY: lambda p: _(
            "Only facilitators can be senior facilitators or have a supervisor."
        ),
        Problem.SUPERVISOR_NOT_SELF: lambda p: _("A facilitator can't be their own supervisor."),
        Problem.SUPERVISOR_SENIOR_ONLY: lambda p: _("A supervisor must be an active senior facilitator."),
        Problem.SUPERVISION_SUPERVISORS_ONLY: lambda p: _(
            "Only the named supervisor of one of this case's facilitators records its supervision."
        ),
        Problem.SUPERVISION_EMPTY: lambda p: _("Write what the supervision discussed and agreed."),
        Problem.ASSESSMENT_DATE_FUTURE: lambda p: _("The date of the assessment can't be in the future."),
        Problem.ASSESSMENT_REASONS_NEEDED: lambda p: _("Write the reasons for the outcome."),
        Problem.ASSESSMENT_NOT_ELIGIBLE: lambda p: _(
            "A case is eligible only with an identifiable person harmed and person responsible, and an "
            "admission of responsibility. Choose another outcome, or correct what the assessment found."
        ),
        Problem.ASSESSMENT_CHOOSE_PERSON: lambda p: _("Choose the person this suitability assessment is about."),
        Problem.ASSESSMENT_SUITABILITY_INCOMPLETE: lambda p: _("Describe their motivation and their capacity."),
        Problem.ASSESSMENT_NEEDS_DETAIL: lambda p: _("Say what the needs are and how they will be met."),
        Problem.ASSESSMENT_RISK_EVERYONE: lambda p: _(
            "Give the risk to everyone taking part and to staff. Someone may have been added since you opened "
            "the form: open it again."
        ),
        Problem.ASSESSMENT_OVERALL_TOO_LOW: lambda p: _(
            "The overall risk can't be lower than the highest risk to any one person."
        ),
        Problem.ASSESSMENT_SENIOR_ONLY: lambda p: _("Only a senior facilitator can sign off a risk assessment."),
        Problem.ASSESSMENT_NO_SIGN_OFF_NEEDED: lambda p: _("This risk assessment doesn't need a sign-off."),
        Problem.ASSESSMENT_ALREADY_SIGNED: lambda p: _("This risk assessment is already signed off."),
        Problem.ASSESSMENT_FLAG_NEEDS_SENIOR: lambda p: _(
            "Only a senior facilitator can remove a risk that needs particular care. Keep it ticked, "
            "or ask a senior facilitator to reassess the risks."
        ),
        Problem.ASSESSMENT_SIGN_OWN: lambda p: _(
            "Another senior facilitator must sign off this risk assessment: you made it."
        ),
        Problem.REFERRAL_REFERENCE_MISSING: lambda p: _("Please enter the referral reference."),
        Problem.REFERRAL_OFFENCE_MISSING: lambda p: _("Please enter the type of offence."),
        Problem.REFERRAL_OFFENCE_AFTER_REFERRAL: lambda p: _("The offence can't have happened after the referral."),
        Problem.PERSON_NAME_MISSING: lambda p: _("Please enter the person's name. Only facilitators see it."),
        Problem.PERSON_PROXY_NEEDS_RELATIONSHIP: lambda p: _(
            "Please say who the proxy is, as the other side will read it, for example “her son”."
        ),
        Problem.PERSON_NOT_IN_CASE: lambda p: _("This person isn't part of this case."),
        Problem.PERSON_ALREADY_HAS_ACCOUNT: lambda p: _("This person already has an account for this case."),
        Problem.PERSON_TAKES_PART_OFFLINE: lambda p: _(
            "This person takes part offline. Change that first if they now want to use the portal."
        ),
        Problem.PERSON_HAS_NO_ACCOUNT: lambda p: _("This person has no portal account."),
        Problem.PERSON_NAMES_FOR_FACILITATORS: lambda p: _("Only facilitators see the names of the people in a case."),
        Problem.FACILITATOR_NOT_ASSIGNABLE: lambda p: _("Only an active facilitator can be assigned to a case."),
        Problem.FACILITATOR_ALREADY_ASSIGNED: lambda p: _("They are already assigned to this case."),
        Problem.CONSENT_NOT_YOURS: lambda p: _("You can't record consent for this person."),
        Problem.CONSENT_REJOIN_FIRST: lambda p: _(
            "Someone who has stopped taking part rejoins through their facilitator first."
        ),
        Problem.CONSENT_GIVEN_IN_PORTAL: lambda p: _(
            "People who use the portal give their own consent there, after reading what it means."
        ),
        Problem.WITHDRAW_NOT_YOURS: lambda p: _(
            "Only the person themself, or their facilitator, can stop their taking part."
        ),
        Problem.WITHDRAW_ALREADY: lambda p: _("This person has already stopped taking part."),
        Problem.REJOIN_STILL_TAKING_PART: lambda p: _("This person is still taking part."),
        Problem.ITEM_NOT_YOURS: lambda p: _action_not_yours(ItemAction(p["action"])),
        Problem.ITEM_NOT_NOW: lambda p: " ".join(
            (_state_sentence(ItemKind(p["kind"]), ItemState(p["state"])), _action_not_now(ItemAction(p["action"])))
        ),
        Problem.ITEM_STALE: lambda p: _stale(ItemKind(p["kind"]), ItemState(p["state"])),
        Problem.ITEM_CANNOT_WRITE_HERE: _by_kind(
            {
                ItemKind.LETTER: _("You can't write a letter here."),
                ItemKind.QUESTION_SET: _("You can't write questions here."),
                ItemKind.ANSWERS: _("You can't write answers here."),
                ItemKind.SHUTTLE_NOTE: _("You can't write a note here."),
                ItemKind.RECORDING: _("You can't make a recorded message here."),
            }
        ),
        Problem.ITEM_CHOOSE_AUTHOR: lambda p: _("Please choose who this is written for."),
        Problem.ITEM_QUESTIONS_FROM_HARMED: lambda p: _(
            "Questions are written by the person harmed. You can answer them when they arrive."
        ),
        Problem.ITEM_ANSWERS_FROM_RESPONSIBLE: lambda p: _("Answers are written by the person responsible."),
        Problem.ITEM_ANSWERS_NEED_QUESTIONS: lambda p: _("Answers must answer a set of questions from this case."),
        Problem.ITEM_QUESTIONS_NOT_PASSED_ON: lambda p: _("These questions haven't been passed on yet."),
        Problem.ITEM_VICTIM_LED: _by_kind(
            {
                ItemKind.LETTER: _(
                    "You can't start a letter yet. The person harmed decides when this can begin, "
                    "and your facilitator will tell you."
                ),
                ItemKind.SHUTTLE_NOTE: _(
                    "You can't start a note yet. The person harmed decides when this can begin, "
                    "and your facilitator will tell you."
                ),
                ItemKind.RECORDING: _(
                    "You can't start a recorded message yet. The person harmed decides when this can begin, "
                    "and your facilitator will tell you."
                ),
                ItemKind.QUESTION_SET: _("The person harmed decides when this can begin."),
                ItemKind.ANSWERS: _("The person harmed decides when this can begin."),
            }
        ),
        Problem.ITEM_ONE_PIECE: _by_kind(
            {
                ItemKind.LETTER: _("A letter is one piece of writing."),
                ItemKind.SHUTTLE_NOTE: _("A note is one piece of writing."),
                ItemKind.RECORDING: _("A recorded message has one piece of writing with it: what it says."),
                ItemKind.QUESTION_SET: _("Please write one question in each box."),
                ItemKind.ANSWERS: _("Please write one answer under each question."),
            }
        ),
        Problem.ITEM_ONE_ANSWER_EACH: lambda p: _("Please write one answer under each question."),
        Problem.ITEM_TOO_MANY_QUESTIONS: lambda p: _(
            "Please keep to %(limit)s questions at most.", limit=words_number(p["limit"])
        ),
        Problem.ITEM_NOTHING_TO_CONFIRM: lambda p: _("There is nothing to confirm yet."),
        Problem.ITEM_NOT_CONFIRMED: lambda p: _(
            "The person this note speaks for must confirm it says what they meant before review."
        ),
        Problem.ITEM_EMPTY: _by_kind(
            {
                ItemKind.LETTER: _("Please write your letter before sending it."),
                ItemKind.SHUTTLE_NOTE: _("Please write the note before sending it."),
                ItemKind.RECORDING: _(
                    "Please write down what the recording says before sending it: word for word, "
                    "or a short summary. It goes with the recording for anyone who would rather read."
                ),
                ItemKind.QUESTION_SET: _("Please write at least one question, and take out any empty ones."),
                ItemKind.ANSWERS: _("Please answer at least one question before sending."),
            }
        ),
        Problem.ITEM_NO_QUESTIONS: lambda p: _("Please write at least one question, and take out any empty ones."),
        Problem.ITEM_NO_ANSWERS: lambda p: _("Please answer at least one question before sending."),
        Problem.REVIEW_MESSAGE_NEEDED: lambda p: _("Please write a message to the writer explaining why."),
        Problem.REVIEW_ALREADY_APPROVED: _by_kind(
            {
                ItemKind.LETTER: _("You have already approved this letter. Another facilitator must approve it too."),
                ItemKind.QUESTION_SET: _(
                    "You have already approved these questions. Another facilitator must approve them too."
                ),
                ItemKind.ANSWERS: _(
                    "You have already approved these answers. Another facilitator must approve them too."
                ),
                ItemKind.SHUTTLE_NOTE: _(
                    "You have already approved this note. Another facilitator must approve it too."
                ),
                ItemKind.RECORDING: _(
                    "You have already approved this recorded message. Another facilitator must approve it too."
                ),
            }
        ),
        Problem.REVIEW_NOTHING_MARKED: lambda p: _("Please mark at least one passage to remove."),
        Problem.REVIEW_APPROVE_WITH_REMOVALS: lambda p: _(
            "To remove passages, choose to redact rather than approve as it is."
        ),
        Problem.REVIEW_FINDINGS_LEFT_IN: lambda p: _(
            "Some details that screening found are being left in. Tick “I have checked this” to confirm "
            "they are safe to pass on, or tick them to remove them."
        ),
        Problem.REVIEW_PASSAGE_NOT_FOUND: lambda p: _(
            "This passage is not in the text: “%(passage)s”. Please copy it exactly as it appears.",
            passage=p["passage"],
        ),
        Problem.REVIEW_REASON_NEEDED: lambda p: _("Please give a reason for each passage you remove."),
        Problem.REVIEW_PASSAGE_OUTSIDE: lambda p: _("Each passage to remove must be part of the text."),
        Problem.REVIEW_TERMS_LEFT_IN: lambda p: _(
            "These must never reach the other side, so please remove them first: %(terms)s.",
            terms=_listed(p["terms"]),
        ),
        Problem.RELEASE_TIME_PAST: lambda p: _("Please choose a time in the future."),
        Problem.RELEASE_NOT_DUE: _by_kind(
            {
                ItemKind.LETTER: _("This letter isn't due to be passed on."),
                ItemKind.QUESTION_SET: _("These questions aren't due to be passed on."),
                ItemKind.ANSWERS: _("These answers aren't due to be passed on."),
                ItemKind.SHUTTLE_NOTE: _("This note isn't due to be passed on."),
                ItemKind.RECORDING: _("This recorded message isn't due to be passed on."),
            }
        ),
        Problem.RELEASE_CASE_PAUSED: lambda p: _("This case is paused, so nothing can be passed on just now."),
        Problem.RELEASE_STAGE: lambda p: _(
            "Items are passed on only during the exchange, the agreement and the follow-up."
        ),
        Problem.RELEASE_WRITER_STOPPED: lambda p: _(
            "Nothing written by someone who has stopped taking part is ever passed on."
        ),
        Problem.RELEASE_NOTE_NEEDS_OTHER_APPROVER: lambda p: _(
            "A facilitator who didn't write this note must approve it too."
        ),
        Problem.RELEASE_SECOND_APPROVAL: lambda p: _(
            "This case is high risk, so a second facilitator must approve this first."
        ),
        Problem.RELEASE_NO_CONSENT: lambda p: _no_consent(Side(p["side"]), ConsentFormat(p["format"])),
        Problem.HOLD_RESUME_FIRST: lambda p: _("Resume the case before lifting holds."),
        Problem.INBOX_PARTICIPANTS_ONLY: lambda p: _("Only people taking part in this case have an inbox for it."),
        Problem.LIST_FACILITATORS_ONLY: lambda p: _("This list is for facilitators."),
        Problem.LIST_STAFF_ONLY: lambda p: _("This list is for facilitators and managers."),
        Problem.HISTORY_FACILITATORS_ONLY: lambda p: _("The case history is for facilitators."),
        # The service-wide audit view and its CSV file
        Problem.AUDIT_VIEW_NOT_ALLOWED: lambda p: _(
            "The audit trail is for service managers, and for supervisors about the facilitators they supervise."
        ),
        Problem.AUDIT_VIEW_NO_SUCH_CASE: lambda p: _(
            "No case you can see has the code %(code)s. Check the code, for example RX-ABC234.", code=p["code"]
        ),
        Problem.AUDIT_VIEW_DATES_BACKWARDS: lambda p: _("The last day must be on or after the first day."),
        Problem.AUDIT_EXPORT_TOO_MANY: lambda p: _(
            "More than %(limit)s events match, too many for one file. Choose fewer days, one case or one "
            "person, and download again.",
            limit=words_number(p["limit"]),
        ),
        Problem.REPORTS_MANAGERS_ONLY: lambda p: _("Reports are for service managers."),
        Problem.REPORT_PERIOD_BACKWARDS: lambda p: _("The end of the period must be on or after its start."),
        Problem.REPORT_PERIOD_TOO_LONG: lambda p: _("A report can cover at most five years."),
        Problem.RETENTION_YEARS_RANGE: lambda p: _(
            "Keep closed cases for a whole number of years from %(minimum)s to %(maximum)s.",
            minimum=p["minimum"],
            maximum=p["maximum"],
        ),
        Problem.RETENTION_DAYS_RANGE: lambda p: _(
            "Keep requests for contact for a whole number of days from %(minimum)s to %(maximum)s.",
            minimum=p["minimum"],
            maximum=p["maximum"],
        ),
        Problem.HOLD_NOT_YOURS: lambda p: _(
            "Only a facilitator of this case or a service manager can place or lift a legal hold."
        ),
        Problem.HOLD_ALREADY: lambda p: _("This case is already held."),
        Problem.HOLD_REASON_NEEDED: lambda p: _("Say why the case must be kept: the reason for the legal hold."),
        Problem.HOLD_NONE: lambda p: _("This case is not held."),
        Problem.AGREEMENT_NOT_YET: lambda p: _("There is no outcome agreement for this case yet."),
        Problem.AGREEMENT_STAGE: lambda p: _("An outcome agreement is drafted at the agreement stage."),
        Problem.AGREEMENT_NO_ACTIONS: lambda p: _("Please add at least one action to the agreement."),
        Problem.AGREEMENT_TERMS_LEFT_IN: lambda p: _(
            "Both sides read the agreement, so please take these out of it: %(terms)s.", terms=_listed(p["terms"])
        ),
        Problem.AGREEMENT_AGREE_STAGE: lambda p: _("The agreement is agreed at the agreement stage."),
        Problem.AGREEMENT_NOT_YOUR_SIDE: lambda p: {
            Side.HARMED: _("Only the person harmed, their proxy or the facilitator can agree for that side."),
            Side.RESPONSIBLE: _("Only the person responsible, their proxy or the facilitator can agree for that side."),
        }[Side(p["side"])],
        Problem.AGREEMENT_ALREADY_AGREED: lambda p: {
            Side.HARMED: _("The person harmed has already agreed."),
            Side.RESPONSIBLE: _("The person responsible has already agreed."),
        }[Side(p["side"])],
        Problem.AGREEMENT_BOTH_MUST_AGREE: lambda p: _("Both sides must agree before actions are tracked."),
        Problem.AGREEMENT_NO_SUCH_ACTION: lambda p: _("There is no such action in this agreement."),
        Problem.AGREEMENT_ACTION_DONE: lambda p: _("This action is already done."),
        Problem.SATISFACTION_AT_CLOSING: lambda p: _("This question is asked when the case is closing."),
        Problem.SATISFACTION_NOT_YOURS: lambda p: _(
            "Only the person themself can answer this, or their facilitator if they take part offline."
        ),
        Problem.SATISFACTION_SCORE: lambda p: _("Please choose a number from 1 to 5."),
        Problem.SATISFACTION_ALREADY: lambda p: _(
            "This question has already been answered. An answer can't be changed."
        ),
        Problem.SATISFACTION_STAFF_ONLY: lambda p: _("The answers are for facilitators and managers."),
        # Caseload tools: due dates, my week, the workload view, the service's promises
        Problem.SETTINGS_DAYS_RANGE: lambda p: _(
            "Enter a whole number of days from %(minimum)s to %(maximum)s.",
            minimum=words_number(p["minimum"]),
            maximum=words_number(p["maximum"]),
        ),
        Problem.SETTINGS_WEEKS_RANGE: lambda p: _(
            "Enter a whole number of weeks from %(minimum)s to %(maximum)s: the RJC practitioner code asks "
            "for case supervision at least every %(maximum)s weeks.",
            minimum=words_number(p["minimum"]),
            maximum=words_number(p["maximum"]),
        ),
        Problem.SETTINGS_MANAGERS_ONLY: lambda p: _("Only service managers can change the service's promises."),
        Problem.WORKLOAD_MANAGERS_ONLY: lambda p: _("The workload view is for service managers."),
        Problem.MY_WEEK_FACILITATORS_ONLY: lambda p: _("“My week” is for facilitators."),
        # The casework record: case notes, the contact log, meetings
        Problem.NOTE_EMPTY: lambda p: _("Please write the note before saving it."),
        Problem.CONTACT_WHO_MISSING: lambda p: _(
            "Please say who the contact was with: choose a person of the case, or describe who it was."
        ),
        Problem.CONTACT_DATE_FUTURE: lambda p: _("The date of the contact can't be in the future."),
        Problem.CONTACT_HOW_IT_WENT_MISSING: lambda p: _("Please say how the contact went."),
        Problem.CONTACT_NEXT_STEP_BEFORE_CONTACT: lambda p: _("The date of the next step can't be before the contact."),
        Problem.CONTACT_NEXT_STEP_WORDS_MISSING: lambda p: _("Please say what the next step is."),
        Problem.CONTACT_FOLLOW_UP_BEFORE_EXCHANGE: lambda p: _(
            "Follow-up comes after the exchange or the conference. Choose another purpose for a contact before then."
        ),
        Problem.CONTACT_FOLLOW_UP_NEEDS_PERSON: lambda p: _(
            "A follow-up contact is with a person of the case: please choose who."
        ),
        Problem.CONTACT_FEELING_MISSING: lambda p: _("Please choose how they feel now, or “They didn't say”."),
        Problem.CONTACT_FEELING_ONLY_FOLLOW_UP: lambda p: _(
            "How someone feels now is recorded for follow-up contacts only. Choose “Follow-up” as the purpose, "
            "or leave the feeling out."
        ),
        Problem.MEETING_CASE_HALTED: lambda p: _(
            "This case is paused, so no meeting can be planned, changed or held. A planned meeting can be cancelled."
        ),
        Problem.MEETING_TIME_PAST: lambda p: _("Please choose a date and time in the future."),
        Problem.MEETING_CHOOSE_FACILITATOR: lambda p: _("Please choose the facilitator for this meeting."),
        Problem.MEETING_FACILITATOR_NOT_ASSIGNED: lambda p: _(
            "Each facilitator at the meeting must be assigned to this case."
        ),
        Problem.MEETING_TWO_FACILITATORS: lambda p: _(
            "A conference needs two different facilitators assigned to this case."
        ),
        Problem.MEETING_VENUE_MISSING: lambda p: _("Please say where the meeting will be."),
        Problem.MEETING_CHOOSE_PERSON: lambda p: _("Please choose who the preparation meeting is with."),
        Problem.MEETING_PREPARATION_ONE_SIDE: lambda p: _("A preparation meeting is with people of one side only."),
        Problem.MEETING_PERSON_STOPPED: lambda p: _("Someone who has stopped taking part can't be at the meeting."),
        Problem.MEETING_CONFERENCE_STAGE: lambda p: _(
            "A conference is planned once the case has reached the preparation stage."
        ),
        Problem.MEETING_SIDE_MISSING: lambda p: {
            Side.HARMED: _("The person harmed, or their proxy, must be at the conference."),
            Side.RESPONSIBLE: _("The person responsible, or their proxy, must be at the conference."),
        }[Side(p["side"])],
        Problem.MEETING_NO_CONSENT: lambda p: _no_consent(Side(p["side"]), ConsentFormat.MEETING),
        Problem.MEETING_SAFETY_PLAN_MISSING: lambda p: _("Please write the safety plan for the conference."),
        Problem.MEETING_NOT_PLANNED: lambda p: {
            MeetingStatus.HELD: _("This meeting has already been held."),
            MeetingStatus.CANCELLED: _("This meeting was cancelled."),
            MeetingStatus.PLANNED: _("This meeting is planned."),
        }[MeetingStatus(p["status"])],
        Problem.MEETING_HELD_DATE_FUTURE: lambda p: _("The date the meeting was held can't be in the future."),
        Problem.MEETING_WHAT_HAPPENED_MISSING: lambda p: _("Please say what happened at the meeting."),
        Problem.MEETING_CONFERENCE_BEFORE_EXCHANGE: lambda p: _(
            "A conference is held once the case is in the exchange. Move the case to the exchange first."
        ),
        Problem.MEETING_GROUND_RULES: lambda p: _(
            "A conference is held only with its ground rules agreed. Tick that they were agreed."
        ),
        Problem.ACCOUNT_EMAIL_TAKEN: lambda p: _("An account with this email address already exists."),
        Problem.ACCOUNT_NO_AUTHENTICATOR: lambda p: _("No authenticator app is set up for this account."),
        Problem.ACCOUNT_STAFF_NEED_AUTHENTICATOR: lambda p: _("Staff accounts must use an authenticator app."),
        Problem.ACCOUNT_WRONG_PASSWORD: lambda p: _("Your current password is not right."),
        Problem.ACCOUNT_NO_SUCH: lambda p: _("There is no such account."),
        Problem.ACCOUNT_NOT_YOURSELF: lambda p: _("You cannot switch off your own account."),
        Problem.PASSWORD_TOO_SHORT: lambda p: _(
            "Use at least %(minimum)s characters. A short sentence you will remember works well.",
            minimum=words_number(p["minimum"]),
        ),
        Problem.PASSWORD_TOO_LONG: lambda p: _(
            "Use no more than %(maximum)s characters.", maximum=words_number(p["maximum"])
        ),
        Problem.PASSWORD_TOO_COMMON: lambda p: _(
            "This password is too easy to guess. Try a few words that mean something only to you."
        ),
        Problem.INVITE_ROLE: lambda p: _("You cannot invite someone to that role."),
        Problem.INVITATION_UNKNOWN: lambda p: _(
            "This link does not work. Please check you have copied all of it, or ask for a new one."
        ),
        Problem.INVITATION_USED: lambda p: _("This link has already been used. If that was you, you can sign in."),
        Problem.INVITATION_EXPIRED: lambda p: _("This link has expired. Please ask for a new one."),
        Problem.RESET_LINK_NOT_VALID: lambda p: _(
            "This link has been used or has expired. You can ask for a new one on the sign-in page."
        ),
        Problem.RESET_CODE_WRONG: lambda p: _(
            "That code did not work. Enter the 6-digit code your authenticator app shows now."
        ),
        Problem.RESET_STAFF_NEED_ADMIN: lambda p: _(
            "Staff accounts without an authenticator app need a link from an administrator. Please ask one."
        ),
        Problem.RESET_NO_ACCOUNT: lambda p: _("This person has not joined yet: make them a new invitation instead."),
        Problem.INVITATION_SUPERSEDED: lambda p: _(
            "This link is no longer valid. If you have already joined, you can sign in."
        ),
        # Self-referral: the public "ask for contact" form and the facilitators' triage
        Problem.SELF_REFERRAL_NAME_MISSING: lambda p: _(
            "Please tell us your name, or the name you would like us to use."
        ),
        Problem.SELF_REFERRAL_RELATIONSHIP_MISSING: lambda p: _(
            "Please tell us who you are to the person you are asking for, for example “her mother”."
        ),
        Problem.SELF_REFERRAL_PHONE_MISSING: lambda p: _("Please give the phone number we should use."),
        Problem.SELF_REFERRAL_EMAIL_MISSING: lambda p: _("Please give the email address we should use."),
        Problem.SELF_REFERRAL_ADDRESS_MISSING: lambda p: _("Please give the address we should write to."),
        Problem.SELF_REFERRAL_TRUSTED_MISSING: lambda p: _(
            "Please tell us who the person you trust is, and how we can reach them."
        ),
        Problem.SELF_REFERRAL_FACILITATORS_ONLY: lambda p: _("Requests for contact are for facilitators."),
        Problem.SELF_REFERRAL_ALREADY_OPENED: lambda p: _("A case has already been opened from this request."),
        Problem.SELF_REFERRAL_ALREADY_CLOSED: lambda p: _("This request has already been closed."),
        Problem.SELF_REFERRAL_CLOSE_SAY_WHY: lambda p: _("Please say why you are closing this request."),
        # A person's own data: subject-access export, rectification, erasure
        Problem.SUBJECT_ACCESS_PARTICIPANTS_ONLY: lambda p: _(
            "Only people taking part can download their own data here. Staff: please ask a facilitator."
        ),
        Problem.SUBJECT_ACCESS_NOT_VERIFIED: lambda p: _(
            "Please confirm that you have checked the request comes from this person, "
            "or from someone entitled to ask for them."
        ),
        Problem.SUBJECT_ACCESS_POLICY_MANAGERS_ONLY: lambda p: _(
            "Only service managers can choose what a copy of someone's data includes."
        ),
        Problem.DATA_REQUEST_REASON_NEEDED: lambda p: _("Please say why, and how the person asked for it."),
        Problem.RECTIFY_NOTHING_CHANGED: lambda p: _("Nothing has changed: correct at least one detail."),
        Problem.ERASE_CASE_OPEN: lambda p: _(
            "A person's details can be erased only once the case is closed: "
            "until then, the names and places kept from the other side still protect them."
        ),
        Problem.ERASE_ITEM_WAITING: lambda p: _(
            "Something this person wrote is still waiting to be passed on or kept for the reader. Decide on it first."
        ),
        Problem.ERASE_ALREADY: lambda p: _("This person's details have already been erased."),
        Problem.ERASE_NOT_CONFIRMED: lambda p: _("Please confirm that you understand erasing cannot be undone."),
        **media_sentences(),
    }


def words_number(value: object) -> str:
    return format_decimal(value)


def refusal(error: DomainError) -> str:
    """The refusal, in the person's language."""
    return _sentences()[error.problem](error.params)
