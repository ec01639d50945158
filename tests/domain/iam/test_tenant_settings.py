"""Tenant settings: time zone, default locale and working calendar, validated before anything is saved."""

from __future__ import annotations

import pytest

from domain.errors import ValidationFailed
from domain.iam import tenants
from tests.factories import new_tenant

GOOD = {"weekly": {"mon": [["09:00", "17:00"]], "sat": [["10:00", "12:00"]]},
        "holidays": ["2026-12-25", "2026-01-01", "2026-12-25"]}


def test_calendar_is_saved_normalised(database):
    bundle = new_tenant()
    tenants.update_tenant(bundle.admin, name="Renamed", timezone="Europe/Paris", default_locale="fr", calendar=GOOD)
    tenant = tenants.get_tenant(bundle.admin)
    assert tenant.name == "Renamed"
    assert tenant.settings["timezone"] == "Europe/Paris"
    assert tenant.settings["default_locale"] == "fr"
    assert tenant.settings["calendar"] == {"weekly": {"mon": [["09:00", "17:00"]], "sat": [["10:00", "12:00"]]},
                                           "holidays": ["2026-01-01", "2026-12-25"]}


@pytest.mark.parametrize(("calendar", "fragment"), [
    ({"weekly": {"mon": [["17:00", "09:00"]]}}, "mon"),
    ({"weekly": {"mon": [["9am", "5pm"]]}}, "HH:MM"),
    ({"weekly": {"funday": [["09:00", "17:00"]]}}, "weekday"),
    ({"weekly": {}, "holidays": ["25/12/2026"]}, "25/12/2026"),
])
def test_bad_calendar_is_refused_and_changes_nothing(database, calendar, fragment):
    bundle = new_tenant()
    before = tenants.get_tenant(bundle.admin)
    with pytest.raises(ValidationFailed) as refused:
        tenants.update_tenant(bundle.admin, name="Other name", timezone="UTC", default_locale="en",
                              calendar=calendar)
    assert fragment in str(refused.value)
    after = tenants.get_tenant(bundle.admin)
    assert (after.name, after.settings) == (before.name, before.settings)


def test_unknown_time_zone_is_refused(database):
    bundle = new_tenant()
    with pytest.raises(ValidationFailed) as refused:
        tenants.update_tenant(bundle.admin, name="X", timezone="Mars/Olympus", default_locale="en")
    assert "time zone" in str(refused.value)

