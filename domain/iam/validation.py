"""Input checks shared by the IAM use cases; each raises ValidationFailed for one field."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from domain.errors import N_, ValidationFailed

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
LOCALES = ("en", "es", "fr")
THEMES = ("light", "dark", "auto")


def email(value: str, field: str = "email") -> str:
    value = (value or "").strip().lower()
    if not value:
        raise ValidationFailed({field: N_("Enter an e-mail address.")})
    if len(value) > 320 or not EMAIL_RE.match(value):
        raise ValidationFailed({field: N_("Enter a valid e-mail address, like name@example.com.")})
    return value


def text(value: str, field: str, *, max_length: int = 200, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed({field: N_("This field is required.")})
    if len(value) > max_length:
        raise ValidationFailed({field: N_("Use at most {max} characters.")}, max=max_length)
    return value


def slug(value: str, field: str = "slug") -> str:
    value = (value or "").strip().lower()
    if not SLUG_RE.match(value):
        raise ValidationFailed(
            {field: N_("Use 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen.")}
        )
    return value


def key(value: str, field: str = "key") -> str:
    value = (value or "").strip()
    if not KEY_RE.match(value):
        raise ValidationFailed(
            {field: N_("Start with a lower-case letter; then use lower-case letters, digits or underscores.")}
        )
    return value


def locale(value: str | None, field: str = "locale") -> str | None:
    if value is None or value in LOCALES:
        return value
    raise ValidationFailed({field: N_("Choose English, Español or Français.")})


def theme(value: str, field: str = "theme") -> str:
    if value in THEMES:
        return value
    raise ValidationFailed({field: N_("Choose light, dark or automatic.")})


def timezone(value: str, field: str = "timezone") -> str:
    if value in available_timezones():
        return value
    raise ValidationFailed({field: N_("Choose a time zone from the list, like Europe/Paris.")})
