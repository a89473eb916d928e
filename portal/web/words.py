"""The portal's words for the domain's codes, in the language of the page.

Each function returns one whole sentence or name, looked up with gettext when it is called (so
always in the current request's language). Nothing here is built from translated fragments:
where a sentence differs by kind or side, each variant is a sentence of its own.
"""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup, escape

from portal.domain.cases import Participant
from portal.domain.deadlines import Due
from portal.domain.enums import (
    ActionKind,
    ConsentFormat,
    ContactMethod,
    ContactPurpose,
    DueKind,
    Feeling,
    ItemKind,
    ItemState,
    Language,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    NoteKind,
    ParticipantRole,
    ReferralSource,
    RiskLevel,
    SelfReferralCloseReason,
    SelfReferralStatus,
    Side,
    Stage,
)
from portal.domain.notifications import NotificationKind
from portal.domain.presentation import Attribution, Label, Line, Speaker
from portal.domain.redaction import FACILITATOR_REASON, REASON_SEPARATOR, REMOVED_MARKER, SCREENING_REASON
from portal.web.catalogue import N_, ngettext
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.i18n import html_lang

_NOUN = {
    ItemKind.LETTER: N_("letter"),
    ItemKind.QUESTION_SET: N_("set of questions"),
    ItemKind.ANSWERS: N_("set of answers"),
    ItemKind.SHUTTLE_NOTE: N_("note"),
    ItemKind.RECORDING: N_("recorded message"),
}


def noun(kind: ItemKind) -> str:
    """Lower case, for the middle of a sentence in English (Welsh mutations are the sentence's own)."""
    return _(_NOUN[kind])


_KIND_NAME = {
    ItemKind.LETTER: N_("Letter"),
    ItemKind.QUESTION_SET: N_("Set of questions"),
    ItemKind.ANSWERS: N_("Set of answers"),
    ItemKind.SHUTTLE_NOTE: N_("Note"),
    ItemKind.RECORDING: N_("Recorded message"),
}


def kind_name(kind: ItemKind) -> str:
    """As a heading or a table cell."""
    return _(_KIND_NAME[kind])


def side_name(side: Side) -> str:
    return {Side.HARMED: _("the person harmed"), Side.RESPONSIBLE: _("the person responsible")}[side]


def side_title(side: Side) -> str:
    return {Side.HARMED: _("The person harmed"), Side.RESPONSIBLE: _("The person responsible")}[side]


def shown_name(participant: Participant) -> str:
    """What the other side calls them: the name the facilitator set, or their side."""
    return participant.display_name.strip() or side_name(participant.side)


def writer_description(participant: Participant) -> str:
    """Who wrote an item, by side and role, as the review screen says it."""
    if participant.role == ParticipantRole.PROXY:
        return {
            Side.HARMED: _("A proxy for the person harmed"),
            Side.RESPONSIBLE: _("A proxy for the person responsible"),
        }[participant.side]
    if participant.role == ParticipantRole.SUPPORTER:
        return {
            Side.HARMED: _("A supporter of the person harmed"),
            Side.RESPONSIBLE: _("A supporter of the person responsible"),
        }[participant.side]
    return side_title(participant.side)


def readers_description(writer_side: Side) -> str:
    """Who reads an item once it is passed on: the other side."""
    return {
        Side.HARMED: _("The person responsible, and anyone taking part for them"),
        Side.RESPONSIBLE: _("The person harmed, and anyone taking part for them"),
    }[writer_side]


_ROLE_NAME = {
    ParticipantRole.PRINCIPAL: N_("principal"),
    ParticipantRole.PROXY: N_("proxy"),
    ParticipantRole.SUPPORTER: N_("supporter"),
}


def role_name(role: ParticipantRole) -> str:
    return _(_ROLE_NAME[role])


_FORMAT_NAME = {
    ConsentFormat.LETTERS: N_("letters"),
    ConsentFormat.QUESTIONS: N_("questions and answers"),
    ConsentFormat.SHUTTLE: N_("messages through the facilitator"),
    ConsentFormat.MEETING: N_("a meeting"),
    ConsentFormat.RECORDINGS: N_("recorded messages"),
}


def format_name(consent_format: ConsentFormat) -> str:
    return _(_FORMAT_NAME[consent_format])


def own_consent_button(consent_format: ConsentFormat, given: bool) -> str:
    """A participant's own consent button says what it changes, as one whole sentence for each way of taking part."""
    if given:
        return {
            ConsentFormat.LETTERS: _("I understand, and say yes to letters"),
            ConsentFormat.QUESTIONS: _("I understand, and say yes to questions and answers"),
            ConsentFormat.SHUTTLE: _("I understand, and say yes to messages through the facilitator"),
            ConsentFormat.MEETING: _("I understand, and say yes to a meeting"),
            ConsentFormat.RECORDINGS: _("I understand, and say yes to recorded messages"),
        }[consent_format]
    return {
        ConsentFormat.LETTERS: _("Change to no for letters"),
        ConsentFormat.QUESTIONS: _("Change to no for questions and answers"),
        ConsentFormat.SHUTTLE: _("Change to no for messages through the facilitator"),
        ConsentFormat.MEETING: _("Change to no for a meeting"),
        ConsentFormat.RECORDINGS: _("Change to no for recorded messages"),
    }[consent_format]


