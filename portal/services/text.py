"""Text as people write it: markup stripped on the way in, paragraphs kept, escaped on the way out."""

from __future__ import annotations

import html

import bleach


def clean_text(text: str) -> str:
    """Plain text with paragraphs: no markup survives, line endings are made uniform."""
    stripped = bleach.clean(text.replace("\r\n", "\n").replace("\r", "\n"), tags=set(), attributes={}, strip=True)
    lines = [line.rstrip() for line in html.unescape(stripped).split("\n")]
    return "\n".join(lines).strip("\n")
