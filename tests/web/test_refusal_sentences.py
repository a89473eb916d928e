"""Every refusal the domain can give has a sentence for the person (portal.web.messages)."""

from flask import Flask

from portal.domain.enums import MediaLimit, MediaRole
from portal.domain.errors import DomainError
from portal.domain.problems import Problem
from portal.web import messages


def test_every_problem_code_has_a_sentence(app: Flask) -> None:
    with app.test_request_context():
        assert set(messages._sentences()) == set(Problem)


def test_the_media_refusals_say_their_limits(app: Flask) -> None:
    with app.test_request_context():
        assert "25 MB" in messages.refusal(DomainError(Problem.MEDIA_TOO_BIG, limit_mb=25))
        assert "3 minutes" in messages.refusal(DomainError(Problem.MEDIA_TOO_LONG, limit_minutes=3))
        assert "2 files" in messages.refusal(DomainError(Problem.MEDIA_OPEN_FIRST, count=2))
        picture = messages.refusal(DomainError(Problem.MEDIA_UNKNOWN_TYPE, role=MediaRole.ATTACHMENT))
        recording = messages.refusal(DomainError(Problem.MEDIA_UNKNOWN_TYPE, role=MediaRole.RECORDING))
        assert "PDF" in picture and "record here" in recording
        limit = DomainError(Problem.MEDIA_LIMIT_RANGE, limit=MediaLimit.RECORDING_MINUTES, minimum=1, maximum=60)
        assert messages.refusal(limit) == "The longest recording must be between 1 and 60."