_FORMAT_TITLE = {
    ConsentFormat.LETTERS: N_("Letters"),
    ConsentFormat.QUESTIONS: N_("Questions and answers"),
    ConsentFormat.SHUTTLE: N_("Messages through the facilitator"),
    ConsentFormat.MEETING: N_("A meeting"),
    ConsentFormat.RECORDINGS: N_("Recorded messages"),
}


def format_title(consent_format: ConsentFormat) -> str:
    return _(_FORMAT_TITLE[consent_format])


_EXPLANATION = {
    ConsentFormat.LETTERS: N_(
        "You write a letter to the other person. Your facilitator reads it first. "
        "They only pass it on if it is safe. They may take out some words, like names or places. "
        "You might get a letter back. You choose when to open it. You can stop at any time."
    ),
    ConsentFormat.QUESTIONS: N_(
        "The person harmed writes down what they want to ask. "
        "The person responsible writes an answer under each question. "
        "Your facilitator reads everything first. They only pass on what is safe. You can stop at any time."
    ),
    ConsentFormat.SHUTTLE: N_(
        "You talk to your facilitator. They write down what you want to say. "
        "You check it says what you mean. Then they take it to the other person and bring back what they say. "
        "You do not have to meet. You can stop at any time."
    ),
    ConsentFormat.MEETING: N_(
        "You meet the other person in a safe place. Two facilitators are there all the time. "
        "You can bring someone to support you. Your facilitator only sets up a meeting if it is safe. "
        "You can take a break or stop at any time, even during the meeting."
    ),
    ConsentFormat.RECORDINGS: N_(
        "You record a video or audio message for the other person. "
        "Your facilitator watches or listens to every one first. They only pass it on if it is safe. "
        "A written copy of what it says always comes with it. "
        "You can read that instead of watching or listening. "
        "You can say no at any time, and stop at any time."
    ),
}


def explanation(consent_format: ConsentFormat) -> str:
    """What saying yes to each way of taking part means, in short plain sentences."""
    return _(_EXPLANATION[consent_format])


_STAGE_NAME = {
    Stage.REFERRAL: N_("Referral"),
    Stage.ASSESSMENT: N_("Assessment"),
    Stage.PREPARATION: N_("Preparation"),
    Stage.EXCHANGE: N_("Exchange"),
    Stage.AGREEMENT: N_("Agreement"),
    Stage.FOLLOW_UP: N_("Follow-up"),
    Stage.CLOSED: N_("Closed"),
    Stage.PAUSED: N_("Paused"),
    Stage.WITHDRAWN: N_("Withdrawn"),
}


def stage_name(stage: Stage) -> str:
    return _(_STAGE_NAME[stage])


_RISK_NAME = {RiskLevel.LOW: N_("Low"), RiskLevel.MEDIUM: N_("Medium"), RiskLevel.HIGH: N_("High")}


def risk_name(risk: RiskLevel) -> str:
    return _(_RISK_NAME[risk])


_SOURCE_NAME = {
    ReferralSource.POLICE: N_("Police"),
    ReferralSource.VICTIM_SERVICE: N_("Victim service"),
    ReferralSource.YOUTH_OFFENDING_TEAM: N_("Youth offending team"),
    ReferralSource.PRISON: N_("Prison"),
    ReferralSource.PROBATION: N_("Probation"),
    ReferralSource.SELF_REFERRAL: N_("Self-referral"),
}


def source_name(source: ReferralSource) -> str:
    return _(_SOURCE_NAME[source])


_STATE_NAME = {
    ItemState.DRAFT: N_("Draft"),
    ItemState.SUBMITTED: N_("Waiting for review"),
    ItemState.RETURNED: N_("Returned for changes"),
    ItemState.AWAITING_SECOND_APPROVAL: N_("Waiting for a second approval"),
    ItemState.APPROVED: N_("Approved"),
    ItemState.SCHEDULED: N_("Due to be passed on"),
    ItemState.RELEASED: N_("Passed on"),
    ItemState.ON_HOLD: N_("On hold"),
    ItemState.HELD_FOR_RECIPIENT: N_("Kept for the reader"),
    ItemState.DESTROYED: N_("Removed at the reader's request"),
    ItemState.WITHHELD: N_("Withheld"),
    ItemState.WITHDRAWN: N_("Stopped: its writer stopped taking part"),
}


def state_name(state: ItemState) -> str:
    """An item's state as staff see it in lists."""
    return _(_STATE_NAME[state])


_ACTION_NAME = {
    ActionKind.APOLOGY: N_("Apology"),
    ActionKind.REPAIR: N_("Repair the damage"),
    ActionKind.PAYMENT: N_("Payment"),
    ActionKind.UNPAID_WORK: N_("Unpaid work"),
    ActionKind.NO_CONTACT: N_("No contact"),
}


def action_name(kind: ActionKind) -> str:
    return _(_ACTION_NAME[kind])


