"""The one exception family of the domain layer (the services raise it too).

An error carries a `Problem` code and the parameters it names, never a sentence: the web layer
says it in the person's language (portal.web.messages).
"""

from __future__ import annotations

from portal.domain.problems import Problem


class DomainError(Exception):
    """A rule of the exchange stops this action, at least for now."""

    def __init__(self, problem: Problem, **params: object):
        super().__init__(problem.value)
        self.problem = problem
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.problem.value}, {self.params})"


class NotAllowed(DomainError):
    """This person may not do this at all (the web layer may answer 403)."""


class Stale(DomainError):
    """Someone else changed this item after the actor's page was drawn; the decision is refused.

    It carries what the item is now, so the person can be told what the other decided.
    """

    def __init__(self, kind: str, state: str):
        super().__init__(Problem.ITEM_STALE, kind=kind, state=state)
        self.kind = kind
        self.state = state
