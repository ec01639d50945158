"""Translation and locale-aware formatting for the person looking at the page.

`_()` translates at render time using the locale stored for this browser
(`app.storage.user["locale"]`), falling back to the process default.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from nicegui import app, ui

from domain.errors import DomainError
from engine.model import label_text
from engine.values import Money
from engine.values import render as render_value
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


def reason_text(reason: Any) -> str:
    """An engine Reason (why an action is not available) in the reader's language: its msgid
    translated, its parameters (labels, numbers, money, dates, nested reasons) formatted."""
    locale = current_locale()
    params = {key: _param(value, locale) for key, value in reason.params.items()}
    text = translations(locale).get(reason.msgid, reason.msgid)
    return text.format_map(_Missing(params))


def _param(value: Any, locale: str) -> str:
    if isinstance(getattr(value, "msgid", None), str) and hasattr(value, "params"):
        return reason_text(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Money):
        if value.currency:
            return format_currency(value.amount, value.currency, locale=locale)
        return format_decimal(value.amount, locale=locale)
    if isinstance(value, int | float | Decimal):
        return format_decimal(value, locale=locale)
    if isinstance(value, datetime):
        return format_datetime(value, "medium", locale=locale)
    if isinstance(value, date):
        return format_date(value, "medium", locale=locale)
    if isinstance(value, timedelta):
        return render_value(value, locale)
    if isinstance(value, Mapping):
        return label_text(value, locale)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        nested = items and all(isinstance(getattr(v, "msgid", None), str) for v in items)
        return ("; " if nested else ", ").join(_param(v, locale) for v in items)
    return "" if value is None else str(value)


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
