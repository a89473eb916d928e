"""Uploads, only where a view says so.

Every other view refuses a multipart body unread (portal.web.security). A view marked with
`takes_upload` gets, before anything else reads its body:

- a limit on each file from the service's own limits (a recording's, or a picture's): past it
  the file's bytes are dropped as they arrive and it is refused with the "too big" sentence,
  while the words sent with it are still read and kept; only a body past what the proxy takes
  (BODY_CEILING) is refused by its stated length before a byte is read, with the page again;
- its file parts spooled into SealedSpools (sealed under a key only memory holds), never into
  a plain temporary file, so an upload is never on the server's disk in the clear;
- the same refusal of NUL and control bytes as every other form, in its other fields.

Nothing is parsed for someone the view's access rule would refuse: the guard refuses them
after, and their body is never read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from flask import Flask, Request, abort, current_app, flash, g, redirect, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from portal.domain.enums import MediaRole
from portal.domain.errors import DomainError
from portal.domain.media import MB
from portal.domain.problems import Problem
from portal.media.spool import SealedSpool
from portal.runtime import unit_of_work
from portal.services import media
from portal.web.access import rule_for
from portal.web.messages import refusal

View = TypeVar("View", bound=Callable[..., Any])
# What nginx takes on the upload routes (deploy/nginx, client_max_body_size 210m): a body past it
# never reaches the app; one past it without nginx is refused unread.
BODY_CEILING = 210 * MB
# Characters no one types into a form (as portal.web.security), and what werkzeug puts in
# place of bytes that are not UTF-8.
_FORBIDDEN = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\ufffd"}


@dataclass(frozen=True)
class UploadRule:
    """What a view that takes uploads says: which role its files have (from the request; None
    for a request that names none, which the view refuses), and where a refusal sends the person."""

    role: Callable[[], MediaRole | None]
    back: Callable[[], str]


def takes_upload(role: Callable[[], MediaRole | None], back: Callable[[], str]) -> Callable[[View], View]:
    """Mark a view as one that takes files (with `roles(...)`, which still decides who may)."""

    def decorate(view: View) -> View:
        view.upload_rule = UploadRule(role, back)  # type: ignore[attr-defined]
        return view

    return decorate


def upload_rule(endpoint: str | None) -> UploadRule | None:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "upload_rule", None)


class UploadRequest(Request):
    """A request whose file parts go to SealedSpools; the browser's file name and stated type
    are dropped there (what a file is comes from its bytes)."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        limit = g.get("upload_file_limit")
        return SealedSpool.stream_factory(total_content_length, content_type, filename, content_length, limit=limit)


@dataclass(frozen=True)
class BodyLimit:
    bytes: int  # the whole body
    file_bytes: int  # one file: past this its bytes are dropped, and it is refused
    file_mb: int  # one file, as people are told it


def body_limit(role: MediaRole) -> BodyLimit:
    """The most a request may carry, and each of its files. The body may be as big as the proxy
    takes (deploy/nginx, BODY_CEILING): a file past its own limit is dropped as it arrives and
    refused, while the words sent with it are still read and kept."""
    limits = media.limits(unit_of_work())
    mb = limits.recording_mb if role == MediaRole.RECORDING else limits.attachment_mb
    return BodyLimit(BODY_CEILING, limits.upload_bytes(role), mb)


def too_big(rule: UploadRule, limit: BodyLimit) -> Response:
    """The page the upload came from, with the sentence that says how big a file may be."""
    flash(refusal(DomainError(Problem.MEDIA_TOO_BIG, limit_mb=limit.file_mb)), "error")
    return redirect(rule.back(), 303)


def prepare_upload() -> Response | None:
    """Before the guard and CSRF: limit, spool and check the body of a view that takes files."""
    if request.method != "POST" or request.mimetype != "multipart/form-data":
        return None
    rule = upload_rule(request.endpoint)
    access = rule_for(request.endpoint)
    if rule is None or access is None or access.public:
        return None  # refused unread (security.reject_unreadable_form, or the guard)
    if not current_user.is_authenticated or current_user.role not in access.roles:
        return None  # the guard refuses them; their body is never read
    role = rule.role()
    if role is None:
        abort(400)
    limit = body_limit(role)
    request.max_content_length = limit.bytes
    g.upload_file_limit = limit.file_bytes
    if request.content_length is not None and request.content_length > limit.bytes:
        return too_big(rule, limit)
    try:
        fields = request.form  # parsed now: its files into sealed spools
    except RequestEntityTooLarge:  # a body sent without its length, which turned out too long
        return too_big(rule, limit)
    if any(_FORBIDDEN.intersection(key + value) for key, value in fields.items(multi=True)):
        abort(400, description="unreadable")
    return None


def spools(name: str = "file") -> list[SealedSpool]:
    """The files sent under `name` that hold anything, as the sealed spools they were written to.
    A file past its limit is refused here with the "too big" sentence (its bytes were dropped)."""
    found: list[SealedSpool] = []
    for storage in request.files.getlist(name):
        stream = storage.stream
        if isinstance(stream, SealedSpool) and stream.over_limit:
            stream.close()
            for kept in found:
                kept.close()
            mb = int(g.get("upload_file_limit", 0) // MB)
            raise DomainError(Problem.MEDIA_TOO_BIG, limit_mb=mb)
        if isinstance(stream, SealedSpool) and stream.size > 0:
            found.append(stream)
    return found


def allow_camera() -> None:
    """This page records: its Permissions-Policy lets the page itself ask for camera and microphone."""
    g.camera_allowed = True


def camera_allowed() -> bool:
    return bool(g.get("camera_allowed"))


def init_app(app: Flask) -> None:
    app.request_class = UploadRequest
    app.before_request(prepare_upload)
