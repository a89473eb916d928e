"""PDFs kept as pictures of their pages, never as PDFs.

A PDF can carry scripts, forms that phone home, embedded files and metadata naming its author
and software. The portal keeps only what a reader sees: each page drawn by pdfium to pixels
and re-encoded as a PNG with no metadata. PDFs with active content (JavaScript, forms,
embedded files, launch actions) are refused rather than flattened: a person sending such a
file to the other side of a restorative process is unusual enough to be looked at.
"""

from __future__ import annotations

import math
import re
import threading
import zlib

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from portal.domain.problems import Problem
from portal.media.images import CleanImage, encode
from portal.media.refusals import MediaRefused, empty, unreadable

DPI = 150
MAX_WIDTH_PX = 1700
MAX_PAGE_PIXELS = 12_000_000  # a very tall page is drawn smaller rather than exhausting memory
_INFLATE_BUDGET = 64 * 1024 * 1024  # object streams inflated for the scan, in all

# Names that mean active content or files inside the file, wherever they occur in the syntax.
_ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"AcroForm",
        b"XFA",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"FileAttachment",
        b"Launch",
        b"RichMedia",
    }
)
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"  # PDF's regular characters: not white space, not delimiters
_LEX = re.compile(
    rb"(?P<string>\()|(?P<comment>%)|(?P<dict><<|>>)|(?P<hex><)"
    rb"|(?P<name>/" + _REGULAR + rb"*)"
    rb"|(?<!" + _REGULAR + rb")(?:(?P<stream>stream(?:\r\n|\n|\r))|(?P<obj>obj)(?!" + _REGULAR + rb"))"
)
_STRING_SPECIAL = re.compile(rb"[()\\]")
_EOL = re.compile(rb"\r\n|\n|\r")
_DIRECT_INT = re.compile(rb"\s+(\d+)(?!\d)(?!\s+\d+\s+R)")  # /Length 120, not /Length 12 0 R
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

# pdfium is not thread-safe; one document at a time in this process.
_PDFIUM = threading.Lock()


def pdf_pages(data: bytes, max_pages: int) -> list[CleanImage]:
    """Render every page (about 150 dpi, at most 1700 px wide) to a clean PNG.

    Refused: PDFs with JavaScript, forms (AcroForm or XFA) or embedded files (MEDIA_UNREADABLE,
    reason "pdf-active-content"), more than max_pages pages (MEDIA_PDF_TOO_MANY_PAGES with the
    limit), encrypted or broken files (MEDIA_UNREADABLE), and PDFs with no pages (MEDIA_EMPTY).
    """
    if not data:
        raise empty()
    reason = active_content(data)
    if reason is not None:
        raise unreadable(reason)
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except Exception:  # pdfium's errors say nothing useful and may quote the file
            raise unreadable("pdf-not-openable") from None
        try:
            _refuse_active(document)
            count = len(document)
            if count == 0:
                raise empty()
            if count > max_pages:
                raise MediaRefused(Problem.MEDIA_PDF_TOO_MANY_PAGES, "pdf-too-many-pages", limit=max_pages)
            return [_render(document, index) for index in range(count)]
        finally:
            document.close()


def active_content(data: bytes) -> str | None:
    """Why this PDF is refused before pdfium sees it ("pdf-active-content", "pdf-encrypted"), or None.

    pdfium's own counts (form type, document JavaScript, attachments) are checked too, but
    they miss actions such as an /OpenAction script, so the PDF's names are read here: by a
    small lexer that knows literal strings, hex strings and comments (a name inside a string
    is not a name, and a string cannot hide one), skips stream bodies (drawing and images, not
    structure) and reads inside Flate-compressed object streams. Names written with #xx
    escapes (/J#61vaScript) are decoded first. Encrypted PDFs are refused: their object
    streams cannot be read, so what they hold cannot be checked.
    """
    names = _names(data, budget=[_INFLATE_BUDGET])
    if names is None or names & _ACTIVE_NAMES:
        return "pdf-active-content"
    if b"Encrypt" in names:
        return "pdf-encrypted"
    return None


