"""Dashboard counts respect what the reader may see."""

from __future__ import annotations

from tests.factories import new_tenant


def test_overview_counts_only_what_the_reader_may_see(database):
    from domain.iam.overview import tenant_overview
    from domain.iam.vendors import save_vendor
    from tests.factories import add_person, ctx_for

    bundle = new_tenant()
    vendor = save_vendor(bundle.admin, vendor_id=None, name="Counted", trades=[], status="active")
    vendor_user = ctx_for(add_person(bundle, "vendor", vendor_id=vendor.id))
    admin_view = tenant_overview(bundle.admin)
    assert (admin_view.active_members, admin_view.vendors, admin_view.roles) == (2, 1, 7)
    vendor_view = tenant_overview(vendor_user)
    assert (vendor_view.members, vendor_view.vendors, vendor_view.roles) == (None, None, None)
