"""Safety screening for letters: finds identifying details and concerns for the facilitator,
and gives the writer gentle advice. Plain Python, so it runs in the web app, the CLI and tests
alike without an app context.
"""

from portal.screening.findings import CONCERN, IDENTIFYING, Finding
from portal.screening.notes import WriterNote, writer_notes
from portal.screening.screener import screen

__all__ = ["CONCERN", "IDENTIFYING", "Finding", "WriterNote", "screen", "writer_notes"]
