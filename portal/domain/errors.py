"""The one exception family of the domain layer.

Messages are written for the person who tried the action, so the web layer can show
them as they are.
"""


class DomainError(Exception):
    """A rule of the exchange stops this action, at least for now."""


class NotAllowed(DomainError):
    """This person may not do this at all (the web layer may answer 403)."""


class Stale(DomainError):
    """Someone else changed this item after the actor's page was drawn; the decision is refused.

    It carries what the item is now, so the person can be told what the other decided.
    """

    def __init__(self, kind: str, state: str):
        super().__init__(f"stale:{kind}:{state}")
        self.kind = kind
        self.state = state
