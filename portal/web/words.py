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


def noun(kind: ItemKind) -> str:
    """Lower case, for the middle of a sentence in English (Welsh mutations are the sentence's own)."""
    return {
        ItemKind.LETTER: _("letter"),
        ItemKind.QUESTION_SET: _("set of questions"),
        ItemKind.ANSWERS: _("set of answers"),
        ItemKind.SHUTTLE_NOTE: _("note"),
        ItemKind.RECORDING: _("recorded message"),
    }[kind]


def kind_name(kind: ItemKind) -> str:
    """As a heading or a table cell."""
    return {
        ItemKind.LETTER: _("Letter"),
        ItemKind.QUESTION_SET: _("Set of questions"),
        ItemKind.ANSWERS: _("Set of answers"),
        ItemKind.SHUTTLE_NOTE: _("Note"),
        ItemKind.RECORDING: _("Recorded message"),
    }[kind]


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


def role_name(role: ParticipantRole) -> str:
    return {
        ParticipantRole.PRINCIPAL: _("principal"),
        ParticipantRole.PROXY: _("proxy"),
        ParticipantRole.SUPPORTER: _("supporter"),
    }[role]


def format_name(consent_format: ConsentFormat) -> str:
    return {
        ConsentFormat.LETTERS: _("letters"),
        ConsentFormat.QUESTIONS: _("questions and answers"),
        ConsentFormat.SHUTTLE: _("messages through the facilitator"),
        ConsentFormat.MEETING: _("a meeting"),
        ConsentFormat.RECORDINGS: _("recorded messages"),
    }[consent_format]


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


def format_title(consent_format: ConsentFormat) -> str:
    return {
        ConsentFormat.LETTERS: _("Letters"),
        ConsentFormat.QUESTIONS: _("Questions and answers"),
        ConsentFormat.SHUTTLE: _("Messages through the facilitator"),
        ConsentFormat.MEETING: _("A meeting"),
        ConsentFormat.RECORDINGS: _("Recorded messages"),
    }[consent_format]


def explanation(consent_format: ConsentFormat) -> str:
    """What saying yes to each way of taking part means, in short plain sentences."""
    return {
        ConsentFormat.LETTERS: _(
            "You write a letter to the other person. Your facilitator reads it first. "
            "They only pass it on if it is safe. They may take out some words, like names or places. "
            "You might get a letter back. You choose when to open it. You can stop at any time."
        ),
        ConsentFormat.QUESTIONS: _(
            "The person harmed writes down what they want to ask. "
            "The person responsible writes an answer under each question. "
            "Your facilitator reads everything first. They only pass on what is safe. You can stop at any time."
        ),
        ConsentFormat.SHUTTLE: _(
            "You talk to your facilitator. They write down what you want to say. "
            "You check it says what you mean. Then they take it to the other person and bring back what they say. "
            "You do not have to meet. You can stop at any time."
        ),
        ConsentFormat.MEETING: _(
            "You meet the other person in a safe place. Two facilitators are there all the time. "
            "You can bring someone to support you. Your facilitator only sets up a meeting if it is safe. "
            "You can take a break or stop at any time, even during the meeting."
        ),
        ConsentFormat.RECORDINGS: _(
            "You record a video or audio message for the other person. "
            "Your facilitator watches or listens to every one first. They only pass it on if it is safe. "
            "A written copy of what it says always comes with it. "
            "You can read that instead of watching or listening. "
            "You can say no at any time, and stop at any time."
        ),
    }[consent_format]


def stage_name(stage: Stage) -> str:
    return {
        Stage.REFERRAL: _("Referral"),
        Stage.ASSESSMENT: _("Assessment"),
        Stage.PREPARATION: _("Preparation"),
        Stage.EXCHANGE: _("Exchange"),
        Stage.AGREEMENT: _("Agreement"),
        Stage.FOLLOW_UP: _("Follow-up"),
        Stage.CLOSED: _("Closed"),
        Stage.PAUSED: _("Paused"),
        Stage.WITHDRAWN: _("Withdrawn"),
    }[stage]


def risk_name(risk: RiskLevel) -> str:
    return {RiskLevel.LOW: _("Low"), RiskLevel.MEDIUM: _("Medium"), RiskLevel.HIGH: _("High")}[risk]


