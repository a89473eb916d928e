"""Safety screening for letters: finds identifying details and concerns for the facilitator,
restorative guidance to raise with the writer, and gentle advice for the writer. Plain Python,
so it runs in the web app, the CLI and tests alike without an app context.
"""

from portal.screening.findings import CONCERN, IDENTIFYING, Finding
from portal.screening.guidance import CHECK_BEFORE_RELEASE, GUIDANCE, find_guidance
from portal.screening.notes import WriterNote, sentence_around, writer_notes
from portal.screening.screener import screen

__all__ = [
    "CHECK_BEFORE_RELEASE",
    "CONCERN",
    "GUIDANCE",
    "IDENTIFYING",
    "Finding",
    "WriterNote",
    "find_guidance",
    "screen",
    "sentence_around",
    "writer_notes",
]
