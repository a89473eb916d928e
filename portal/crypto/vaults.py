"""Purpose-named sealing: the only crypto calls services make.

A `CaseVault` holds one case's data key and seals that case's letters and
details; a `DirectoryVault` seals account details under the directory key and
computes the blind index used to find an account by email.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from typing import Any
from uuid import UUID

from portal.crypto.envelope import Binding, seal, unseal
from portal.crypto.streams import MediaSealer

ACCOUNT_TABLE = "users"
INVITATION_TABLE = "invitations"
OUTBOX_TABLE = "outbox_messages"


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip().casefold()


def normalise_reference(reference: str) -> bytes:
    """Letters and digits only, case-folded: people write crime numbers with and without separators."""
    folded = unicodedata.normalize("NFKC", reference).casefold()
    return "".join(ch for ch in folded if ch.isalnum()).encode()


class CaseVault:
    """Seals and opens everything that belongs to one case, bound to that case."""

    def __init__(self, case_id: UUID, data_key: bytes):
        self.case_id = case_id
        self._key = data_key

    def _seal(self, table: str, row_id: UUID, field: str, text: str) -> bytes:
        return seal(self._key, text.encode(), Binding(table, row_id, field, self.case_id))

    def _open(self, table: str, row_id: UUID, field: str, sealed: bytes) -> str:
        return unseal(self._key, sealed, Binding(table, row_id, field, self.case_id)).decode()

    def _seal_json(self, table: str, row_id: UUID, field: str, value: object) -> bytes:
        return self._seal(table, row_id, field, json.dumps(value))

    def _open_json(self, table: str, row_id: UUID, field: str, sealed: bytes) -> object:
        return json.loads(self._open(table, row_id, field, sealed))

    def seal_letter(self, item_id: UUID, parts: list[str]) -> bytes:
        """An item's words: one text, or the questions, or one answer per question."""
        return self._seal_json("items", item_id, "parts", parts)

    def open_letter(self, item_id: UUID, sealed: bytes) -> list[str]:
        return self._open_json("items", item_id, "parts", sealed)  # type: ignore[return-value]

    def seal_redactions(self, item_id: UUID, redactions: list[dict[str, object]]) -> bytes:
        return self._seal_json("items", item_id, "redactions", redactions)

    def open_redactions(self, item_id: UUID, sealed: bytes) -> list[dict[str, Any]]:
        return self._open_json("items", item_id, "redactions", sealed)  # type: ignore[return-value]

    def seal_review_message(self, item_id: UUID, text: str) -> bytes:
        return self._seal("items", item_id, "message", text)

    def open_review_message(self, item_id: UUID, sealed: bytes) -> str:
        return self._open("items", item_id, "message", sealed)

    def seal_review_note(self, item_id: UUID, text: str) -> bytes:
        """One approver's note to the next, read only by the case's facilitators."""
        return self._seal("items", item_id, "review_note", text)

    def open_review_note(self, item_id: UUID, sealed: bytes) -> str:
        return self._open("items", item_id, "review_note", sealed)

    def seal_case_detail(self, field: str, text: str) -> bytes:
        return self._seal("cases", self.case_id, field, text)

    def open_case_detail(self, field: str, sealed: bytes) -> str:
        return self._open("cases", self.case_id, field, sealed)

    def seal_participant_detail(self, participant_id: UUID, field: str, text: str) -> bytes:
        """Names, relationships and display names of the people in a case."""
        return self._seal("participants", participant_id, field, text)

    def open_participant_detail(self, participant_id: UUID, field: str, sealed: bytes) -> str:
        return self._open("participants", participant_id, field, sealed)

    def seal_sensitive_terms(self, participant_id: UUID, terms: list[str]) -> bytes:
        return self._seal_json("participants", participant_id, "sensitive_terms", terms)

    def open_sensitive_terms(self, participant_id: UUID, sealed: bytes) -> list[str]:
        return self._open_json("participants", participant_id, "sensitive_terms", sealed)  # type: ignore[return-value]

    def seal_agreement_detail(self, action_id: UUID, text: str) -> bytes:
        return self._seal("agreement_actions", action_id, "details", text)

    def open_agreement_detail(self, action_id: UUID, sealed: bytes) -> str:
        return self._open("agreement_actions", action_id, "details", sealed)

    def seal_satisfaction_comment(self, answer_id: UUID, text: str) -> bytes:
        return self._seal("satisfaction_answers", answer_id, "comment", text)

    def open_satisfaction_comment(self, answer_id: UUID, sealed: bytes) -> str:
        return self._open("satisfaction_answers", answer_id, "comment", sealed)

    # --- The casework record: facilitators' words, never shown to participants ---

    def seal_assessment(self, assessment_id: UUID, details: dict[str, Any]) -> bytes:
        """An assessment's structured answers and reasons."""
        return self._seal_json("assessments", assessment_id, "details", details)

    def open_assessment(self, assessment_id: UUID, sealed: bytes) -> dict[str, Any]:
        return self._open_json("assessments", assessment_id, "details", sealed)  # type: ignore[return-value]

    def seal_case_note(self, note_id: UUID, text: str) -> bytes:
        return self._seal("case_notes", note_id, "body", text)

    def open_case_note(self, note_id: UUID, sealed: bytes) -> str:
        return self._open("case_notes", note_id, "body", sealed)

    def seal_contact(self, contact_id: UUID, details: dict[str, Any]) -> bytes:
        """With whom (when not a participant), how it went, the next step, how they feel."""
        return self._seal_json("contacts", contact_id, "details", details)

    def open_contact(self, contact_id: UUID, sealed: bytes) -> dict[str, Any]:
        return self._open_json("contacts", contact_id, "details", sealed)  # type: ignore[return-value]

    def seal_meeting(self, meeting_id: UUID, details: dict[str, Any]) -> bytes:
        """Where, the safety plan, and what happened."""
        return self._seal_json("meetings", meeting_id, "details", details)

    def open_meeting(self, meeting_id: UUID, sealed: bytes) -> dict[str, Any]:
        return self._open_json("meetings", meeting_id, "details", sealed)  # type: ignore[return-value]

    # --- Media: files sealed in chunks (portal.crypto.streams) ---

    def media_sealer(self, item_id: UUID, media_id: UUID) -> MediaSealer:
        """Seals and opens the chunks of one file, bound to its item and this case."""
        return MediaSealer(self.case_id, item_id, media_id, self._key)