def source_name(source: ReferralSource) -> str:
    return {
        ReferralSource.POLICE: _("Police"),
        ReferralSource.VICTIM_SERVICE: _("Victim service"),
        ReferralSource.YOUTH_OFFENDING_TEAM: _("Youth offending team"),
        ReferralSource.PRISON: _("Prison"),
        ReferralSource.PROBATION: _("Probation"),
        ReferralSource.SELF_REFERRAL: _("Self-referral"),
    }[source]


def state_name(state: ItemState) -> str:
    """An item's state as staff see it in lists."""
    return {
        ItemState.DRAFT: _("Draft"),
        ItemState.SUBMITTED: _("Waiting for review"),
        ItemState.RETURNED: _("Returned for changes"),
        ItemState.AWAITING_SECOND_APPROVAL: _("Waiting for a second approval"),
        ItemState.APPROVED: _("Approved"),
        ItemState.SCHEDULED: _("Due to be passed on"),
        ItemState.RELEASED: _("Passed on"),
        ItemState.ON_HOLD: _("On hold"),
        ItemState.HELD_FOR_RECIPIENT: _("Kept for the reader"),
        ItemState.DESTROYED: _("Removed at the reader's request"),
        ItemState.WITHHELD: _("Withheld"),
        ItemState.WITHDRAWN: _("Stopped: its writer stopped taking part"),
    }[state]


def action_name(kind: ActionKind) -> str:
    return {
        ActionKind.APOLOGY: _("Apology"),
        ActionKind.REPAIR: _("Repair the damage"),
        ActionKind.PAYMENT: _("Payment"),
        ActionKind.UNPAID_WORK: _("Unpaid work"),
        ActionKind.NO_CONTACT: _("No contact"),
    }[kind]


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


def guidance_for_reviewer(kind: str) -> str:
    """Why a passage is worth raising with the writer, as the review screen explains it."""
    return {
        "blame": _("This may read as blaming the person harmed for what happened."),
        "minimising": _("This may read as making light of the harm."),
        "excuse": _("This may read as an excuse rather than taking responsibility."),
        "forgiveness": _("This asks to be forgiven, which can feel like pressure."),
        "pressure": _("This presses the reader to reply or to meet, which they may not be ready for."),
    }[kind]


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


def received_title(kind: ItemKind) -> str:
    return {
        ItemKind.LETTER: _("A letter for you"),
        ItemKind.QUESTION_SET: _("Some questions for you"),
        ItemKind.ANSWERS: _("Answers for you"),
        ItemKind.SHUTTLE_NOTE: _("A message for you"),
        ItemKind.RECORDING: _("A recorded message for you"),
    }[kind]


def my_item(kind: ItemKind) -> str:
    return {
        ItemKind.LETTER: _("My letter"),
        ItemKind.QUESTION_SET: _("My questions"),
        ItemKind.ANSWERS: _("My answers"),
        ItemKind.SHUTTLE_NOTE: _("A note of what I said"),
        ItemKind.RECORDING: _("My recorded message"),
    }[kind]


def review_title(kind: ItemKind) -> str:
    return {
        ItemKind.LETTER: _("Review this letter"),
        ItemKind.QUESTION_SET: _("Review these questions"),
        ItemKind.ANSWERS: _("Review these answers"),
        ItemKind.SHUTTLE_NOTE: _("Review this note"),
        ItemKind.RECORDING: _("Review this recorded message"),
    }[kind]


def release_title(kind: ItemKind) -> str:
    return {
        ItemKind.LETTER: _("Pass on this letter"),
        ItemKind.QUESTION_SET: _("Pass on these questions"),
        ItemKind.ANSWERS: _("Pass on these answers"),
        ItemKind.SHUTTLE_NOTE: _("Pass on this note"),
        ItemKind.RECORDING: _("Pass on this recorded message"),
    }[kind]


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


