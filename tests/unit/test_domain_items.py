"""The item journey: writing, review, release and reading, and the rules on each step."""

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant
from portal.domain.consent import ConsentRecord
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    ItemState,
    ParticipantRole,
    ReviewDecision,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.errors import DomainError, NotAllowed, Stale
from portal.domain.items import (
    Item,
    ask_to_destroy,
    ask_to_hold,
    confirm_shuttle_note,
    deliver_scheduled,
    lift_hold,
    open_item,
    release,
    require_seen,
    review,
    save_draft,
    schedule_release,
    start_item,
    submit,
    take_back,
)
from portal.domain.permissions import ItemAction, view_item
from portal.domain.presentation import Label, Line, attribution, writer_label
from portal.domain.problems import Problem
from portal.domain.redaction import REMOVED_MARKER, Redaction
from tests.unit.refusals import refused


def uid(n: int) -> UUID:
    return UUID(int=n)


NOW = datetime(2025, 3, 1, 10, 0)
F1, F2 = Actor(uid(1), Role.FACILITATOR), Actor(uid(2), Role.FACILITATOR)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, uid(110), sensitive_terms=("Oakfield School",))
RESPONSIBLE = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, uid(120), sensitive_terms=("Jay",))
SUPPORTER = Participant(uid(21), Side.RESPONSIBLE, ParticipantRole.SUPPORTER, uid(121))
OFFLINE = Participant(uid(22), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, taking_part=TakingPart.OFFLINE)
H, R, S = Actor(uid(110), Role.PARTICIPANT), Actor(uid(120), Role.PARTICIPANT), Actor(uid(121), Role.PARTICIPANT)
EVERY_FORMAT = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS, ConsentFormat.SHUTTLE, ConsentFormat.RECORDINGS)


def make_case(
    stage: Stage = Stage.EXCHANGE,
    risk: RiskLevel = RiskLevel.LOW,
    harmed_consents: tuple[ConsentFormat, ...] = EVERY_FORMAT,
    participants: tuple[Participant, ...] = (HARMED, RESPONSIBLE, SUPPORTER, OFFLINE),
) -> Case:
    consents = [ConsentRecord(HARMED.id, f, True, NOW, HARMED.user_id, False) for f in harmed_consents]
    consents += [ConsentRecord(p.id, f, True, NOW, uid(1), False) for p in (RESPONSIBLE, OFFLINE) for f in EVERY_FORMAT]
    return Case(uid(1000), stage, risk, frozenset({F1.user_id, F2.user_id}), participants, tuple(consents), True)


CASE = make_case()


def submitted_letter(case: Case = CASE, text: str = "I want you to know how it felt.") -> Item:
    item = start_item(uid(500), case, H, ItemKind.LETTER, HARMED.id)
    return submit(save_draft(item, case, H, [text]), case, H)


def approved_letter(case: Case = CASE, text: str = "I want you to know how it felt.") -> Item:
    return review(submitted_letter(case, text), case, F1, ReviewDecision.APPROVE)


def released_letter(case: Case = CASE) -> Item:
    return release(approved_letter(case), case, F1, NOW)


def confirmed_note(case: Case = CASE, speaker: Participant = HARMED, writer: Actor = F1) -> Item:
    note = start_item(uid(600), case, writer, ItemKind.SHUTTLE_NOTE, speaker.id)
    note = save_draft(note, case, writer, ["She wants to know why her house."])
    return confirm_shuttle_note(note, case, writer, NOW)


# --- the journey --------------------------------------------------------------------------------


def test_a_letter_goes_from_draft_to_opened():
    draft = start_item(uid(500), CASE, H, ItemKind.LETTER, HARMED.id)
    assert (draft.state, draft.entered_by, draft.case_id) == (ItemState.DRAFT, None, CASE.id)
    sent = submit(save_draft(draft, CASE, H, ["It still scares me."]), CASE, H)
    assert sent.state == ItemState.SUBMITTED
    approved = review(sent, CASE, F1, ReviewDecision.APPROVE)
    assert (approved.state, approved.approved_by) == (ItemState.APPROVED, (F1.user_id,))
    delivered = release(approved, CASE, F2, NOW)
    assert (delivered.state, delivered.released_at) == (ItemState.RELEASED, NOW)
    assert writer_label(delivered) == Label.PASSED_ON
    opened = open_item(delivered, CASE, R, NOW + timedelta(days=2), tell_writer=True)
    assert opened.opened_at == NOW + timedelta(days=2)
    assert writer_label(opened) == Label.PASSED_ON_AND_READ


