"""Translation and locale-aware formatting for the person looking at the page.

`_()` translates at render time using the locale stored for this browser
(`app.storage.user["locale"]`), falling back to the process default.
"""

from __future__ import annotations

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal
from nicegui import app, ui

from domain.errors import DomainError
from locales.catalogs import LOCALES, translations

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}
_defaults = {"locale": "en"}


def set_default_locale(locale: str) -> None:
    _defaults["locale"] = locale if locale in LOCALES else "en"


def current_locale() -> str:
    try:
        value = app.storage.user.get("locale")
    except (RuntimeError, AssertionError):  # no browser in context (startup, background job)
        value = None
    return value if value in LOCALES else _defaults["locale"]


QUASAR_LANGUAGES = {"en": "en-US", "es": "es", "fr": "fr"}


def apply_page_language() -> None:
    """Give this client's page the reader's language: the html `lang` attribute and
    Quasar's own texts (table pagination, date pickers). The page object is shared by
    all clients of a route, so this client gets its own shallow copy."""
    client = ui.context.client
    page = copy.copy(client.page)
    page.language = QUASAR_LANGUAGES[current_locale()]  # type: ignore[assignment]
    client.page = page


def _(message: str, **params: object) -> str:
    text = translations(current_locale()).get(message, message)
    return text.format(**params) if params else text


def error_text(error: DomainError) -> str:
    """A domain refusal in the reader's language, with its parameters filled in."""
    return _(error.msgid, **error.params)


def field_errors(error: DomainError) -> dict[str, str]:
    fields = getattr(error, "fields", {}) or {}
    return {name: _(msgid, **error.params) for name, msgid in fields.items()}


def fmt_datetime(value: datetime | None, timezone: str = "UTC", fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt, tzinfo=ZoneInfo(timezone), locale=current_locale())


def fmt_number(value: float | int) -> str:
    return format_decimal(value, locale=current_locale())
