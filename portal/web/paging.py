"""Which page of a list a request asks for: `?page=3` (or another name), never an error."""

from __future__ import annotations

from flask import request

LAST_PAGE_ASKED = 1_000_000  # past the end is clamped by the service to the last page


def page_number(name: str = "page") -> int:
    """The page asked for; anything that is not a number is the first page."""
    try:
        return max(1, min(int(request.args.get(name, "1")), LAST_PAGE_ASKED))
    except ValueError:
        return 1
