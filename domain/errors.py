"""The domain's exception hierarchy. Messages are English msgids with named
parameters, marked with `N_` so the console can translate them per user."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message for translation without translating it here."""
    return message


class DomainError(Exception):
    """Base of every refusal a person can act on."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid.format(**params) if params else msgid)


class PermissionDenied(DomainError):
    """The actor lacks the permission the use case requires."""


class NotFound(DomainError):
    """No such record in this tenant (or not visible to the actor)."""


class Conflict(DomainError):
    """The change collides with existing data (a duplicate, a stale version)."""


class ValidationFailed(DomainError):
    """Input was refused; `fields` maps a field name to its message id (with `params`)."""

    def __init__(self, fields: dict[str, str], **params: Any) -> None:
        self.fields = fields
        first = next(iter(fields.values()), N_("The input is not valid."))
        super().__init__(first, **params)


class InvalidCredentials(DomainError):
    """E-mail or password is wrong (deliberately not saying which)."""


class LoginThrottled(DomainError):
    """Too many failed sign-ins; `params['minutes']` says how long to wait."""


class SessionExpired(DomainError):
    """The session ended (idle timeout, sign-out, disabled account)."""
