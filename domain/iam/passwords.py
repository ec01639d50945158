"""argon2id hashing with OWASP's minimum parameters (19 MiB, 2 iterations, 1 lane)."""

from __future__ import annotations

import secrets

from passlib.context import CryptContext

from domain.errors import N_, ValidationFailed

_context = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19 * 1024,
    argon2__time_cost=2,
    argon2__parallelism=1,
)
MIN_LENGTH = 12
MAX_LENGTH = 256
# A hash of a random password, verified against when the e-mail is unknown, so the
# time taken does not reveal which e-mails have accounts.
_DUMMY_HASH = _context.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _context.verify(password, _DUMMY_HASH)
        return False
    return bool(_context.verify(password, password_hash))


def check_policy(password: str, *, email: str = "", field: str = "password") -> None:
    """Raise ValidationFailed when `password` is too weak to accept."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed({field: N_("Use at least {min} characters.")}, min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise ValidationFailed({field: N_("Use at most {max} characters.")}, max=MAX_LENGTH)
    if email and email.split("@")[0].lower() in password.lower():
        raise ValidationFailed({field: N_("The password must not contain your e-mail name.")})
    if len(set(password)) < 5:
        raise ValidationFailed({field: N_("Use more varied characters.")})


def generate_password() -> str:
    """A temporary password shown once to an admin after a reset."""
    return secrets.token_urlsafe(12)
