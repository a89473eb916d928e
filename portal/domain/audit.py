"""What the audit trail can record: a fixed list of actions, never a free string.

Each event names one of these, who did it, to which object, and how it ended; never content.
The web layer gives each action a plain label (a test fails if one has none).
"""

from __future__ import annotations

from enum import StrEnum

from portal.domain.enums import AssessmentKind, ConsentFormat, ReviewDecision, Side, Stage


class AuditAction(StrEnum):
    # Accounts and sessions
    ACCOUNT_CREATE = "account.create"
    SIGN_IN = "sign-in"
    SIGN_IN_CODE = "sign-in.code"
    SIGN_OUT = "sign-out"
    LEAVE_SITE = "sign-out.leave-site"
    SIGN_OUT_EVERYWHERE = "account.sign-out-everywhere"
    TOTP_ENROLLED = "account.totp-enrolled"
    TOTP_REMOVED = "account.totp-removed"
    PASSWORD_CHANGE = "account.password-change"  # noqa: S105 - an action name, not a password
    DELAY_CLEARED = "account.delay-cleared"
    ACCOUNT_REACTIVATE = "account.reactivate"
    ACCOUNT_DEACTIVATE = "account.deactivate"
    INVITATION_CREATE = "invitation.create"
    INVITATION_ACCEPT = "invitation.accept"
    PASSWORD_RESET_REQUEST = "account.password-reset-request"  # noqa: S105 - an action name
    PASSWORD_RESET = "account.password-reset"  # noqa: S105 - an action name
    NOTIFICATION_PREFERENCES = "account.notification-preferences"
    NOTIFICATION_FAIL = "notification.fail"
    NOTIFICATION_RETRY = "notification.retry"
    # Keys and stored values
    KEYS_ROTATE = "keys.rotate"
    KEYS_REWRAP = "keys.rewrap"
    KEYS_RETIRE = "keys.retire"
    AUDIT_CHAIN_BROKEN = "audit.chain-broken"  # found by `audit verify`: an event edited or removed
    AUDIT_TRUNCATED = "audit.truncated"  # the newest events are gone: the signed head is missing
    AUDIT_ANCHOR_TAMPERED = "audit.anchor-tampered"  # the anchor file fails its signature, or vanished
    AUDIT_ANCHOR_STARTED = "audit.anchor-started"  # the first head signed into an (empty) anchor file
    BACKUP_CREATE = "backup.create"
    BACKUP_RESTORE = "backup.restore"
    CRYPTO_OPEN = "crypto.open"
    # Cases and people
    CASE_OPEN = "case.open"
    CASE_ASSIGN = "case.assign"
    CASE_RISK_ASSESSED = "case.risk-assessed"
    CASE_STAGE_REFERRAL = "case.stage.referral"
    CASE_STAGE_ASSESSMENT = "case.stage.assessment"
    CASE_STAGE_PREPARATION = "case.stage.preparation"
    CASE_STAGE_EXCHANGE = "case.stage.exchange"
    CASE_STAGE_AGREEMENT = "case.stage.agreement"
    CASE_STAGE_FOLLOW_UP = "case.stage.follow_up"
    CASE_STAGE_CLOSED = "case.stage.closed"
    CASE_STAGE_PAUSED = "case.stage.paused"
    CASE_STAGE_WITHDRAWN = "case.stage.withdrawn"
    PARTICIPANT_ADD = "participant.add"
    PARTICIPANT_WITHDRAW = "participant.withdraw"
    PARTICIPANT_REJOIN = "participant.rejoin"
    CONSENT_GIVE_LETTERS = "consent.give.letters"
    CONSENT_GIVE_QUESTIONS = "consent.give.questions"
    CONSENT_GIVE_SHUTTLE = "consent.give.shuttle"
    CONSENT_GIVE_MEETING = "consent.give.meeting"
    CONSENT_GIVE_RECORDINGS = "consent.give.recordings"
    CONSENT_WITHDRAW_LETTERS = "consent.withdraw.letters"
    CONSENT_WITHDRAW_QUESTIONS = "consent.withdraw.questions"
    CONSENT_WITHDRAW_SHUTTLE = "consent.withdraw.shuttle"
    CONSENT_WITHDRAW_MEETING = "consent.withdraw.meeting"
    CONSENT_WITHDRAW_RECORDINGS = "consent.withdraw.recordings"
    # Items
    ITEM_START = "item.start"
    ITEM_SAVE = "item.save"
    ITEM_CONFIRM = "item.confirm"
    ITEM_SUBMIT = "item.submit"
    ITEM_TAKE_BACK = "item.take-back"
    ITEM_REVIEW_APPROVE = "item.review.approve"
    ITEM_REVIEW_REDACT = "item.review.redact"
    ITEM_REVIEW_RETURN = "item.review.return"
    ITEM_REVIEW_WITHHOLD = "item.review.withhold"
    ITEM_FINDINGS_LEFT_IN = "item.review.findings-left-in"
    ITEM_REVIEW_CHANGE = "item.review.change"  # an approver changed the removals: earlier approvals lapse
    ITEM_SCHEDULE = "item.schedule"
    ITEM_RELEASE = "item.release"
    ITEM_LIFT_HOLD = "item.lift-hold"
    ITEM_VIEW = "item.view"
    ITEM_OPEN = "item.open"
    ITEM_HOLD_REQUEST = "item.hold-request"
    ITEM_DESTROY_REQUEST = "item.destroy-request"
    # Media (portal.services.media): every look at a file is audited like a look at a letter
    MEDIA_ADD = "media.add"
    MEDIA_REMOVE = "media.remove"
    MEDIA_OPEN = "media.open"  # a file streamed to someone (once per viewing page, not per range)
    MEDIA_SHOWN_ON_DEVICE = "media.shown-on-device"  # an offline recipient watched it on a service device
    MEDIA_SCAN_FILED = "media.scan-filed"  # a scanned reply sheet filed under its case and item
    MEDIA_SCAN_CHOICE = "media.scan-choice"  # the facilitator chose to pass a scan on with the reply
    # The outcome agreement
    AGREEMENT_DRAFT = "agreement.draft"
    AGREEMENT_AGREE_HARMED = "agreement.agree.harmed"
    AGREEMENT_AGREE_RESPONSIBLE = "agreement.agree.responsible"
    AGREEMENT_ACTION_DONE = "agreement.action.done"
    SATISFACTION_ANSWER = "satisfaction.answer"
    # The casework record
    ASSESSMENT_ELIGIBILITY = "assessment.eligibility"
    ASSESSMENT_SUITABILITY = "assessment.suitability"
    ASSESSMENT_RISK = "assessment.risk"
    ASSESSMENT_SIGN_OFF = "assessment.sign-off"
    NOTE_ADD = "note.add"
    SUPERVISION_RECORD = "note.supervision"
    CASE_SUPERVISION_READ = "case.supervision-read"  # a supervisor read a supervisee's case
    CONTACT_RECORD = "contact.record"
    MEETING_PLAN = "meeting.plan"
    MEETING_CHANGE = "meeting.change"
    MEETING_HOLD = "meeting.held"
    MEETING_CANCEL = "meeting.cancel"
    SELF_REFERRAL_RECEIVE = "self-referral.receive"
    SELF_REFERRAL_VIEW = "self-referral.view"
    SELF_REFERRAL_OPEN_CASE = "self-referral.open-case"
    SELF_REFERRAL_CLOSE = "self-referral.close"
    SETTINGS_CHANGE = "settings.change"
    STAFF_SENIOR = "account.senior"
    STAFF_SUPERVISOR = "account.supervisor"
    # Data protection: the audit view, a person's own data, retention
    AUDIT_VIEW = "audit.view"  # a manager or supervisor read the audit trail
    AUDIT_EXPORT = "audit.export"  # ... and downloaded it as CSV
    SUBJECT_EXPORT = "subject-access.export"  # everything the portal holds about one person
    PARTICIPANT_RECTIFY = "participant.rectify"  # a person's details corrected on their request
    PARTICIPANT_ERASE = "participant.erase"  # a person's details erased on their request
    ITEM_ERASE = "item.erase"  # an item's words removed for good (a destroy request, or erasure)
    CASE_HOLD = "case.hold"  # a legal hold: the case is not deleted at the end of retention
    CASE_HOLD_LIFT = "case.hold-lift"
    CASE_SHRED = "case.shred"  # deleted at the end of retention: its data key destroyed
    SELF_REFERRAL_SHRED = "self-referral.shred"

    @classmethod
    def stage(cls, to: Stage) -> AuditAction:
        return cls(f"case.stage.{to.value}")

    @classmethod
    def consent(cls, consent_format: ConsentFormat, given: bool) -> AuditAction:
        return cls(f"consent.{'give' if given else 'withdraw'}.{consent_format.value}")

    @classmethod
    def review(cls, decision: ReviewDecision) -> AuditAction:
        return cls(f"item.review.{decision.value}")

    @classmethod
    def assessment(cls, kind: AssessmentKind) -> AuditAction:
        return cls(f"assessment.{kind.value}")

    @classmethod
    def agree(cls, side: Side) -> AuditAction:
        return cls(f"agreement.agree.{side.value}")


class AuditOutcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DELAYED = "delayed"
    BLOCKED = "blocked"
    TAMPERED = "tampered"


# The events that move a case into a stage: opening it (referral), and each move.
STAGE_MOVES: dict[str, Stage] = {AuditAction.CASE_OPEN.value: Stage.REFERRAL} | {
    AuditAction.stage(stage).value: stage for stage in Stage
}

# Events that record only that something was read or signed in to: they change nothing that
# cases, items, meetings or agreements hold (a report's memo need not start again for them).
READINGS: frozenset[AuditAction] = frozenset(
    {
        AuditAction.ITEM_VIEW,
        AuditAction.MEDIA_OPEN,
        AuditAction.CASE_SUPERVISION_READ,
        AuditAction.SELF_REFERRAL_VIEW,
        AuditAction.AUDIT_VIEW,
        AuditAction.AUDIT_EXPORT,
        AuditAction.SUBJECT_EXPORT,
        AuditAction.SIGN_IN,
        AuditAction.SIGN_IN_CODE,
        AuditAction.SIGN_OUT,
        AuditAction.LEAVE_SITE,
    }
)