def test_the_writer_learns_it_was_read_only_if_the_recipient_allows_it():
    opened = open_item(released_letter(), CASE, R, NOW)
    assert opened.opened_at == NOW
    assert writer_label(opened) == Label.PASSED_ON


def test_a_supporter_reads_what_their_person_receives_but_doesnt_open_it():
    letter = released_letter()
    assert view_item(letter, CASE, S).release_copy == ("I want you to know how it felt.",)
    with pytest.raises(NotAllowed):
        open_item(letter, CASE, S, NOW)


def test_drafts_are_saved_and_can_be_changed_until_sent():
    draft = start_item(uid(500), CASE, H, ItemKind.LETTER, HARMED.id)
    draft = save_draft(draft, CASE, H, ["First try"])
    assert save_draft(draft, CASE, H, ["Second try"]).parts == ("Second try",)
    with refused(Problem.ITEM_ONE_PIECE):
        save_draft(draft, CASE, H, ["One", "Two"])
    with refused(Problem.ITEM_EMPTY):
        submit(save_draft(draft, CASE, H, ["   "]), CASE, H)


def test_nothing_is_written_in_a_closed_case():
    with refused(Problem.CASE_CLOSED):
        start_item(uid(500), make_case(Stage.CLOSED), H, ItemKind.LETTER, HARMED.id)


# --- victim-led ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "consent_format"),
    [(ItemKind.LETTER, "letters"), (ItemKind.SHUTTLE_NOTE, "shuttle"), (ItemKind.RECORDING, "recordings")],
)
def test_the_responsible_side_waits_until_the_person_harmed_agrees_to_receive(kind, consent_format):
    writer = F1 if kind == ItemKind.SHUTTLE_NOTE else R
    others = tuple(f for f in EVERY_FORMAT if f != consent_format)
    with refused(Problem.ITEM_VICTIM_LED):
        start_item(uid(500), make_case(harmed_consents=others), writer, kind, RESPONSIBLE.id)
    assert start_item(uid(500), CASE, writer, kind, RESPONSIBLE.id).state == ItemState.DRAFT


def test_the_victim_led_rule_is_checked_again_when_sending():
    draft = save_draft(start_item(uid(500), CASE, R, ItemKind.LETTER, RESPONSIBLE.id), CASE, R, ["I am sorry."])
    later = make_case(harmed_consents=(ConsentFormat.QUESTIONS,))
    with refused(Problem.ITEM_VICTIM_LED):
        submit(draft, later, R)


def test_the_person_harmed_may_write_first_but_nothing_reaches_a_side_that_hasnt_consented():
    case = replace(CASE, consents=tuple(c for c in CASE.consents if c.participant_id == HARMED.id))
    approved = approved_letter(case)
    with refused(Problem.RELEASE_NO_CONSENT, side=Side.RESPONSIBLE):
        release(approved, case, F1, NOW)


# --- recorded messages --------------------------------------------------------------------------


def test_the_responsible_side_sends_a_recording_only_once_the_person_harmed_agrees_to_recordings():
    draft = start_item(uid(800), CASE, R, ItemKind.RECORDING, RESPONSIBLE.id)
    draft = save_draft(draft, CASE, R, ["What I say in my recording."])
    letters_only = make_case(harmed_consents=(ConsentFormat.LETTERS, ConsentFormat.SHUTTLE))
    with refused(Problem.ITEM_VICTIM_LED, kind=ItemKind.RECORDING):
        start_item(uid(801), letters_only, R, ItemKind.RECORDING, RESPONSIBLE.id)
    with refused(Problem.ITEM_VICTIM_LED, kind=ItemKind.RECORDING):
        submit(draft, letters_only, R)  # the person harmed said no again after it was started
    assert submit(draft, CASE, R).state == ItemState.SUBMITTED