def has_active_content(data: bytes) -> bool:
    """Whether active_content would refuse this PDF."""
    return active_content(data) is not None


def _names(data: bytes, budget: list[int]) -> set[bytes] | None:
    """Every name in the syntax, object streams included; None if inflating passed the budget."""
    found: set[bytes] = set()
    since_obj: set[bytes] = set()  # names of the object being read: is its stream an object stream?
    length: int | None = None  # the object's direct /Length, to skip its stream exactly
    position = 0
    while True:
        match = _LEX.search(data, position)
        if match is None:
            return found
        kind = match.lastgroup
        position = match.end()
        if kind == "string":
            position = _after_string(data, position)
        elif kind == "comment":
            eol = _EOL.search(data, position)
            position = len(data) if eol is None else eol.end()
        elif kind == "hex":
            close = data.find(b">", position)
            position = len(data) if close < 0 else close + 1
        elif kind == "name":
            name = _unescape(match.group("name")[1:])
            found.add(name)
            since_obj.add(name)
            if name == b"Length":
                direct = _DIRECT_INT.match(data, position)
                length = int(direct.group(1)) if direct is not None else None
        elif kind == "obj":
            since_obj, length = set(), None
        elif kind == "stream":
            body_end = -1
            if length is not None and data[position + length : position + length + 12].lstrip().startswith(
                b"endstream"
            ):
                body_end = position + length
            if body_end < 0:
                body_end = data.find(b"endstream", position)
                body_end = len(data) if body_end < 0 else body_end
            if b"ObjStm" in since_obj and b"FlateDecode" in since_obj:
                try:
                    inflated = zlib.decompressobj().decompress(data[position:body_end], budget[0] + 1)
                except zlib.error:
                    inflated = b""
                budget[0] -= len(inflated)
                if budget[0] < 0:
                    return None  # a PDF whose structure inflates past the budget is not a letter's attachment
                inner = _names(inflated, budget)
                if inner is None:
                    return None
                found |= inner
            position = body_end + len(b"endstream")
            since_obj, length = set(), None


def _after_string(data: bytes, position: int) -> int:
    """The position after a literal string that opened just before `position` (nested parens, escapes)."""
    depth = 1
    while depth:
        match = _STRING_SPECIAL.search(data, position)
        if match is None:
            return len(data)
        character = match.group()
        if character == b"\\":
            position = match.end() + 1
            continue
        depth += 1 if character == b"(" else -1
        position = match.end()
    return position


def _unescape(name: bytes) -> bytes:
    return _HEX_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), name)


def _refuse_active(document: pdfium.PdfDocument) -> None:
    if document.get_formtype() != pdfium_c.FORMTYPE_NONE:
        raise unreadable("pdf-active-content")
    if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document) > 0:
        raise unreadable("pdf-active-content")
    if document.count_attachments() > 0:
        raise unreadable("pdf-active-content")


def _render(document: pdfium.PdfDocument, index: int) -> CleanImage:
    page = document[index]
    try:
        width_pt, height_pt = page.get_size()
        if width_pt <= 0 or height_pt <= 0:
            raise unreadable("pdf-page-size")
        scale = min(DPI / 72, MAX_WIDTH_PX / width_pt, math.sqrt(MAX_PAGE_PIXELS / (width_pt * height_pt)))
        bitmap = page.render(scale=scale, may_draw_forms=False)
        try:
            # to_pil shares the bitmap's memory: encode (which copies the pixels) before closing.
            return encode(bitmap.to_pil(), "PNG")
        finally:
            bitmap.close()
    except MediaRefused:
        raise
    except Exception:  # a page pdfium cannot draw refuses the file, quietly
        raise unreadable("pdf-page-not-drawable") from None
    finally:
        page.close()