def notification_kind_name(kind: NotificationKind) -> str:
    """What a notification was for, on the admin's page of failed messages."""
    return {
        NotificationKind.NEW_TO_READ: _("Something new to read"),
        NotificationKind.RETURNED: _("An item returned for changes"),
        NotificationKind.INVITATION: _("An invitation"),
        NotificationKind.PASSWORD_RESET: _("A link to choose a new password"),
        NotificationKind.PARTICIPANT_STOPPED: _("Someone stopped taking part"),
        NotificationKind.DIGEST: _("A facilitator's daily digest"),
        NotificationKind.ACCOUNT_CHANGED: _("An account change"),
    }[kind]


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


def contact_method_name(method: ContactMethod) -> str:
    return {
        ContactMethod.PHONE: _("Phone call"),
        ContactMethod.VISIT: _("Visit"),
        ContactMethod.PRISON_VISIT: _("Prison visit"),
        ContactMethod.VIDEO: _("Video call"),
        ContactMethod.EMAIL: _("Email"),
        ContactMethod.LETTER_SENT: _("Letter sent"),
        ContactMethod.LETTER_RECEIVED: _("Letter received"),
    }[method]


def contact_purpose_name(purpose: ContactPurpose) -> str:
    return {
        ContactPurpose.GENERAL: _("General"),
        ContactPurpose.PREPARATION: _("Preparation"),
        ContactPurpose.FOLLOW_UP: _("Follow-up"),
    }[purpose]


def feeling_name(feeling: Feeling) -> str:
    return {
        Feeling.BETTER: _("Better"),
        Feeling.SAME: _("About the same"),
        Feeling.WORSE: _("Worse"),
        Feeling.NOT_SAID: _("They didn't say"),
    }[feeling]


def meeting_kind_name(kind: MeetingKind) -> str:
    return {MeetingKind.PREPARATION: _("Preparation meeting"), MeetingKind.CONFERENCE: _("Conference")}[kind]


def meeting_mode_name(mode: MeetingMode) -> str:
    return {MeetingMode.IN_PERSON: _("In person"), MeetingMode.VIDEO: _("By video"), MeetingMode.PHONE: _("By phone")}[
        mode
    ]


def meeting_status_name(status: MeetingStatus) -> str:
    return {
        MeetingStatus.PLANNED: _("Planned"),
        MeetingStatus.HELD: _("Held"),
        MeetingStatus.CANCELLED: _("Cancelled"),
    }[status]


# --- Self-referral: requests for contact and their triage ---


def self_referral_status_name(status: SelfReferralStatus) -> str:
    return {
        SelfReferralStatus.NEW: _("New"),
        SelfReferralStatus.OPENED: _("Case opened"),
        SelfReferralStatus.CLOSED: _("Closed"),
    }[status]


def close_reason_name(reason: SelfReferralCloseReason) -> str:
    return {
        SelfReferralCloseReason.NOT_ELIGIBLE: _("Not something the service can help with"),
        SelfReferralCloseReason.NO_RESPONSE: _("We could not reach them"),
        SelfReferralCloseReason.DUPLICATE: _("The same request was sent twice"),
        SelfReferralCloseReason.CHANGED_MIND: _("They decided not to go ahead"),
        SelfReferralCloseReason.REFERRED_ELSEWHERE: _("Passed to another service"),
        SelfReferralCloseReason.OTHER: _("Another reason"),
    }[reason]


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


def _due_today_words(kind: DueKind) -> str:
    return {
        DueKind.FIRST_CONTACT: _("Due today: first contact"),
        DueKind.REVIEW: _("Due today: review of what was sent"),
        DueKind.FOLLOW_UP: _("Due today: follow-up after a meeting"),
        DueKind.NEXT_STEP: _("Due today: next step"),
        DueKind.SUPERVISION: _("Due today: case supervision"),
    }[kind]


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


def due_kind_name(kind: DueKind) -> str:
    """As a table heading or a label: what the service has promised."""
    return {
        DueKind.FIRST_CONTACT: _("First contact after the referral"),
        DueKind.REVIEW: _("Review of a letter, questions, answers, a note or a recorded message sent for review"),
        DueKind.FOLLOW_UP: _("Follow-up after a meeting"),
        DueKind.NEXT_STEP: _("The next step the latest contact set"),
        DueKind.SUPERVISION: _("Case supervision"),
    }[kind]


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