def language_name(language: Language) -> str:
    """Each language in its own words, as a language switch shows them."""
    return {Language.EN: "English", Language.CY: "Cymraeg"}[language]


def label(value: Label, kind: ItemKind) -> str:
    """An item's status for the person looking at it (see domain.presentation)."""
    if value == Label.NEW:
        return {
            ItemKind.LETTER: _("You have a letter. Open it when you're ready."),
            ItemKind.QUESTION_SET: _("You have some questions. Open them when you're ready."),
            ItemKind.ANSWERS: _("You have answers to your questions. Open them when you're ready."),
            ItemKind.SHUTTLE_NOTE: _("You have a message. Open it when you're ready."),
            ItemKind.RECORDING: _("You have a recorded message. Open it when you're ready."),
        }[kind]
    return {
        Label.DRAFT: _("Draft"),
        Label.WAITING: _("Waiting for your facilitator"),
        Label.RETURNED: _("Returned to you for changes"),
        Label.READY: _("Ready to be passed on"),
        Label.ON_HOLD: _("On hold for now"),
        Label.NOT_PASSED_ON: _("Not passed on"),
        Label.NOT_SENT: _("Not sent"),
        Label.NOTE_TO_CHECK: _("Please check what your facilitator wrote"),
        Label.NOTE_CHECKED: _("Checked"),
        Label.PASSED_ON: _("Passed on"),
        Label.PASSED_ON_AND_READ: _("Passed on and read"),
        Label.OPENED: _("Opened"),
        Label.KEPT_FOR_YOU: _("Your facilitator is keeping this for you until you ask for it"),
    }[value]


def _from_conversation(speaker: Speaker) -> str:
    if speaker.role == ParticipantRole.PROXY:
        if speaker.side == Side.HARMED:
            return _(
                "Written by your facilitator from a conversation with %(relationship)s on behalf of the person harmed",
                relationship=speaker.relationship,
            )
        return _(
            "Written by your facilitator from a conversation with %(relationship)s on behalf of the person responsible",
            relationship=speaker.relationship,
        )
    if speaker.role == ParticipantRole.SUPPORTER:
        if speaker.side == Side.HARMED:
            return _(
                "Written by your facilitator from a conversation with %(relationship)s supporting the person harmed",
                relationship=speaker.relationship or _("someone"),
            )
        return _(
            "Written by your facilitator from a conversation with %(relationship)s supporting the person responsible",
            relationship=speaker.relationship or _("someone"),
        )
    if speaker.display_name:
        return _("Written by your facilitator from a conversation with %(name)s", name=speaker.display_name)
    if speaker.side == Side.HARMED:
        return _("Written by your facilitator from a conversation with the person harmed")
    return _("Written by your facilitator from a conversation with the person responsible")


def _written_by(speaker: Speaker) -> str:
    if speaker.role == ParticipantRole.PROXY:
        if speaker.side == Side.HARMED:
            return _("Written by %(relationship)s on behalf of the person harmed", relationship=speaker.relationship)
        return _("Written by %(relationship)s on behalf of the person responsible", relationship=speaker.relationship)
    if speaker.side == Side.HARMED:
        return _(
            "Written by %(relationship)s supporting the person harmed",
            relationship=speaker.relationship or _("someone"),
        )
    return _(
        "Written by %(relationship)s supporting the person responsible",
        relationship=speaker.relationship or _("someone"),
    )


def attribution(line: Attribution) -> str:
    """Who wrote an item, and how, as the reader is told."""
    if line.line == Line.SHUTTLE_FROM:
        return _from_conversation(line.speaker)
    if line.line == Line.WRITTEN_BY:
        return _written_by(line.speaker)
    return {
        ItemKind.LETTER: _("Transcribed by your facilitator from a handwritten letter"),
        ItemKind.QUESTION_SET: _("Transcribed by your facilitator from handwritten questions"),
        ItemKind.ANSWERS: _("Transcribed by your facilitator from handwritten answers"),
        ItemKind.SHUTTLE_NOTE: _("Transcribed by your facilitator"),
        ItemKind.RECORDING: _("Recorded with your facilitator, who also wrote down what it says"),
    }[line.kind]


def _screening_reason(category: str) -> str:
    return {
        "phone": _("Removed: a phone number"),
        "email": _("Removed: an email address"),
        "postcode": _("Removed: a postcode"),
        "address": _("Removed: an address"),
        "url": _("Removed: a web address"),
        "social_handle": _("Removed: a social media name"),
        "vehicle_reg": _("Removed: a vehicle registration"),
        "ni_number": _("Removed: a National Insurance number"),
        "prison_number": _("Removed: a prison number"),
        "bank": _("Removed: bank details"),
        "date_of_birth": _("Removed: a date of birth"),
        "sensitive_term": _("Removed: a name or place that must stay private"),
        "threat": _("Removed: threatening words"),
        "contact_request": _("Removed: a request for contact outside the service"),
    }.get(category, _("Removed by your facilitator"))


