"""Translation and locale-aware formatting (outside a browser the process default applies)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from domain.errors import N_, ValidationFailed
from ui import i18n


@pytest.fixture
def french() -> Iterator[None]:
    i18n.set_default_locale("fr")
    yield
    i18n.set_default_locale("en")


def test_messages_numbers_and_dates_follow_the_locale(french: None) -> None:
    assert i18n._("Dashboard") == "Tableau de bord"
    assert i18n.fmt_number(1234567.5).replace("\u202f", " ").replace("\xa0", " ") == "1 234 567,5"
    when = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 in Paris (CET), before the DST switch at 02:00
    assert i18n.fmt_datetime(when, "Europe/Paris", "short") == "29/03/2026 01:30"
    assert i18n.fmt_datetime(when, "America/New_York", "short") == "28/03/2026 20:30"


def test_english_is_the_fallback() -> None:
    assert i18n.current_locale() == "en"
    assert i18n.fmt_number(1234567.5) == "1,234,567.5"
    assert i18n._("A message nobody translated") == "A message nobody translated"


def test_domain_refusals_are_translated_with_their_parameters(french: None) -> None:
    error = ValidationFailed({"password": N_("Use at least {min} characters.")}, min=12)
    assert i18n.field_errors(error) == {"password": i18n._("Use at least {min} characters.", min=12)}
    assert "12" in i18n.error_text(error)
    assert i18n.error_text(error) != "Use at least 12 characters."


def test_an_unknown_default_locale_falls_back_to_english() -> None:
    i18n.set_default_locale("de")
    assert i18n.current_locale() == "en"