class ReferralVault:
    """Seals one self-referral under a data key of its own, from the moment it arrives."""

    TABLE = "self_referrals"

    def __init__(self, referral_id: UUID, data_key: bytes):
        self.referral_id = referral_id
        self._key = data_key

    def seal_self_referral(self, details: dict[str, Any]) -> bytes:
        text = json.dumps(details).encode()
        return seal(self._key, text, Binding(self.TABLE, self.referral_id, "details"))

    def open_self_referral(self, sealed: bytes) -> dict[str, Any]:
        return json.loads(unseal(self._key, sealed, Binding(self.TABLE, self.referral_id, "details")))


class DirectoryVault:
    """Seals account details and indexes emails without storing them in the clear."""

    def __init__(self, directory_key: bytes, index_key: bytes):
        self._key = directory_key
        self._index_key = index_key

    def email_index(self, email: str) -> bytes:
        """HMAC-SHA256 of the normalised email: equal emails give equal indexes, nothing more."""
        return hmac.new(self._index_key, normalise_email(email).encode(), hashlib.sha256).digest()

    def reference_index(self, reference: str) -> bytes:
        """HMAC of a referral's reference, normalised so "AB/123/26" finds "ab 123 26"; kept
        apart from email indexes by its prefix."""
        return hmac.new(
            self._index_key, b"referral-reference\x00" + normalise_reference(reference), hashlib.sha256
        ).digest()

    def seal_account_detail(self, user_id: UUID, field: str, text: str) -> bytes:
        return seal(self._key, text.encode(), Binding(ACCOUNT_TABLE, user_id, field))

    def open_account_detail(self, user_id: UUID, field: str, sealed: bytes) -> str:
        return unseal(self._key, sealed, Binding(ACCOUNT_TABLE, user_id, field)).decode()

    def seal_invitation_detail(self, invitation_id: UUID, field: str, text: str) -> bytes:
        return seal(self._key, text.encode(), Binding(INVITATION_TABLE, invitation_id, field))

    def open_invitation_detail(self, invitation_id: UUID, field: str, sealed: bytes) -> str:
        return unseal(self._key, sealed, Binding(INVITATION_TABLE, invitation_id, field)).decode()

    def seal_outbox_detail(self, message_id: UUID, field: str, text: str) -> bytes:
        """A notification's address or one-time link, until the worker has sent it."""
        return seal(self._key, text.encode(), Binding(OUTBOX_TABLE, message_id, field))

    def open_outbox_detail(self, message_id: UUID, field: str, sealed: bytes) -> str:
        return unseal(self._key, sealed, Binding(OUTBOX_TABLE, message_id, field)).decode()
