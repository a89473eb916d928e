"""Turning an upload into clean bytes: no metadata kept, no plaintext ever on disk.

- spool.SealedSpool: where an upload waits, sealed under a key only memory holds.
- images.clean_image: pictures re-drawn from their pixels (JPEG or PNG).
- documents.pdf_pages: PDFs as PNG pictures of their pages; active content refused.
- av.clean_recording: audio and video through ffprobe and ffmpeg, streamed out.
- codes.read_codes: reply-sheet QR codes in a photo of a page.
- tools.missing: which of ffmpeg and ffprobe the server lacks.

Refusals are DomainErrors (refusals.MediaRefused) with a Problem code and a reason code.
No Flask and no SQLAlchemy here: the services call these functions.
"""

from portal.media.images import CleanImage
from portal.media.refusals import MediaRefused
from portal.media.spool import SealedSpool

__all__ = ["CleanImage", "MediaRefused", "SealedSpool"]