def test_the_person_harmed_may_record_first_but_it_reaches_only_a_side_that_said_yes_to_recordings():
    case = replace(
        CASE,
        consents=tuple(
            c for c in CASE.consents if c.format != ConsentFormat.RECORDINGS or c.participant_id == HARMED.id
        ),
    )
    recording = start_item(uid(800), case, H, ItemKind.RECORDING, HARMED.id)
    approved = review(submit(save_draft(recording, case, H, ["My words."]), case, H), case, F1, ReviewDecision.APPROVE)
    with refused(Problem.RELEASE_NO_CONSENT, side=Side.RESPONSIBLE, format=ConsentFormat.RECORDINGS):
        release(approved, case, F1, NOW)
    assert release(approved, CASE, F1, NOW).state == ItemState.RELEASED


def test_a_recordings_words_are_one_transcript_and_it_is_not_sent_without_one():
    draft = start_item(uid(800), CASE, H, ItemKind.RECORDING, HARMED.id)
    assert (draft.parts, draft.entered_by) == (("",), None)
    with refused(Problem.ITEM_ONE_PIECE, kind=ItemKind.RECORDING):
        save_draft(draft, CASE, H, ["The first half.", "The second half."])
    with refused(Problem.ITEM_EMPTY, kind=ItemKind.RECORDING):
        submit(save_draft(draft, CASE, H, ["   "]), CASE, H)
    saved = save_draft(draft, CASE, H, ["What I say, written down."])
    assert saved.parts == ("What I say, written down.",)
    assert submit(saved, CASE, H).state == ItemState.SUBMITTED


def test_a_recording_is_made_by_its_author_in_the_portal_never_by_the_facilitator_for_them():
    with refused(Problem.ITEM_CANNOT_WRITE_HERE, NotAllowed, kind=ItemKind.RECORDING):
        start_item(uid(800), CASE, F1, ItemKind.RECORDING, HARMED.id)
    with refused(Problem.ITEM_CANNOT_WRITE_HERE, NotAllowed, kind=ItemKind.RECORDING):
        start_item(uid(800), CASE, S, ItemKind.RECORDING, SUPPORTER.id)  # a supporter not allowed to write
    draft = start_item(uid(800), CASE, H, ItemKind.RECORDING, HARMED.id)
    with pytest.raises(NotAllowed):
        save_draft(draft, CASE, F1, ["Words put in her mouth."])


def test_the_facilitator_makes_a_recording_with_someone_offline_and_it_says_so():
    draft = start_item(uid(800), CASE, F1, ItemKind.RECORDING, OFFLINE.id)
    assert (draft.author_id, draft.entered_by, draft.writers) == (OFFLINE.id, F1.user_id, (F1.user_id,))
    sent = submit(save_draft(draft, CASE, F1, ["I am sorry for what I did."]), CASE, F1)
    delivered = release(review(sent, CASE, F2, ReviewDecision.APPROVE), CASE, F2, NOW)
    assert [(a.line, a.kind) for a in attribution(delivered, OFFLINE)] == [(Line.TRANSCRIBED, ItemKind.RECORDING)]
    assert view_item(delivered, CASE, H).release_copy == ("I am sorry for what I did.",)


# --- questions and answers ----------------------------------------------------------------------


def released_questions() -> Item:
    questions = start_item(uid(700), CASE, H, ItemKind.QUESTION_SET, HARMED.id)
    questions = save_draft(questions, CASE, H, ["Why our house?", "Were you alone?"])
    questions = review(submit(questions, CASE, H), CASE, F1, ReviewDecision.APPROVE)
    return release(questions, CASE, F1, NOW)


def test_only_the_person_harmed_writes_questions():
    with refused(Problem.ITEM_QUESTIONS_FROM_HARMED):
        start_item(uid(700), CASE, R, ItemKind.QUESTION_SET, RESPONSIBLE.id)


def test_a_question_set_needs_questions_and_no_empty_ones():
    questions = start_item(uid(700), CASE, H, ItemKind.QUESTION_SET, HARMED.id)
    with refused(Problem.ITEM_NO_QUESTIONS):
        submit(save_draft(questions, CASE, H, ["Why?", " "]), CASE, H)
    with refused(Problem.ITEM_NO_QUESTIONS):
        submit(save_draft(questions, CASE, H, []), CASE, H)


def test_answers_go_under_each_question_of_a_released_set():
    questions = released_questions()
    answers = start_item(uid(701), CASE, R, ItemKind.ANSWERS, RESPONSIBLE.id, question_set=questions)
    assert (answers.parts, answers.answers_to) == (("", ""), questions.id)
    with refused(Problem.ITEM_ONE_ANSWER_EACH):
        save_draft(answers, CASE, R, ["Only one"])
    with refused(Problem.ITEM_NO_ANSWERS):
        submit(answers, CASE, R)
    answered = submit(save_draft(answers, CASE, R, ["It was random.", ""]), CASE, R)
    assert answered.state == ItemState.SUBMITTED