def reason(stored: str) -> str:
    """A removal's reason as stored: the facilitator's own words, or codes said in this language."""
    said = []
    for piece in stored.split(REASON_SEPARATOR):
        if piece == FACILITATOR_REASON:
            said.append(_("Removed by your facilitator"))
        elif piece.startswith(SCREENING_REASON):
            said.append(_screening_reason(piece.removeprefix(SCREENING_REASON)))
        else:
            said.append(piece)
    return REASON_SEPARATOR.join(said)


def with_markers(text: str) -> Markup:
    """A release copy with each removed passage's marker in the reader's language, marked with
    `lang`: the letter around it may be in the other language."""
    marker = Markup('<span class="removed-marker" lang="{}">{}</span>').format(
        html_lang(), _("[removed by your facilitator]")
    )
    return escape(text).replace(REMOVED_MARKER, marker)


def finding_category(category: str) -> str:
    """What screening found, as the reviewer's list of suggestions names it."""
    return {
        "phone": _("phone number"),
        "email": _("email address"),
        "postcode": _("postcode"),
        "address": _("address"),
        "url": _("web address"),
        "social_handle": _("social media name"),
        "vehicle_reg": _("vehicle registration"),
        "ni_number": _("National Insurance number"),
        "prison_number": _("prison number"),
        "bank": _("bank details"),
        "date_of_birth": _("date of birth"),
        "sensitive_term": _("a name or place that must stay private"),
        "threat": _("threatening words"),
        "contact_request": _("contact outside the service"),
    }.get(category, category.replace("_", " "))


def writer_note(kind: str) -> str:
    """Screening's gentle advice for the writer (portal.screening.notes gives the kind)."""
    passed_on = _("Your facilitator will take it out before your letter is passed on.")
    return {
        "phone": _(
            "This looks like a phone number. Your facilitator will remove contact details "
            "before your letter is passed on."
        ),
        "email": _(
            "This looks like an email address. Your facilitator will remove contact details "
            "before your letter is passed on."
        ),
        "postcode": _("This looks like a postcode. It could show where someone lives.") + " " + passed_on,
        "address": _("This looks like a home address. It could show where someone lives.") + " " + passed_on,
        "url": _("This looks like a website address.") + " " + passed_on,
        "social_handle": _("This looks like a name someone uses online.") + " " + passed_on,
        "vehicle_reg": _("This looks like a car number plate.") + " " + passed_on,
        "ni_number": _("This looks like a National Insurance number. It is private, so you do not need to share it.")
        + " "
        + passed_on,
        "prison_number": _("This looks like a prison number.") + " " + passed_on,
        "bank": _("This looks like bank details. Please keep these private.") + " " + passed_on,
        "date_of_birth": _("This looks like a date of birth.") + " " + passed_on,
        "contact_request": _(
            "It looks like you are asking to be in touch another way. To keep everyone safe, all contact goes "
            "through your facilitator. They can talk with you about what is possible."
        ),
        "forgiveness": _(
            "Asking to be forgiven can feel like pressure to the person reading. You could say sorry without "
            "asking for anything back. They can decide how they feel in their own time."
        ),
        "excuse": _(
            "It can help to explain what was going on for you, but try not to make it sound like an excuse. "
            "The person reading may want to hear that you know it was your choice."
        ),
        "minimising": _(
            "Saying it was small or did not matter much can hurt the person reading. What happened mattered "
            "to them. You could write about what it was like for them instead."
        ),
        "blame": _(
            "This part might sound like you are blaming the person reading. If you are writing about something "
            "you did, it can help to keep the focus on your own part in it."
        ),
        "pressure": _(
            "Asking them to reply or to meet can feel like pressure. They may not be ready, and it is their "
            "choice. You could say you would welcome a reply if they ever want to."
        ),
    }[kind]


_GUIDANCE_FOR_REVIEWER = {
    "blame": N_("This may read as blaming the person harmed for what happened."),
    "minimising": N_("This may read as making light of the harm."),
    "excuse": N_("This may read as an excuse rather than taking responsibility."),
    "forgiveness": N_("This asks to be forgiven, which can feel like pressure."),
    "pressure": N_("This presses the reader to reply or to meet, which they may not be ready for."),
}


def guidance_for_reviewer(kind: str) -> str:
    """Why a passage is worth raising with the writer, as the review screen explains it."""
    return _(_GUIDANCE_FOR_REVIEWER[kind])


def return_message(quoted: list[tuple[str, str]]) -> str:
    """A "return for changes" message that quotes each passage to look at again, with the same
    gentle advice the writer's notes give; the facilitator edits it before sending."""
    lines = [_("Thank you for writing this. Before it is passed on, please look again at these parts:"), ""]
    for kind, quote in quoted:
        lines += [f"“{quote}”", writer_note(kind), ""]
    lines.append(_("I am happy to talk it through with you. You can change it and send it again."))
    return "\n".join(lines)


