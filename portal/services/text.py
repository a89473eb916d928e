"""Text as people write it: stored exactly as typed, escaped on the way out (Jinja's autoescape).

Nothing is stripped or decoded: "if a<b and c>d" stays as written, and "&lt;" stays those four
characters. Only line endings are made uniform, since browsers send a textarea's lines as
"\r\n". Control characters never get this far: the web layer refuses them with a message.
"""

from __future__ import annotations


def as_typed(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