def test_answers_need_questions_that_were_passed_on_to_the_responsible_side():
    unreleased = replace(released_questions(), state=ItemState.APPROVED)
    with refused(Problem.ITEM_QUESTIONS_NOT_PASSED_ON):
        start_item(uid(701), CASE, R, ItemKind.ANSWERS, RESPONSIBLE.id, question_set=unreleased)
    with refused(Problem.ITEM_ANSWERS_NEED_QUESTIONS):
        start_item(uid(701), CASE, R, ItemKind.ANSWERS, RESPONSIBLE.id)
    with refused(Problem.ITEM_ANSWERS_FROM_RESPONSIBLE):
        start_item(uid(701), CASE, H, ItemKind.ANSWERS, HARMED.id, question_set=released_questions())


# --- shuttle notes ------------------------------------------------------------------------------


def test_a_shuttle_note_needs_its_speaker_to_confirm_it_before_review():
    note = start_item(uid(600), CASE, F1, ItemKind.SHUTTLE_NOTE, HARMED.id)
    note = save_draft(note, CASE, F1, ["She wants to know why her house."])
    assert note.entered_by == F1.user_id
    with refused(Problem.ITEM_NOT_CONFIRMED):
        submit(note, CASE, F1)
    confirmed = confirm_shuttle_note(note, CASE, H, NOW)
    assert (confirmed.confirmation.by_facilitator, confirmed.confirmation.at) == (False, NOW)
    assert submit(confirmed, CASE, F1).state == ItemState.SUBMITTED


def test_the_facilitator_records_a_read_back_with_when_it_happened():
    yesterday = NOW - timedelta(days=1)
    note = save_draft(start_item(uid(600), CASE, F1, ItemKind.SHUTTLE_NOTE, OFFLINE.id), CASE, F1, ["I am sorry."])
    confirmed = confirm_shuttle_note(note, CASE, F2, yesterday)
    assert (confirmed.confirmation.at, confirmed.confirmation.by_facilitator) == (yesterday, True)
    assert confirmed.confirmation.recorded_by == F2.user_id


def test_changing_a_confirmed_note_needs_a_new_confirmation():
    changed = save_draft(confirmed_note(), CASE, F1, ["She wants to know why."])
    assert changed.confirmation is None
    with refused(Problem.ITEM_NOT_CONFIRMED):
        submit(changed, CASE, F1)


def test_the_writer_of_a_shuttle_note_cant_be_its_only_approver():
    sent = submit(confirmed_note(), CASE, F1)
    by_writer = review(sent, CASE, F1, ReviewDecision.APPROVE)
    assert by_writer.state == ItemState.AWAITING_SECOND_APPROVAL
    with refused(Problem.RELEASE_NOTE_NEEDS_OTHER_APPROVER):
        release(replace(by_writer, state=ItemState.APPROVED), CASE, F1, NOW)
    assert review(by_writer, CASE, F2, ReviewDecision.APPROVE).state == ItemState.APPROVED
    assert review(sent, CASE, F2, ReviewDecision.APPROVE).state == ItemState.APPROVED


def test_shuttle_notes_read_as_written_by_the_facilitator():
    note = release(review(submit(confirmed_note(), CASE, F1), CASE, F2, ReviewDecision.APPROVE), CASE, F1, NOW)
    assert [(a.line, a.speaker.side) for a in attribution(note, HARMED)] == [(Line.SHUTTLE_FROM, Side.HARMED)]


# --- review ------------------------------------------------------------------------------------


def test_a_high_risk_case_needs_two_different_facilitators():
    case = make_case(risk=RiskLevel.HIGH)
    first = review(submitted_letter(case), case, F1, ReviewDecision.APPROVE)
    assert first.state == ItemState.AWAITING_SECOND_APPROVAL
    with refused(Problem.RELEASE_SECOND_APPROVAL):
        release(replace(first, state=ItemState.APPROVED), case, F1, NOW)
    with refused(Problem.REVIEW_ALREADY_APPROVED, NotAllowed):
        review(first, case, F1, ReviewDecision.APPROVE)
    second = review(first, case, F2, ReviewDecision.APPROVE)
    assert (second.state, second.approved_by) == (ItemState.APPROVED, (F1.user_id, F2.user_id))
    assert release(second, case, F1, NOW).state == ItemState.RELEASED


