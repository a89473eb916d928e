"""The programs media processing needs, found on PATH (Debian's ffmpeg package brings both)."""

from __future__ import annotations

import shutil

from portal.domain.problems import Problem
from portal.media.refusals import MediaRefused

PROGRAMS = ("ffmpeg", "ffprobe")


def missing() -> list[str]:
    """Names of the programs that are not installed, so a health check can say which."""
    return [name for name in PROGRAMS if shutil.which(name) is None]


def program(name: str) -> str:
    """The full path of one program, or the refusal the web layer words as "not installed"."""
    found = shutil.which(name)
    if found is None:
        raise MediaRefused(Problem.MEDIA_TOOLS_MISSING, "tools-missing")
    return found