def writing_title(kind: ItemKind, for_self: bool) -> str:
    """The heading of the writing page: the participant's own item, or the facilitator's work."""
    if for_self:
        return {
            ItemKind.LETTER: _("Your letter"),
            ItemKind.QUESTION_SET: _("Your questions"),
            ItemKind.ANSWERS: _("Your answers"),
            ItemKind.SHUTTLE_NOTE: _("Your note"),
            ItemKind.RECORDING: _("Your recorded message"),
        }[kind]
    return {
        ItemKind.LETTER: _("Transcribe a handwritten letter"),
        ItemKind.QUESTION_SET: _("Transcribe handwritten questions"),
        ItemKind.ANSWERS: _("Transcribe handwritten answers"),
        ItemKind.SHUTTLE_NOTE: _("Write a shuttle note"),
        ItemKind.RECORDING: _("Add a recorded message they made"),
    }[kind]


def writing_box_label(kind: ItemKind, for_self: bool) -> str:
    if kind == ItemKind.LETTER:
        return _("Your letter") if for_self else _("The letter, as they wrote it")
    if kind == ItemKind.RECORDING:
        return _("What your recording says, in writing") if for_self else _("What their recording says, in writing")
    return _("Your note")


def writing_box_hint(kind: ItemKind, for_self: bool) -> str:
    """The hint under the one writing box: a recording's box holds its transcript or summary."""
    if kind == ItemKind.RECORDING:
        if for_self:
            return _(
                "Write down what you say in your recording, word for word or as a short summary. "
                "It goes with your recording for anyone who would rather read than watch or listen. "
                "You can save and come back to it: only you can see a draft. "
                "Save now and then: for your safety you are signed out after 20 minutes without activity."
            )
        return _(
            "Write down what they say in their recording, word for word or as a short summary. "
            "It goes with the recording for anyone who would rather read than watch or listen."
        )
    return _(
        "Write in your own words. You can save and come back to it: only you can see a draft. "
        "Save now and then: for your safety you are signed out after 20 minutes without activity."
    )


_RECEIVED_TITLE = {
    ItemKind.LETTER: N_("A letter for you"),
    ItemKind.QUESTION_SET: N_("Some questions for you"),
    ItemKind.ANSWERS: N_("Answers for you"),
    ItemKind.SHUTTLE_NOTE: N_("A message for you"),
    ItemKind.RECORDING: N_("A recorded message for you"),
}


def received_title(kind: ItemKind) -> str:
    return _(_RECEIVED_TITLE[kind])


_MY_ITEM = {
    ItemKind.LETTER: N_("My letter"),
    ItemKind.QUESTION_SET: N_("My questions"),
    ItemKind.ANSWERS: N_("My answers"),
    ItemKind.SHUTTLE_NOTE: N_("A note of what I said"),
    ItemKind.RECORDING: N_("My recorded message"),
}


def my_item(kind: ItemKind) -> str:
    return _(_MY_ITEM[kind])


_REVIEW_TITLE = {
    ItemKind.LETTER: N_("Review this letter"),
    ItemKind.QUESTION_SET: N_("Review these questions"),
    ItemKind.ANSWERS: N_("Review these answers"),
    ItemKind.SHUTTLE_NOTE: N_("Review this note"),
    ItemKind.RECORDING: N_("Review this recorded message"),
}


def review_title(kind: ItemKind) -> str:
    return _(_REVIEW_TITLE[kind])


_RELEASE_TITLE = {
    ItemKind.LETTER: N_("Pass on this letter"),
    ItemKind.QUESTION_SET: N_("Pass on these questions"),
    ItemKind.ANSWERS: N_("Pass on these answers"),
    ItemKind.SHUTTLE_NOTE: N_("Pass on this note"),
    ItemKind.RECORDING: N_("Pass on this recorded message"),
}


def release_title(kind: ItemKind) -> str:
    return _(_RELEASE_TITLE[kind])


def review_link(kind: ItemKind, case_code: str) -> str:
    """The review queue's link, named in full for someone moving from link to link."""
    return {
        ItemKind.LETTER: _("Review the letter in case %(code)s", code=case_code),
        ItemKind.QUESTION_SET: _("Review the questions in case %(code)s", code=case_code),
        ItemKind.ANSWERS: _("Review the answers in case %(code)s", code=case_code),
        ItemKind.SHUTTLE_NOTE: _("Review the note in case %(code)s", code=case_code),
        ItemKind.RECORDING: _("Review the recorded message in case %(code)s", code=case_code),
    }[kind]


def consent_button(consent_format: ConsentFormat, give: bool) -> str:
    """The facilitator records consent for someone offline, format by format."""
    if give:
        return {
            ConsentFormat.LETTERS: _("Record yes to letters"),
            ConsentFormat.QUESTIONS: _("Record yes to questions and answers"),
            ConsentFormat.SHUTTLE: _("Record yes to messages through the facilitator"),
            ConsentFormat.MEETING: _("Record yes to a meeting"),
            ConsentFormat.RECORDINGS: _("Record yes to recorded messages"),
        }[consent_format]
    return {
        ConsentFormat.LETTERS: _("Record no to letters"),
        ConsentFormat.QUESTIONS: _("Record no to questions and answers"),
        ConsentFormat.SHUTTLE: _("Record no to messages through the facilitator"),
        ConsentFormat.MEETING: _("Record no to a meeting"),
        ConsentFormat.RECORDINGS: _("Record no to recorded messages"),
    }[consent_format]