def test_a_high_risk_shuttle_note_needs_someone_besides_its_writer_among_two():
    case = make_case(risk=RiskLevel.HIGH)
    sent = submit(confirmed_note(case), case, F1)
    two = review(review(sent, case, F1, ReviewDecision.APPROVE), case, F2, ReviewDecision.APPROVE)
    assert two.state == ItemState.APPROVED


def test_raising_the_risk_after_approval_needs_a_second_approval_before_release():
    approved = approved_letter()
    now_high = make_case(risk=RiskLevel.HIGH)
    with refused(Problem.RELEASE_SECOND_APPROVAL):
        release(approved, now_high, F1, NOW)
    assert release(review(approved, now_high, F2, ReviewDecision.APPROVE), now_high, F1, NOW).state == (
        ItemState.RELEASED
    )


def test_a_facilitator_can_still_withhold_an_approved_item():
    withheld = review(approved_letter(), CASE, F1, ReviewDecision.WITHHOLD, message="Things have changed.")
    assert withheld.state == ItemState.WITHHELD


def test_return_for_changes_needs_a_message_and_clears_the_approvals():
    with refused(Problem.REVIEW_MESSAGE_NEEDED):
        review(submitted_letter(), CASE, F1, ReviewDecision.RETURN, message="  ")
    first = review(submitted_letter(), CASE, F1, ReviewDecision.REDACT, redactions=[Redaction(2, 6, "Too much")])
    returned = review(first, CASE, F2, ReviewDecision.RETURN, message="Please take out the last line.")
    assert (returned.state, returned.approved_by, returned.redactions) == (ItemState.RETURNED, (), ())
    assert view_item(returned, CASE, H).message == "Please take out the last line."
    assert writer_label(returned) == Label.RETURNED
    resent = submit(save_draft(returned, CASE, H, ["Shorter now."]), CASE, H)
    assert (resent.state, resent.message) == (ItemState.SUBMITTED, "")


def test_a_withheld_item_is_never_passed_on_and_the_writer_gets_the_explanation():
    withheld = review(submitted_letter(), CASE, F1, ReviewDecision.WITHHOLD, message="It could cause more harm.")
    assert view_item(withheld, CASE, H).message == "It could cause more harm."
    assert writer_label(withheld) == Label.NOT_PASSED_ON
    for step in (lambda: release(withheld, CASE, F1, NOW), lambda: take_back(withheld, CASE, H)):
        with refused(Problem.ITEM_NOT_NOW):
            step()
    with refused(Problem.ITEM_NOT_NOW):
        review(withheld, CASE, F2, ReviewDecision.APPROVE)


def test_withholding_needs_an_explanation():
    with refused(Problem.REVIEW_MESSAGE_NEEDED):
        review(submitted_letter(), CASE, F1, ReviewDecision.WITHHOLD)


def test_redact_needs_passages_and_approve_takes_none():
    with refused(Problem.REVIEW_NOTHING_MARKED):
        review(submitted_letter(), CASE, F1, ReviewDecision.REDACT)
    with refused(Problem.REVIEW_APPROVE_WITH_REMOVALS):
        review(submitted_letter(), CASE, F1, ReviewDecision.APPROVE, redactions=[Redaction(0, 1, "x")])


def test_only_an_assigned_facilitator_reviews():
    for actor in (Actor(uid(9), Role.FACILITATOR), Actor(uid(7), Role.MANAGER), H, R):
        with pytest.raises(NotAllowed):
            review(submitted_letter(), CASE, actor, ReviewDecision.APPROVE)


# --- redaction and sensitive terms --------------------------------------------------------------


def test_a_sensitive_term_must_be_removed_before_approval():
    sent = submitted_letter(text="I saw you near Oakfield  school last week.")
    with refused(Problem.REVIEW_TERMS_LEFT_IN, terms=("Oakfield School",)):
        review(sent, CASE, F1, ReviewDecision.APPROVE)
    redacted = review(sent, CASE, F1, ReviewDecision.REDACT, redactions=[Redaction(15, 31, "Names a school")])
    assert redacted.release_copy == (f"I saw you near {REMOVED_MARKER} last week.",)
    delivered = release(redacted, CASE, F1, NOW)
    view = view_item(delivered, CASE, R)
    assert view.original is None
    assert "Oakfield" not in " ".join(view.release_copy)
    assert view_item(delivered, CASE, H).original == ("I saw you near Oakfield  school last week.",)


