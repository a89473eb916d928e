"""The one exception family of the domain layer.

Messages are written for the person who tried the action, so the web layer can show
them as they are.
"""


class DomainError(Exception):
    """A rule of the exchange stops this action, at least for now."""


class NotAllowed(DomainError):
    """This person may not do this at all (the web layer may answer 403)."""
