"""Each audit action in plain words, for the case history and the audit views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.domain.audit import AuditAction as A

LABELS: dict[A, object] = {
    A.ACCOUNT_CREATE: _l("Account created"),
    A.SIGN_IN: _l("Signed in"),
    A.SIGN_IN_CODE: _l("Authenticator code tried"),
    A.SIGN_OUT: _l("Signed out"),
    A.LEAVE_SITE: _l("Left the site quickly (signed out)"),
    A.SIGN_OUT_EVERYWHERE: _l("Signed out everywhere"),
    A.TOTP_ENROLLED: _l("Authenticator app set up"),
    A.TOTP_REMOVED: _l("Authenticator app removed"),
    A.PASSWORD_CHANGE: _l("Password changed"),
    A.DELAY_CLEARED: _l("Sign-in delay cleared"),
    A.ACCOUNT_REACTIVATE: _l("Account switched on"),
    A.ACCOUNT_DEACTIVATE: _l("Account switched off"),
    A.INVITATION_CREATE: _l("Invitation link made"),
    A.INVITATION_ACCEPT: _l("Invitation accepted"),
    A.PASSWORD_RESET_REQUEST: _l("New password asked for by email"),
    A.PASSWORD_RESET: _l("New password chosen from an emailed link"),
    A.NOTIFICATION_PREFERENCES: _l("Notification choices changed"),
    A.NOTIFICATION_FAIL: _l("A notification could not be sent"),
    A.NOTIFICATION_RETRY: _l("A notification was sent again"),
    A.KEYS_ROTATE: _l("New key-encryption key added"),
    A.KEYS_REWRAP: _l("Data keys re-wrapped"),
    A.CRYPTO_OPEN: _l("A stored value failed to open"),
    A.CASE_OPEN: _l("Case opened"),
    A.CASE_ASSIGN: _l("Facilitator added"),
    A.CASE_RISK_ASSESSED: _l("Risk assessment recorded"),
    A.CASE_STAGE_REFERRAL: _l("Case moved to: referral"),
    A.CASE_STAGE_ASSESSMENT: _l("Case moved to: assessment"),
    A.CASE_STAGE_PREPARATION: _l("Case moved to: preparation"),
    A.CASE_STAGE_EXCHANGE: _l("Case moved to: exchange"),
    A.CASE_STAGE_AGREEMENT: _l("Case moved to: agreement"),
    A.CASE_STAGE_FOLLOW_UP: _l("Case moved to: follow-up"),
    A.CASE_STAGE_CLOSED: _l("Case closed"),
    A.CASE_STAGE_PAUSED: _l("Case paused"),
    A.CASE_STAGE_WITHDRAWN: _l("Case moved to: withdrawn"),
    A.PARTICIPANT_ADD: _l("Person added"),
    A.PARTICIPANT_WITHDRAW: _l("Someone stopped taking part"),
    A.PARTICIPANT_REJOIN: _l("Someone rejoined"),
    A.CONSENT_GIVE_LETTERS: _l("Consent given: letters"),
    A.CONSENT_GIVE_QUESTIONS: _l("Consent given: questions and answers"),
    A.CONSENT_GIVE_SHUTTLE: _l("Consent given: messages through the facilitator"),
    A.CONSENT_GIVE_MEETING: _l("Consent given: a meeting"),
    A.CONSENT_WITHDRAW_LETTERS: _l("Consent withdrawn: letters"),
    A.CONSENT_WITHDRAW_QUESTIONS: _l("Consent withdrawn: questions and answers"),
    A.CONSENT_WITHDRAW_SHUTTLE: _l("Consent withdrawn: messages through the facilitator"),
    A.CONSENT_WITHDRAW_MEETING: _l("Consent withdrawn: a meeting"),
    A.ITEM_START: _l("Draft started"),
    A.ITEM_SAVE: _l("Draft saved"),
    A.ITEM_CONFIRM: _l("Note confirmed"),
    A.ITEM_SUBMIT: _l("Sent for review"),
    A.ITEM_TAKE_BACK: _l("Taken back by the writer"),
    A.ITEM_REVIEW_APPROVE: _l("Approved"),
    A.ITEM_REVIEW_REDACT: _l("Approved with passages removed"),
    A.ITEM_REVIEW_RETURN: _l("Returned for changes"),
    A.ITEM_REVIEW_WITHHOLD: _l("Withheld"),
    A.ITEM_FINDINGS_LEFT_IN: _l("Screening findings left in after checking"),
    A.ITEM_REVIEW_CHANGE: _l("Changed what is removed: it needs approving again"),
    A.ITEM_SCHEDULE: _l("Set to be passed on later"),
    A.ITEM_RELEASE: _l("Passed on"),
    A.ITEM_LIFT_HOLD: _l("Hold lifted"),
    A.ITEM_VIEW: _l("Read"),
    A.ITEM_OPEN: _l("Opened by the reader"),
    A.ITEM_HOLD_REQUEST: _l("Reader asked for it to be kept"),
    A.ITEM_DESTROY_REQUEST: _l("Reader asked for it to be destroyed"),
    A.AGREEMENT_DRAFT: _l("Agreement drafted"),
    A.AGREEMENT_AGREE_HARMED: _l("Agreement accepted by the person harmed's side"),
    A.AGREEMENT_AGREE_RESPONSIBLE: _l("Agreement accepted by the person responsible's side"),
    A.AGREEMENT_ACTION_DONE: _l("Agreed action done"),
    A.SATISFACTION_ANSWER: _l("Satisfaction answered"),
}


def audit_label(action: str) -> str:
    """The label of a stored action; an unknown one (from a newer or older version) shows as stored."""
    try:
        return str(LABELS[A(action)])
    except ValueError:
        return action
