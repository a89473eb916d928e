"""Steps of the exchange as a person takes them in the browser (the Flask test client)."""

from __future__ import annotations

import re
import uuid

from tests.helpers import Browser

_ITEM_URL = re.compile(r"/cases/[0-9a-f-]+/items/([0-9a-f-]+)/edit$")


def start(
    browser: Browser,
    case_id: uuid.UUID,
    kind: str,
    *,
    author: uuid.UUID | None = None,
    question_set: uuid.UUID | None = None,
    from_page: str | None = None,
) -> uuid.UUID:
    data = {"kind": kind, "author": "", "question_set": ""}
    if author:
        data["author"] = str(author)
    if question_set:
        data["question_set"] = str(question_set)
    response = browser.submit(f"/cases/{case_id}/items/new", data, from_page=from_page or f"/cases/{case_id}/inbox")
    match = _ITEM_URL.search(response.location or "")
    assert match, f"no draft was started: {response.status_code} {browser.text()[:200]}"
    return uuid.UUID(match.group(1))


def write(browser: Browser, case_id: uuid.UUID, item_id: uuid.UUID, *parts: str, send: bool = False):
    url = f"/cases/{case_id}/items/{item_id}/edit"
    return browser.submit(url, {"part": list(parts), "action": "submit" if send else "save"})


def review_keys(browser: Browser, case_id: uuid.UUID, item_id: uuid.UUID, *, ticked: bool = False) -> list[str]:
    """The removals the review page offers (or only those it shows ticked, as a browser sends them)."""
    page = browser.get(f"/cases/{case_id}/items/{item_id}/review").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="suggestion" value="([^"]+)"([^>]*)>', page)
    return [key for key, rest in boxes if not ticked or "checked" in rest]


def page_version(browser: Browser) -> str:
    """The version of the item the page shows, as its form sends it."""
    match = re.search(r'name="seen"[^>]*value="([0-9]*)"', browser.text())
    return match.group(1) if match else ""


def decide(browser: Browser, case_id: uuid.UUID, item_id: uuid.UUID, decision: str, **fields):
    """Open the review page, then record a decision on the version it shows, sending the
    removals as the page ticks them unless told otherwise (as a browser would)."""
    url = f"/cases/{case_id}/items/{item_id}/review"
    keys = review_keys(browser, case_id, item_id, ticked=True)
    data = {"decision": decision, "suggestion": fields.pop("suggestion", keys), "step": "decide", **fields}
    return browser.post(url, data)


def release_now(browser: Browser, case_id: uuid.UUID, item_id: uuid.UUID):
    url = f"/cases/{case_id}/items/{item_id}/release"
    browser.get(url)
    return browser.post(url, {"when": "now"})


def open_letter(browser: Browser, case_id: uuid.UUID, item_id: uuid.UUID, tell_writer: bool = False) -> str:
    url = f"/cases/{case_id}/items/{item_id}"
    data = {"tell_writer": "yes"} if tell_writer else {}
    browser.submit(f"{url}/open", data, from_page=url)
    return browser.get(url).get_data(as_text=True)