_OBJECT_NAMES = {
    "case": N_("the case"),
    "participant": N_("a person"),
    "user": N_("an account"),
    "invitation": N_("an invitation"),
    "letter": N_("a letter"),
    "question_set": N_("a set of questions"),
    "answers": N_("a set of answers"),
    "shuttle_note": N_("a note"),
    "recording": N_("a recorded message"),
    "item": N_("an item"),
    "agreement": N_("the agreement"),
    "agreement_action": N_("an agreed action"),
    "satisfaction_answer": N_("a satisfaction answer"),
    "settings": N_("the service's promises"),
    "case_note": N_("a case note"),
    "contact": N_("a contact"),
    "meeting": N_("a meeting"),
    "sealed-value": N_("a stored value"),
    "kek": N_("a key"),
    "self_referral": N_("a request for contact"),
    "audit_trail": N_("the audit trail"),
}


def object_name(object_type: str | None) -> str:
    """What an audit event was about, as the case history names it."""
    words = _OBJECT_NAMES.get(object_type or "")
    return _(words) if words else object_type or ""


_OUTCOME_NAMES = {
    "success": N_("Done"),
    "failure": N_("Failed"),
    "delayed": N_("Delayed"),
    "blocked": N_("Blocked"),
    "tampered": N_("Tampered with"),
}


def outcome_name(outcome: str) -> str:
    words = _OUTCOME_NAMES.get(outcome)
    return _(words) if words else outcome


def stage_label(value: str) -> str:
    return stage_name(Stage(value))


def source_label(value: str) -> str:
    return source_name(ReferralSource(value))


def risk_label(value: str) -> str:
    return risk_name(RiskLevel(value))


def state_label(value: str) -> str:
    return state_name(ItemState(value))


def score_label(value: object) -> str:
    return {1: _("1 (not happy at all)"), 5: _("5 (very happy)")}.get(int(str(value)), str(value))


PROMPTS = {
    Side.HARMED: (
        (_l("What happened for you?"), _l("You can start on the day it happened, or with how things are now.")),
        (
            _l("How has it affected you?"),
            _l("Think about your feelings and your health. Think about money, and time with family and friends."),
        ),
        (_l("What do you need now?"), _l("It might be an answer, an apology, or to know it won't happen again.")),
        (_l("What would you like to ask?"), _l("Write each question on its own line. Ask as many as you like.")),
    ),
    Side.RESPONSIBLE: (
        (_l("What happened?"), _l("Say what you did, in your own words.")),
        (_l("What were you thinking at the time?"), _l("Be honest. It helps the other person understand.")),
        (_l("Who has been affected, and how?"), _l("Think about the person harmed, their family, and others.")),
        (_l("What do you want to say to them?"), _l("Say it in your own way. You don't have to get it perfect.")),
        (_l("What will you do to put things right?"), _l("Only offer what you really can do.")),
    ),
}
WRITING_REMINDER = _l(
    "Please leave out names, addresses and other details that could show who or where someone is. "
    "Your facilitator reads everything before it is passed on."
)
SATISFACTION_QUESTION = _l("How do you feel about taking part? Choose from 1 (not happy at all) to 5 (very happy).")


_NOTIFICATION_KIND_NAME = {
    NotificationKind.NEW_TO_READ: N_("Something new to read"),
    NotificationKind.RETURNED: N_("An item returned for changes"),
    NotificationKind.INVITATION: N_("An invitation"),
    NotificationKind.PASSWORD_RESET: N_("A link to choose a new password"),
    NotificationKind.PARTICIPANT_STOPPED: N_("Someone stopped taking part"),
    NotificationKind.DIGEST: N_("A facilitator's daily digest"),
    NotificationKind.ACCOUNT_CHANGED: N_("An account change"),
}


def notification_kind_name(kind: NotificationKind) -> str:
    """What a notification was for, on the admin's page of failed messages."""
    return _(_NOTIFICATION_KIND_NAME[kind])


def transport_failure_name(code: str | None) -> str:
    """Why the mail server (or GOV.UK Notify) did not take a message, from the code the outbox keeps."""
    return {
        "smtp-authentication": _("The mail server refused the portal's user name or password."),
        "smtp-recipient-refused": _("The mail server refused the address."),
        "smtp-starttls-unsupported": _("The mail server does not offer STARTTLS."),
        "smtp-tls": _("The secure connection to the mail server failed."),
        "smtp-refused": _("The mail server refused the message."),
        "smtp-unreachable": _("The mail server could not be reached."),
        "folder-unwritable": _("The mail folder could not be written to."),
        "mail-not-set-up": _("Email is not set up for this service."),
        "sms-not-set-up": _("Text messages are not set up for this service."),
        "internal-error": _("The portal could not make the message: see the worker's log."),
        "worker-stopped": _("The worker stopped while sending it, on the last try."),
        "notify-rejected": _("GOV.UK Notify refused the message."),
        "notify-authentication": _("GOV.UK Notify refused the portal's API key."),
        "notify-rate-limited": _("GOV.UK Notify asked the portal to slow down."),
        "notify-unavailable": _("GOV.UK Notify is not available."),
        "notify-unreachable": _("GOV.UK Notify could not be reached."),
    }.get(code or "", _("Not known."))