def test_a_term_added_after_approval_stops_the_release():
    approved = approved_letter(text="Mum says hello to Kim.")
    careful = replace(CASE, participants=(replace(HARMED, sensitive_terms=("Kim",)), RESPONSIBLE))
    with refused(Problem.REVIEW_TERMS_LEFT_IN, terms=("Kim",)):
        release(approved, careful, F1, NOW)


def test_the_other_sides_terms_dont_stop_a_letter_to_them():
    # "Jay" is the person responsible's own name: the harmed side may write it to them.
    assert approved_letter(text="Jay, I want you to listen.").state == ItemState.APPROVED


# --- taking back --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        ItemState.SUBMITTED,
        ItemState.AWAITING_SECOND_APPROVAL,
        ItemState.APPROVED,
        ItemState.SCHEDULED,
        ItemState.ON_HOLD,
    ],
)
def test_the_writer_takes_an_item_back_any_time_before_it_is_passed_on(state):
    item = replace(
        submitted_letter(),
        state=state,
        approved_by=(F1.user_id,),
        redactions=(Redaction(0, 1, "x"),),
        release_at=NOW + timedelta(days=1),
    )
    back = take_back(item, CASE, H)
    assert (back.state, back.approved_by, back.redactions, back.release_at) == (ItemState.DRAFT, (), (), None)


@pytest.mark.parametrize("state", [ItemState.RELEASED, ItemState.HELD_FOR_RECIPIENT, ItemState.DESTROYED])
def test_nothing_is_taken_back_once_passed_on(state):
    with refused(Problem.ITEM_NOT_NOW, action=ItemAction.TAKE_BACK):
        take_back(replace(released_letter(), state=state), CASE, H)


def test_the_speaker_of_a_shuttle_note_can_take_it_back_too():
    assert take_back(submit(confirmed_note(), CASE, F1), CASE, H).state == ItemState.DRAFT


# --- release ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        (Stage.PREPARATION, Problem.RELEASE_STAGE),
        (Stage.PAUSED, Problem.RELEASE_CASE_PAUSED),
        (Stage.WITHDRAWN, Problem.RELEASE_CASE_PAUSED),
        (Stage.CLOSED, Problem.RELEASE_STAGE),
    ],
)
def test_items_are_passed_on_only_while_the_exchange_runs(stage, message):
    with refused(message):
        release(approved_letter(), make_case(stage), F1, NOW)


@pytest.mark.parametrize("stage", [Stage.EXCHANGE, Stage.AGREEMENT, Stage.FOLLOW_UP])
def test_items_flow_during_exchange_agreement_and_follow_up(stage):
    assert release(approved_letter(), make_case(stage), F1, NOW).state == ItemState.RELEASED


def test_a_scheduled_release_happens_when_due_and_checks_again():
    later = NOW + timedelta(hours=3)
    with refused(Problem.RELEASE_TIME_PAST):
        schedule_release(approved_letter(), CASE, F1, NOW, NOW)
    scheduled = schedule_release(approved_letter(), CASE, F1, later, NOW)
    assert (scheduled.state, scheduled.release_at) == (ItemState.SCHEDULED, later)
    with refused(Problem.RELEASE_NOT_DUE):
        deliver_scheduled(scheduled, CASE, NOW)
    with refused(Problem.RELEASE_CASE_PAUSED):
        deliver_scheduled(scheduled, make_case(Stage.PAUSED), later)
    delivered = deliver_scheduled(scheduled, CASE, later)
    assert (delivered.state, delivered.released_at, delivered.release_at) == (ItemState.RELEASED, later, None)


def test_a_review_decision_cancels_a_schedule():
    scheduled = schedule_release(approved_letter(), CASE, F1, NOW + timedelta(hours=3), NOW)
    withheld = review(scheduled, CASE, F2, ReviewDecision.WITHHOLD, message="New information came in.")
    assert (withheld.state, withheld.release_at) == (ItemState.WITHHELD, None)


# --- the recipient's choices --------------------------------------------------------------------


