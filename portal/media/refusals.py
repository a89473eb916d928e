"""The refusals of media processing: a domain code for the person, a reason code for operators.

Every refusal is a DomainError carrying a Problem (the web layer turns it into a sentence).
MediaRefused adds `reason`, a fixed code such as "too-many-pixels" or "pdf-active-content",
so a log line or a test can say why without the exception ever holding a file name, a tag
or a program's output.
"""

from __future__ import annotations

from portal.domain.errors import DomainError
from portal.domain.problems import Problem


class MediaRefused(DomainError):
    """An upload the portal will not keep; `reason` is a code, never content."""

    def __init__(self, problem: Problem, reason: str, **params: object):
        super().__init__(problem, **params)
        self.reason = reason

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.problem.value}, {self.reason}, {self.params})"


def unreadable(reason: str) -> MediaRefused:
    """It looked like a media file but cannot be processed (or must not be)."""
    return MediaRefused(Problem.MEDIA_UNREADABLE, reason)


def empty() -> MediaRefused:
    return MediaRefused(Problem.MEDIA_EMPTY, "empty")
