"""Why a rule stops an action: a fixed list of codes, each with the parameters it names.

The domain and the services speak only in these codes; the web layer turns each one (with
its parameters: the item's kind, its state, the action tried, a side, some terms) into one
whole sentence in the person's language. A test fails if a code has no sentence.
"""

from __future__ import annotations

from enum import StrEnum


class Problem(StrEnum):
    # Cases and people
    CASE_CLOSED = "case.closed"
    CASE_NOT_FACILITATOR = "case.not-facilitator"  # only an assigned facilitator may do this
    CASE_ONLY_FACILITATOR_OPENS = "case.only-facilitator-opens"
    CASE_CANNOT_MOVE = "case.cannot-move"  # params: from_stage, to_stage
    CASE_EXCHANGE_BLOCKED = "case.exchange-blocked"  # params: blockers (tuple of Blocker)
    CASE_SOMEONE_MUST_REJOIN = "case.someone-must-rejoin"
    REFERRAL_REFERENCE_MISSING = "referral.reference-missing"
    REFERRAL_OFFENCE_MISSING = "referral.offence-missing"
    REFERRAL_OFFENCE_AFTER_REFERRAL = "referral.offence-after-referral"
    PERSON_NAME_MISSING = "person.name-missing"
    PERSON_PROXY_NEEDS_RELATIONSHIP = "person.proxy-needs-relationship"
    PERSON_NOT_IN_CASE = "person.not-in-case"
    PERSON_ALREADY_HAS_ACCOUNT = "person.already-has-account"
    PERSON_TAKES_PART_OFFLINE = "person.takes-part-offline"
    PERSON_HAS_NO_ACCOUNT = "person.has-no-account"
    PERSON_NAMES_FOR_FACILITATORS = "person.names-for-facilitators"
    FACILITATOR_NOT_ASSIGNABLE = "facilitator.not-assignable"
    FACILITATOR_ALREADY_ASSIGNED = "facilitator.already-assigned"
    CASE_FOLLOW_UP_FIRST = "case.follow-up-first"  # params: sides (tuple of Side) not yet followed up
    # Assessments (portal.domain.assessments)
    ASSESSMENT_DATE_FUTURE = "assessment.date-future"
    ASSESSMENT_REASONS_NEEDED = "assessment.reasons-needed"
    ASSESSMENT_NOT_ELIGIBLE = "assessment.not-eligible"
    ASSESSMENT_CHOOSE_PERSON = "assessment.choose-person"
    ASSESSMENT_SUITABILITY_INCOMPLETE = "assessment.suitability-incomplete"
    ASSESSMENT_NEEDS_DETAIL = "assessment.needs-detail"
    ASSESSMENT_RISK_EVERYONE = "assessment.risk-everyone"
    ASSESSMENT_OVERALL_TOO_LOW = "assessment.overall-too-low"
    ASSESSMENT_SENIOR_ONLY = "assessment.senior-only"
    ASSESSMENT_NO_SIGN_OFF_NEEDED = "assessment.no-sign-off-needed"
    ASSESSMENT_ALREADY_SIGNED = "assessment.already-signed"
    ASSESSMENT_SIGN_OWN = "assessment.sign-own"
    ASSESSMENT_FLAG_NEEDS_SENIOR = "assessment.flag-needs-senior"
    # Senior facilitators and supervision (portal.domain.supervision)
    STAFF_ADMINS_ONLY = "staff.admins-only"
    STAFF_FACILITATORS_ONLY = "staff.facilitators-only"
    SUPERVISOR_NOT_SELF = "supervisor.not-self"
    SUPERVISOR_SENIOR_ONLY = "supervisor.senior-only"
    SUPERVISION_SUPERVISORS_ONLY = "supervision.supervisors-only"
    SUPERVISION_EMPTY = "supervision.empty"
    # Consent, stopping, rejoining
    CONSENT_NOT_YOURS = "consent.not-yours"
    CONSENT_REJOIN_FIRST = "consent.rejoin-first"
    CONSENT_GIVEN_IN_PORTAL = "consent.given-in-portal"
    WITHDRAW_NOT_YOURS = "withdraw.not-yours"
    WITHDRAW_ALREADY = "withdraw.already"
    REJOIN_STILL_TAKING_PART = "rejoin.still-taking-part"
    # Items: who may act, and when (params: action, kind, state)
    ITEM_NOT_YOURS = "item.not-yours"  # params: action, kind
    ITEM_NOT_NOW = "item.not-now"  # params: action, kind, state
    ITEM_STALE = "item.stale"  # params: kind, state (what someone else just made of it)
    ITEM_CANNOT_WRITE_HERE = "item.cannot-write-here"  # params: kind
    ITEM_CHOOSE_AUTHOR = "item.choose-author"
    ITEM_QUESTIONS_FROM_HARMED = "item.questions-from-harmed"
    ITEM_ANSWERS_FROM_RESPONSIBLE = "item.answers-from-responsible"
    ITEM_ANSWERS_NEED_QUESTIONS = "item.answers-need-questions"
    ITEM_QUESTIONS_NOT_PASSED_ON = "item.questions-not-passed-on"
    ITEM_VICTIM_LED = "item.victim-led"  # params: kind
    ITEM_ONE_PIECE = "item.one-piece"  # params: kind
    ITEM_ONE_ANSWER_EACH = "item.one-answer-each"
    ITEM_TOO_MANY_QUESTIONS = "item.too-many-questions"  # params: limit
    ITEM_NOTHING_TO_CONFIRM = "item.nothing-to-confirm"
    ITEM_NOT_CONFIRMED = "item.not-confirmed"
    ITEM_EMPTY = "item.empty"  # params: kind
    ITEM_NO_QUESTIONS = "item.no-questions"
    ITEM_NO_ANSWERS = "item.no-answers"
    # Media: recordings, pictures and scans (portal.domain.media)
    MEDIA_UNKNOWN_TYPE = "media.unknown-type"  # not a picture, PDF, audio or video file we take
    MEDIA_NOT_HERE = "media.not-here"  # params: kind (of item), role: this item takes no such file
    MEDIA_TOO_BIG = "media.too-big"  # params: limit_mb
    MEDIA_TOO_LONG = "media.too-long"  # params: limit_minutes
    MEDIA_TOO_MANY = "media.too-many"  # params: limit
    MEDIA_UNREADABLE = "media.unreadable"  # it looked like a media file but could not be processed
    MEDIA_PDF_TOO_MANY_PAGES = "media.pdf-too-many-pages"  # params: limit
    MEDIA_TOOLS_MISSING = "media.tools-missing"  # ffmpeg (or pdftoppm) is not installed on the server
    MEDIA_EMPTY = "media.empty"
    MEDIA_NOT_EDITABLE = "media.not-editable"  # params: kind, state: files change only while a draft
    MEDIA_RECORDING_NEEDED = "media.recording-needed"  # a recording item sent without its recording
    MEDIA_TRANSCRIPT_NEEDED = "media.transcript-needed"  # ... or without its transcript or summary
    MEDIA_OPEN_FIRST = "media.open-first"  # params: count: the reviewer has not opened every file
    MEDIA_NOT_OFFLINE = "media.not-offline"  # watched on a service device: only for offline recipients
    MEDIA_NOT_A_REPLY_SHEET = "media.not-a-reply-sheet"  # no reply code found on the scan
    MEDIA_REPLY_SHEET_ELSEWHERE = "media.reply-sheet-elsewhere"  # the code names another case, or none
    MEDIA_LIMIT_RANGE = "media.limit-range"  # params: limit (a MediaLimit), minimum, maximum
    # Review and release
    REVIEW_MESSAGE_NEEDED = "review.message-needed"
    REVIEW_ALREADY_APPROVED = "review.already-approved"  # params: kind
    REVIEW_NOTHING_MARKED = "review.nothing-marked"
    REVIEW_APPROVE_WITH_REMOVALS = "review.approve-with-removals"
    REVIEW_FINDINGS_LEFT_IN = "review.findings-left-in"
    REVIEW_PASSAGE_NOT_FOUND = "review.passage-not-found"  # params: passage
    REVIEW_REASON_NEEDED = "review.reason-needed"
    REVIEW_PASSAGE_OUTSIDE = "review.passage-outside"
    REVIEW_TERMS_LEFT_IN = "review.terms-left-in"  # params: terms
    RELEASE_TIME_PAST = "release.time-past"
    RELEASE_NOT_DUE = "release.not-due"  # params: kind
    RELEASE_CASE_PAUSED = "release.case-paused"
    RELEASE_STAGE = "release.stage"
    RELEASE_WRITER_STOPPED = "release.writer-stopped"
    RELEASE_NOTE_NEEDS_OTHER_APPROVER = "release.note-needs-other-approver"
    RELEASE_SECOND_APPROVAL = "release.second-approval"
    RELEASE_NO_CONSENT = "release.no-consent"  # params: side, format
    HOLD_RESUME_FIRST = "hold.resume-first"
    # Lists only some may see
    INBOX_PARTICIPANTS_ONLY = "inbox.participants-only"
    LIST_FACILITATORS_ONLY = "list.facilitators-only"
    LIST_STAFF_ONLY = "list.staff-only"
    HISTORY_FACILITATORS_ONLY = "history.facilitators-only"
    # The service-wide audit view and its CSV file (portal.services.audit_view)
    AUDIT_VIEW_NOT_ALLOWED = "audit-view.not-allowed"
    AUDIT_VIEW_NO_SUCH_CASE = "audit-view.no-such-case"  # params: code
    AUDIT_VIEW_DATES_BACKWARDS = "audit-view.dates-backwards"
    AUDIT_EXPORT_TOO_MANY = "audit-view.export-too-many"  # params: limit
    REPORTS_MANAGERS_ONLY = "reports.managers-only"
    REPORT_PERIOD_BACKWARDS = "report.period-backwards"
    REPORT_PERIOD_TOO_LONG = "report.period-too-long"
    # Retention and legal holds (portal.domain.retention)
    RETENTION_YEARS_RANGE = "retention.years-range"  # params: minimum, maximum
    RETENTION_DAYS_RANGE = "retention.days-range"  # params: minimum, maximum
    HOLD_NOT_YOURS = "hold.not-yours"
    HOLD_ALREADY = "hold.already"
    HOLD_REASON_NEEDED = "hold.reason-needed"
    HOLD_NONE = "hold.none"
    # The outcome agreement and satisfaction
    AGREEMENT_NOT_YET = "agreement.not-yet"
    AGREEMENT_STAGE = "agreement.stage"
    AGREEMENT_NO_ACTIONS = "agreement.no-actions"
    AGREEMENT_TERMS_LEFT_IN = "agreement.terms-left-in"  # params: terms
    AGREEMENT_AGREE_STAGE = "agreement.agree-stage"
    AGREEMENT_NOT_YOUR_SIDE = "agreement.not-your-side"  # params: side
    AGREEMENT_ALREADY_AGREED = "agreement.already-agreed"  # params: side
    AGREEMENT_BOTH_MUST_AGREE = "agreement.both-must-agree"
    AGREEMENT_NO_SUCH_ACTION = "agreement.no-such-action"
    AGREEMENT_ACTION_DONE = "agreement.action-done"
    SATISFACTION_AT_CLOSING = "satisfaction.at-closing"
    SATISFACTION_NOT_YOURS = "satisfaction.not-yours"
    SATISFACTION_SCORE = "satisfaction.score"
    SATISFACTION_ALREADY = "satisfaction.already"
    SATISFACTION_STAFF_ONLY = "satisfaction.staff-only"
    # The casework record: case notes, the contact log, meetings (portal.domain.casenotes, meetings)
    NOTE_EMPTY = "note.empty"
    CONTACT_WHO_MISSING = "contact.who-missing"
    CONTACT_DATE_FUTURE = "contact.date-future"
    CONTACT_HOW_IT_WENT_MISSING = "contact.how-it-went-missing"
    CONTACT_NEXT_STEP_BEFORE_CONTACT = "contact.next-step-before-contact"
    CONTACT_NEXT_STEP_WORDS_MISSING = "contact.next-step-words-missing"
    CONTACT_FOLLOW_UP_NEEDS_PERSON = "contact.follow-up-needs-person"
    CONTACT_FOLLOW_UP_BEFORE_EXCHANGE = "contact.follow-up-before-exchange"
    CONTACT_FEELING_MISSING = "contact.feeling-missing"
    CONTACT_FEELING_ONLY_FOLLOW_UP = "contact.feeling-only-follow-up"
    MEETING_CASE_HALTED = "meeting.case-halted"
    MEETING_TIME_PAST = "meeting.time-past"
    MEETING_CHOOSE_FACILITATOR = "meeting.choose-facilitator"
    MEETING_FACILITATOR_NOT_ASSIGNED = "meeting.facilitator-not-assigned"
    MEETING_TWO_FACILITATORS = "meeting.two-facilitators"
    MEETING_VENUE_MISSING = "meeting.venue-missing"
    MEETING_CHOOSE_PERSON = "meeting.choose-person"
    MEETING_PREPARATION_ONE_SIDE = "meeting.preparation-one-side"
    MEETING_PERSON_STOPPED = "meeting.person-stopped"
    MEETING_CONFERENCE_STAGE = "meeting.conference-stage"
    MEETING_SIDE_MISSING = "meeting.side-missing"  # params: side
    MEETING_NO_CONSENT = "meeting.no-consent"  # params: side
    MEETING_SAFETY_PLAN_MISSING = "meeting.safety-plan-missing"
    MEETING_NOT_PLANNED = "meeting.not-planned"  # params: status (held or cancelled)
    MEETING_HELD_DATE_FUTURE = "meeting.held-date-future"
    MEETING_WHAT_HAPPENED_MISSING = "meeting.what-happened-missing"
    MEETING_CONFERENCE_BEFORE_EXCHANGE = "meeting.conference-before-exchange"
    MEETING_GROUND_RULES = "meeting.ground-rules"
    # Caseload tools: due dates, my week, the workload view, the service's promises (portal.domain.deadlines)
    SETTINGS_DAYS_RANGE = "settings.days-range"  # params: field, minimum, maximum
    SETTINGS_WEEKS_RANGE = "settings.weeks-range"  # params: field, minimum, maximum
    SETTINGS_MANAGERS_ONLY = "settings.managers-only"
    WORKLOAD_MANAGERS_ONLY = "workload.managers-only"
    MY_WEEK_FACILITATORS_ONLY = "my-week.facilitators-only"
    # Accounts and invitations
    ACCOUNT_EMAIL_TAKEN = "account.email-taken"
    ACCOUNT_NO_AUTHENTICATOR = "account.no-authenticator"
    ACCOUNT_STAFF_NEED_AUTHENTICATOR = "account.staff-need-authenticator"
    ACCOUNT_WRONG_PASSWORD = "account.wrong-password"  # noqa: S105 - a code, not a password
    ACCOUNT_NO_SUCH = "account.no-such"
    ACCOUNT_NOT_YOURSELF = "account.not-yourself"
    PASSWORD_TOO_SHORT = "password.too-short"  # noqa: S105 - a code, not a password
    PASSWORD_TOO_LONG = "password.too-long"  # noqa: S105 - a code, not a password
    PASSWORD_TOO_COMMON = "password.too-common"  # noqa: S105 - a code, not a password
    INVITE_ROLE = "invite.role"
    INVITATION_UNKNOWN = "invitation.unknown"
    INVITATION_USED = "invitation.used"
    INVITATION_EXPIRED = "invitation.expired"
    INVITATION_SUPERSEDED = "invitation.superseded"
    RESET_LINK_NOT_VALID = "reset.link-not-valid"
    RESET_CODE_WRONG = "reset.code-wrong"
    RESET_STAFF_NEED_ADMIN = "reset.staff-need-admin"
    RESET_NO_ACCOUNT = "reset.no-account"  # a facilitator's reset link for someone who never joined
    # Self-referral: the public "ask for contact" form and the facilitators' triage (portal.domain.self_referral)
    SELF_REFERRAL_NAME_MISSING = "self-referral.name-missing"
    SELF_REFERRAL_RELATIONSHIP_MISSING = "self-referral.relationship-missing"
    SELF_REFERRAL_PHONE_MISSING = "self-referral.phone-missing"
    SELF_REFERRAL_EMAIL_MISSING = "self-referral.email-missing"
    SELF_REFERRAL_ADDRESS_MISSING = "self-referral.address-missing"
    SELF_REFERRAL_TRUSTED_MISSING = "self-referral.trusted-missing"
    SELF_REFERRAL_FACILITATORS_ONLY = "self-referral.facilitators-only"
    SELF_REFERRAL_ALREADY_OPENED = "self-referral.already-opened"
    SELF_REFERRAL_ALREADY_CLOSED = "self-referral.already-closed"
    SELF_REFERRAL_CLOSE_SAY_WHY = "self-referral.close-say-why"
    # A person's own data: subject-access export, rectification, erasure (portal.domain.subject_access)
    SUBJECT_ACCESS_PARTICIPANTS_ONLY = "subject-access.participants-only"
    SUBJECT_ACCESS_NOT_VERIFIED = "subject-access.not-verified"
    SUBJECT_ACCESS_POLICY_MANAGERS_ONLY = "subject-access.policy-managers-only"
    DATA_REQUEST_REASON_NEEDED = "data-request.reason-needed"
    RECTIFY_NOTHING_CHANGED = "rectify.nothing-changed"
    ERASE_CASE_OPEN = "erase.case-open"
    ERASE_ITEM_WAITING = "erase.item-waiting"
    ERASE_ALREADY = "erase.already"
    ERASE_NOT_CONFIRMED = "erase.not-confirmed"


class Blocker(StrEnum):
    """What still stands between a case and the exchange."""

    NOT_ELIGIBLE = "not-eligible"
    PROCEEDINGS_OPEN = "proceedings-open"
    HARMED_NOT_SUITABLE = "harmed-not-suitable"
    RESPONSIBLE_NOT_SUITABLE = "responsible-not-suitable"
    RISK_NOT_ASSESSED = "risk-not-assessed"
    RISK_SIGN_OFF_NEEDED = "risk-sign-off-needed"
    RISK_SOMEONE_NEW = "risk-someone-new"
    HARMED_NO_CONSENT = "harmed-no-consent"
    RESPONSIBLE_NO_CONSENT = "responsible-no-consent"
    NO_COMMON_FORMAT = "no-common-format"
