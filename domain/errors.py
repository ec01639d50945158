"""The domain's exception hierarchy. Messages are English msgids with named
parameters, marked with `N_` so the console can translate them per user."""

from __future__ import annotations

from collections.abc import Mapping
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
    """Input was refused; `fields` maps a field name to its message id (with `params`).

    When several fields are refused at once, each message may need its own parameters:
    `field_params` maps a field name to them (`params_for(name)` reads them, falling back
    to the shared `params`). Without shared `params`, the first field's own parameters
    fill `msgid`/`params`, so the error's overall text is the first field's message.
    """

    def __init__(self, fields: dict[str, str], *, field_params: Mapping[str, Mapping[str, Any]] | None = None,
                 **params: Any) -> None:
        self.fields = fields
        self.field_params: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (field_params or {}).items()}
        first_key = next(iter(fields), None)
        first = fields[first_key] if first_key is not None else N_("The input is not valid.")
        if not params and first_key is not None:
            params = dict(self.field_params.get(first_key, {}))
        super().__init__(first, **params)

    def params_for(self, name: str) -> dict[str, Any]:
        """The parameters of the message at field `name`."""
        return dict(self.field_params[name]) if name in self.field_params else dict(self.params)


class InvalidCredentials(DomainError):
    """E-mail or password is wrong (deliberately not saying which)."""


class LoginThrottled(DomainError):
    """Too many failed sign-ins; `params['minutes']` says how long to wait."""


class SessionExpired(DomainError):
    """The session ended (idle timeout, sign-out, disabled account)."""
