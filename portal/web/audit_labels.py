"""Each audit action in plain words, for the case history and the audit views."""

from __future__ import annotations

from portal.domain.audit import AuditAction as A

LABELS: dict[A, str] = {
    A.ACCOUNT_CREATE: "Account created",
    A.SIGN_IN: "Signed in",
    A.SIGN_IN_CODE: "Authenticator code tried",
    A.SIGN_OUT: "Signed out",
    A.LEAVE_SITE: "Left the site quickly (signed out)",
    A.SIGN_OUT_EVERYWHERE: "Signed out everywhere",
    A.TOTP_ENROLLED: "Authenticator app set up",
    A.TOTP_REMOVED: "Authenticator app removed",
    A.PASSWORD_CHANGE: "Password changed",
    A.DELAY_CLEARED: "Sign-in delay cleared",
    A.ACCOUNT_REACTIVATE: "Account switched on",
    A.ACCOUNT_DEACTIVATE: "Account switched off",
    A.INVITATION_CREATE: "Invitation link made",
    A.INVITATION_ACCEPT: "Invitation accepted",
    A.KEYS_ROTATE: "New key-encryption key added",
    A.KEYS_REWRAP: "Data keys re-wrapped",
    A.CRYPTO_OPEN: "A stored value failed to open",
    A.CASE_OPEN: "Case opened",
    A.CASE_ASSIGN: "Facilitator added",
    A.CASE_RISK_ASSESSED: "Risk assessment recorded",
    A.CASE_STAGE_REFERRAL: "Case moved to: referral",
    A.CASE_STAGE_ASSESSMENT: "Case moved to: assessment",
    A.CASE_STAGE_PREPARATION: "Case moved to: preparation",
    A.CASE_STAGE_EXCHANGE: "Case moved to: exchange",
    A.CASE_STAGE_AGREEMENT: "Case moved to: agreement",
    A.CASE_STAGE_FOLLOW_UP: "Case moved to: follow-up",
    A.CASE_STAGE_CLOSED: "Case closed",
    A.CASE_STAGE_PAUSED: "Case paused",
    A.CASE_STAGE_WITHDRAWN: "Case moved to: withdrawn",
    A.PARTICIPANT_ADD: "Person added",
    A.PARTICIPANT_WITHDRAW: "Someone stopped taking part",
    A.PARTICIPANT_REJOIN: "Someone rejoined",
    A.CONSENT_GIVE_LETTERS: "Consent given: letters",
    A.CONSENT_GIVE_QUESTIONS: "Consent given: questions and answers",
    A.CONSENT_GIVE_SHUTTLE: "Consent given: messages through the facilitator",
    A.CONSENT_GIVE_MEETING: "Consent given: a meeting",
    A.CONSENT_WITHDRAW_LETTERS: "Consent withdrawn: letters",
    A.CONSENT_WITHDRAW_QUESTIONS: "Consent withdrawn: questions and answers",
    A.CONSENT_WITHDRAW_SHUTTLE: "Consent withdrawn: messages through the facilitator",
    A.CONSENT_WITHDRAW_MEETING: "Consent withdrawn: a meeting",
    A.ITEM_START: "Draft started",
    A.ITEM_SAVE: "Draft saved",
    A.ITEM_CONFIRM: "Note confirmed",
    A.ITEM_SUBMIT: "Sent for review",
    A.ITEM_TAKE_BACK: "Taken back by the writer",
    A.ITEM_REVIEW_APPROVE: "Approved",
    A.ITEM_REVIEW_REDACT: "Approved with passages removed",
    A.ITEM_REVIEW_RETURN: "Returned for changes",
    A.ITEM_REVIEW_WITHHOLD: "Withheld",
    A.ITEM_FINDINGS_LEFT_IN: "Screening findings left in after checking",
    A.ITEM_SCHEDULE: "Set to be passed on later",
    A.ITEM_RELEASE: "Passed on",
    A.ITEM_LIFT_HOLD: "Hold lifted",
    A.ITEM_VIEW: "Read",
    A.ITEM_OPEN: "Opened by the reader",
    A.ITEM_HOLD_REQUEST: "Reader asked for it to be kept",
    A.ITEM_DESTROY_REQUEST: "Reader asked for it to be destroyed",
    A.AGREEMENT_DRAFT: "Agreement drafted",
    A.AGREEMENT_AGREE_HARMED: "Agreement accepted by the person harmed's side",
    A.AGREEMENT_AGREE_RESPONSIBLE: "Agreement accepted by the person responsible's side",
    A.AGREEMENT_ACTION_DONE: "Agreed action done",
    A.SATISFACTION_ANSWER: "Satisfaction answered",
}


def audit_label(action: str) -> str:
    """The label of a stored action; an unknown one (from a newer or older version) shows as stored."""
    try:
        return LABELS[A(action)]
    except ValueError:
        return action