def test_the_recipient_can_ask_for_a_letter_to_be_held_and_later_given_back():
    held = ask_to_hold(released_letter(), CASE, R)
    assert held.state == ItemState.HELD_FOR_RECIPIENT
    with pytest.raises(NotAllowed):
        view_item(held, CASE, R)
    assert writer_label(held) == Label.PASSED_ON
    assert release(held, CASE, F1, NOW).state == ItemState.RELEASED


def test_the_recipient_can_ask_for_a_letter_to_be_destroyed():
    destroyed = ask_to_destroy(released_letter(), CASE, R)
    assert destroyed.state == ItemState.DESTROYED
    for actor in (R, S):
        with pytest.raises(NotAllowed):
            view_item(destroyed, CASE, actor)
    assert writer_label(destroyed) == Label.PASSED_ON
    with pytest.raises(DomainError):
        release(destroyed, CASE, F1, NOW)


def test_only_the_recipient_opens_holds_or_destroys():
    letter = released_letter()
    for step in (ask_to_hold, ask_to_destroy):
        for actor in (H, S, F1):
            with pytest.raises(NotAllowed):
                step(letter, CASE, actor)


# --- paused cases -------------------------------------------------------------------------------


def test_an_item_sent_while_the_case_is_paused_waits_on_hold():
    paused = make_case(Stage.PAUSED)
    draft = save_draft(start_item(uid(500), paused, H, ItemKind.LETTER, HARMED.id), paused, H, ["Still here."])
    held = submit(draft, paused, H)
    assert held.state == ItemState.ON_HOLD
    assert writer_label(held) == Label.ON_HOLD
    with refused(Problem.HOLD_RESUME_FIRST):
        lift_hold(held, paused, F1)
    assert lift_hold(held, CASE, F1).state == ItemState.SUBMITTED


# --- supporters and people offline --------------------------------------------------------------


def test_a_supporter_writes_only_when_the_facilitator_allows():
    with pytest.raises(NotAllowed):
        start_item(uid(500), CASE, S, ItemKind.LETTER, SUPPORTER.id)
    allowed = replace(CASE, participants=(HARMED, RESPONSIBLE, replace(SUPPORTER, may_write=True)))
    assert start_item(uid(500), allowed, S, ItemKind.LETTER, SUPPORTER.id).author_id == SUPPORTER.id


def test_the_facilitator_transcribes_a_handwritten_letter_for_someone_offline():
    draft = start_item(uid(500), CASE, F1, ItemKind.LETTER, OFFLINE.id)
    assert draft.entered_by == F1.user_id
    sent = submit(save_draft(draft, CASE, F1, ["Sorry for what I did."]), CASE, F1)
    delivered = release(review(sent, CASE, F2, ReviewDecision.APPROVE), CASE, F2, NOW)
    assert [(a.line, a.kind) for a in attribution(delivered, OFFLINE)] == [(Line.TRANSCRIBED, ItemKind.LETTER)]
    assert view_item(delivered, CASE, H).release_copy == ("Sorry for what I did.",)


@pytest.mark.parametrize("state", [ItemState.APPROVED, ItemState.SCHEDULED, ItemState.HELD_FOR_RECIPIENT])
def test_nothing_written_by_someone_who_stopped_is_ever_passed_on(state):
    """Whatever state it was left in: approved, due to be passed on, or kept for its reader."""
    item = replace(approved_letter(), state=state, release_at=NOW + timedelta(hours=1))
    stopped = make_case(participants=(replace(HARMED, withdrawn=True), RESPONSIBLE, SUPPORTER, OFFLINE))
    with refused(Problem.RELEASE_WRITER_STOPPED):
        release(item, stopped, F1, NOW)
    with refused(Problem.RELEASE_WRITER_STOPPED):
        schedule_release(item, stopped, F1, NOW + timedelta(hours=2), NOW)
    if state == ItemState.SCHEDULED:
        with refused(Problem.RELEASE_WRITER_STOPPED):
            deliver_scheduled(item, stopped, NOW + timedelta(hours=2))
    assert release(item, CASE, F1, NOW).state == ItemState.RELEASED  # the same item, writer still in: it goes


def test_an_item_is_decided_on_only_as_the_decider_saw_it():
    item = replace(submitted_letter(), version=4)
    require_seen(item, 4)
    for seen in (3, 5, None):
        with pytest.raises(Stale) as refused:
            require_seen(item, seen)
        assert (refused.value.kind, refused.value.state) == ("letter", "submitted")
