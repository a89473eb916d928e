"""What the screener reports: a category and the exact span of the letter it covers."""

from __future__ import annotations

from dataclasses import dataclass

IDENTIFYING: frozenset[str] = frozenset(
    {
        "phone",
        "email",
        "postcode",
        "address",
        "url",
        "social_handle",
        "vehicle_reg",
        "ni_number",
        "prison_number",
        "bank",
        "date_of_birth",
        "sensitive_term",
    }
)
"""Details that could let one party find or recognise the other; the facilitator redacts them."""

CONCERN: frozenset[str] = frozenset({"threat", "contact_request"})
"""Language the facilitator must read before anything is passed on; never redacted automatically."""


@dataclass(frozen=True)
class Finding:
    """One flagged span; start/end are Python str offsets so the UI can highlight it exactly."""

    category: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, str | int]:
        """The JSON shape the CLI and the facilitator's review page share."""
        return {"category": self.category, "start": self.start, "end": self.end, "text": self.text}
