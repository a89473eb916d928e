"""Asserting a refusal by its code: the domain speaks in codes, never in sentences."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from portal.domain.errors import DomainError
from portal.domain.problems import Problem


@contextmanager
def refused(problem: Problem, error: type[DomainError] = DomainError, **params: object) -> Iterator[None]:
    """The block is refused with this code (and these parameters, where given)."""
    with pytest.raises(error) as caught:
        yield
    assert caught.value.problem == problem, caught.value
    for name, value in params.items():
        assert caught.value.params.get(name) == value, (name, caught.value.params)