# --- The casework record: notes, contacts, meetings (portal.web.record) ---------------------------


def note_kind_name(kind: NoteKind) -> str:
    return {NoteKind.NOTE: _("Case note"), NoteKind.SUPERVISION: _("Supervision")}[kind]


_CONTACT_METHOD_NAME = {
    ContactMethod.PHONE: N_("Phone call"),
    ContactMethod.VISIT: N_("Visit"),
    ContactMethod.PRISON_VISIT: N_("Prison visit"),
    ContactMethod.VIDEO: N_("Video call"),
    ContactMethod.EMAIL: N_("Email"),
    ContactMethod.LETTER_SENT: N_("Letter sent"),
    ContactMethod.LETTER_RECEIVED: N_("Letter received"),
}


def contact_method_name(method: ContactMethod) -> str:
    return _(_CONTACT_METHOD_NAME[method])


_CONTACT_PURPOSE_NAME = {
    ContactPurpose.GENERAL: N_("General"),
    ContactPurpose.PREPARATION: N_("Preparation"),
    ContactPurpose.FOLLOW_UP: N_("Follow-up"),
}


def contact_purpose_name(purpose: ContactPurpose) -> str:
    return _(_CONTACT_PURPOSE_NAME[purpose])


_FEELING_NAME = {
    Feeling.BETTER: N_("Better"),
    Feeling.SAME: N_("About the same"),
    Feeling.WORSE: N_("Worse"),
    Feeling.NOT_SAID: N_("They didn't say"),
}


def feeling_name(feeling: Feeling) -> str:
    return _(_FEELING_NAME[feeling])


def meeting_kind_name(kind: MeetingKind) -> str:
    return {MeetingKind.PREPARATION: _("Preparation meeting"), MeetingKind.CONFERENCE: _("Conference")}[kind]


_MEETING_MODE_NAME = {
    MeetingMode.IN_PERSON: N_("In person"),
    MeetingMode.VIDEO: N_("By video"),
    MeetingMode.PHONE: N_("By phone"),
}


def meeting_mode_name(mode: MeetingMode) -> str:
    return _(_MEETING_MODE_NAME[mode])


_MEETING_STATUS_NAME = {
    MeetingStatus.PLANNED: N_("Planned"),
    MeetingStatus.HELD: N_("Held"),
    MeetingStatus.CANCELLED: N_("Cancelled"),
}


def meeting_status_name(status: MeetingStatus) -> str:
    return _(_MEETING_STATUS_NAME[status])


# --- Self-referral: requests for contact and their triage ---


_SELF_REFERRAL_STATUS_NAME = {
    SelfReferralStatus.NEW: N_("New"),
    SelfReferralStatus.OPENED: N_("Case opened"),
    SelfReferralStatus.CLOSED: N_("Closed"),
}


def self_referral_status_name(status: SelfReferralStatus) -> str:
    return _(_SELF_REFERRAL_STATUS_NAME[status])


_CLOSE_REASON_NAME = {
    SelfReferralCloseReason.NOT_ELIGIBLE: N_("Not something the service can help with"),
    SelfReferralCloseReason.NO_RESPONSE: N_("We could not reach them"),
    SelfReferralCloseReason.DUPLICATE: N_("The same request was sent twice"),
    SelfReferralCloseReason.CHANGED_MIND: N_("They decided not to go ahead"),
    SelfReferralCloseReason.REFERRED_ELSEWHERE: N_("Passed to another service"),
    SelfReferralCloseReason.OTHER: N_("Another reason"),
}


def close_reason_name(reason: SelfReferralCloseReason) -> str:
    return _(_CLOSE_REASON_NAME[reason])


# --- The caseload: due dates and who stopped (portal.web.caseload) ------------------------------


def _overdue_words(kind: DueKind, days: int) -> str:
    return {
        DueKind.FIRST_CONTACT: ngettext(
            "Overdue: first contact, %(num)d day", "Overdue: first contact, %(num)d days", days
        ),
        DueKind.REVIEW: ngettext(
            "Overdue: review of what was sent, %(num)d day", "Overdue: review of what was sent, %(num)d days", days
        ),
        DueKind.FOLLOW_UP: ngettext(
            "Overdue: follow-up after a meeting, %(num)d day",
            "Overdue: follow-up after a meeting, %(num)d days",
            days,
        ),
        DueKind.NEXT_STEP: ngettext("Overdue: next step, %(num)d day", "Overdue: next step, %(num)d days", days),
        DueKind.SUPERVISION: ngettext(
            "Overdue: case supervision, %(num)d day", "Overdue: case supervision, %(num)d days", days
        ),
    }[kind]


__DUE_TODAY_WORDS = {
    DueKind.FIRST_CONTACT: N_("Due today: first contact"),
    DueKind.REVIEW: N_("Due today: review of what was sent"),
    DueKind.FOLLOW_UP: N_("Due today: follow-up after a meeting"),
    DueKind.NEXT_STEP: N_("Due today: next step"),
    DueKind.SUPERVISION: N_("Due today: case supervision"),
}


