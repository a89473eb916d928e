"""The sentences for refusals about files (portal.domain.media), in the person's language.

Kept beside portal.web.messages, which merges them in: every Problem code has one sentence.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.domain.enums import MediaLimit, MediaRole
from portal.domain.problems import Problem
from portal.web.catalogue import gettext as _
from portal.web.catalogue import ngettext


def _limit_name(limit: MediaLimit) -> str:
    return {
        MediaLimit.RECORDING_MB: _("The largest recording"),
        MediaLimit.RECORDING_MINUTES: _("The longest recording"),
        MediaLimit.ATTACHMENT_MB: _("The largest picture or document"),
        MediaLimit.ATTACHMENTS_PER_ITEM: _("The number of pictures or pages with one letter"),
    }[limit]


def _unknown_type(role: MediaRole) -> str:
    if role == MediaRole.RECORDING:
        return _(
            "This file isn't a recording we can take. Please choose a video or audio file "
            "(for example one recorded on your phone), or record here instead."
        )
    return _(
        "This file isn't a picture or document we can take. Please choose a photo or picture "
        "(JPEG, PNG, GIF or WebP) or a PDF."
    )


def media_sentences() -> dict[Problem, Callable[[dict], str]]:
    return {
        Problem.MEDIA_UNKNOWN_TYPE: lambda p: _unknown_type(MediaRole(p.get("role", MediaRole.ATTACHMENT))),
        Problem.MEDIA_NOT_HERE: lambda p: _(
            "This file can't be added here. Recordings go with a recorded message, pictures and "
            "documents with a letter, and scanned replies with a reply written on paper."
        ),
        Problem.MEDIA_TOO_BIG: lambda p: _(
            "This file is too big. The largest that can be added is %(limit)s MB. "
            "A shorter recording, or a smaller photo, will fit.",
            limit=p["limit_mb"],
        ),
        Problem.MEDIA_TOO_LONG: lambda p: ngettext(
            "This recording is too long. Recordings can be up to %(num)d minute.",
            "This recording is too long. Recordings can be up to %(num)d minutes.",
            int(p["limit_minutes"]),
        ),
        Problem.MEDIA_TOO_MANY: lambda p: ngettext(
            "A letter can have %(num)d picture or page with it. Remove one to add another.",
            "A letter can have up to %(num)d pictures or pages with it. Remove one to add another.",
            int(p["limit"]),
        ),
        Problem.MEDIA_UNREADABLE: lambda p: _(
            "This file couldn't be read. It may be damaged, or saved in a way we can't open. "
            "Please try saving it again, or choose another file."
        ),
        Problem.MEDIA_PDF_TOO_MANY_PAGES: lambda p: ngettext(
            "This document has too many pages. A document can have up to %(num)d page here.",
            "This document has too many pages. A document can have up to %(num)d pages here.",
            int(p["limit"]),
        ),
        Problem.MEDIA_TOOLS_MISSING: lambda p: _(
            "Recordings can't be taken at the moment. Please write your message instead, "
            "or ask your facilitator. (The service's administrator needs to install ffmpeg.)"
        ),
        Problem.MEDIA_EMPTY: lambda p: _("This file is empty. Please choose another file."),
        Problem.MEDIA_NOT_EDITABLE: lambda p: _(
            "Files can only be added or removed while you are still writing it. "
            "Once it is sent, ask your facilitator to return it to you if you want to change something."
        ),
        Problem.MEDIA_RECORDING_NEEDED: lambda p: _(
            "Please record your message, or choose a recording, before you send it."
        ),
        Problem.MEDIA_TRANSCRIPT_NEEDED: lambda p: _(
            "Please write what your recording says, or a short summary of it, before you send it. "
            "It goes with your recording for anyone who would rather read it."
        ),
        Problem.MEDIA_OPEN_FIRST: lambda p: ngettext(
            "Please open the file before you approve this: %(num)d file hasn't been opened by you yet.",
            "Please open every file before you approve this: %(num)d files haven't been opened by you yet.",
            int(p["count"]),
        ),
        Problem.MEDIA_NOT_OFFLINE: lambda p: _(
            "This is only for someone taking part without the portal, who watched or heard it with you."
        ),
        Problem.MEDIA_NOT_A_REPLY_SHEET: lambda p: _(
            "No reply sheet code was found on this scan. Please make sure the square code in the "
            "corner of the sheet is in the picture and not folded or in shadow, and try again."
        ),
        Problem.MEDIA_REPLY_SHEET_ELSEWHERE: lambda p: _(
            "This reply sheet doesn't belong to a letter in one of your cases that has been passed on."
        ),
        Problem.MEDIA_LIMIT_RANGE: lambda p: _(
            "%(limit)s must be between %(minimum)s and %(maximum)s.",
            limit=_limit_name(MediaLimit(p["limit"])),
            minimum=p["minimum"],
            maximum=p["maximum"],
        ),
    }