def _due_today_words(kind: DueKind) -> str:
    return _(__DUE_TODAY_WORDS[kind])


def _due_later_words(kind: DueKind, days: int) -> str:
    return {
        DueKind.FIRST_CONTACT: ngettext(
            "Due in %(num)d day: first contact", "Due in %(num)d days: first contact", days
        ),
        DueKind.REVIEW: ngettext(
            "Due in %(num)d day: review of what was sent", "Due in %(num)d days: review of what was sent", days
        ),
        DueKind.FOLLOW_UP: ngettext(
            "Due in %(num)d day: follow-up after a meeting", "Due in %(num)d days: follow-up after a meeting", days
        ),
        DueKind.NEXT_STEP: ngettext("Due in %(num)d day: next step", "Due in %(num)d days: next step", days),
        DueKind.SUPERVISION: ngettext(
            "Due in %(num)d day: case supervision", "Due in %(num)d days: case supervision", days
        ),
    }[kind]


def due_words(due: Due) -> str:
    """ "Overdue: first contact, 3 days": what is due and when, in words (never colour alone)."""
    if due.overdue:
        return _overdue_words(due.kind, due.days)
    return _due_today_words(due.kind) if due.days == 0 else _due_later_words(due.kind, due.days)


_DUE_KIND_NAME = {
    DueKind.FIRST_CONTACT: N_("First contact after the referral"),
    DueKind.REVIEW: N_("Review of a letter, questions, answers, a note or a recorded message sent for review"),
    DueKind.FOLLOW_UP: N_("Follow-up after a meeting"),
    DueKind.NEXT_STEP: N_("The next step the latest contact set"),
    DueKind.SUPERVISION: N_("Case supervision"),
}


def due_kind_name(kind: DueKind) -> str:
    """As a table heading or a label: what the service has promised."""
    return _(_DUE_KIND_NAME[kind])


def stopped_notice(side: Side | None, role: ParticipantRole | None, code: str) -> str:
    """Who stopped taking part, by side and role, never by name: one whole sentence each."""
    if side is None or role is None:
        return _("Someone stopped taking part in %(code)s.", code=code)
    return {
        (Side.HARMED, ParticipantRole.PRINCIPAL): _("The person harmed stopped taking part in %(code)s.", code=code),
        (Side.HARMED, ParticipantRole.PROXY): _(
            "A proxy for the person harmed stopped taking part in %(code)s.", code=code
        ),
        (Side.HARMED, ParticipantRole.SUPPORTER): _(
            "A supporter of the person harmed stopped taking part in %(code)s.", code=code
        ),
        (Side.RESPONSIBLE, ParticipantRole.PRINCIPAL): _(
            "The person responsible stopped taking part in %(code)s.", code=code
        ),
        (Side.RESPONSIBLE, ParticipantRole.PROXY): _(
            "A proxy for the person responsible stopped taking part in %(code)s.", code=code
        ),
        (Side.RESPONSIBLE, ParticipantRole.SUPPORTER): _(
            "A supporter of the person responsible stopped taking part in %(code)s.", code=code
        ),
    }[(side, role)]


def register(app: Flask) -> None:
    """Make the words available to every template."""
    app.jinja_env.globals.update(
        notification_kind_name=notification_kind_name,
        transport_failure_name=transport_failure_name,
        noun=noun,
        kind_name=kind_name,
        side_name=side_name,
        side_title=side_title,
        shown_name=shown_name,
        role_name=role_name,
        writer_description=writer_description,
        readers_description=readers_description,
        format_name=format_name,
        own_consent_button=own_consent_button,
        review_link=review_link,
        format_title=format_title,
        explanation=explanation,
        stage_name=stage_name,
        risk_name=risk_name,
        source_name=source_name,
        state_name=state_name,
        action_name=action_name,
        language_name=language_name,
        label_words=label,
        attribution_words=attribution,
        reason_words=reason,
        finding_category=finding_category,
        writer_note=writer_note,
        guidance_for_reviewer=guidance_for_reviewer,
        writing_title=writing_title,
        writing_box_label=writing_box_label,
        writing_box_hint=writing_box_hint,
        received_title=received_title,
        my_item=my_item,
        review_title=review_title,
        release_title=release_title,
        consent_button=consent_button,
        object_name=object_name,
        outcome_name=outcome_name,
        stage_label=stage_label,
        source_label=source_label,
        risk_label=risk_label,
        state_label=state_label,
        score_label=score_label,
        note_kind_name=note_kind_name,
        contact_method_name=contact_method_name,
        contact_purpose_name=contact_purpose_name,
        feeling_name=feeling_name,
        meeting_kind_name=meeting_kind_name,
        meeting_mode_name=meeting_mode_name,
        meeting_status_name=meeting_status_name,
    )
    app.jinja_env.filters.update(with_markers=with_markers)
    app.jinja_env.globals.update(due_words=due_words, due_kind_name=due_kind_name, stopped_notice=stopped_notice)
