"""Lists on real PostgreSQL: filters (custom fields, relative dates), sorting, paging, CSV,
bulk transitions with mixed results, saved views."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import PermissionDenied, ValidationFailed
from domain.records import field_index, listing, views
from domain.records import service as records
from domain.records.listing import FieldFilter, ListQuery
from domain.workflows.perform import perform
from tests import factories
from tests.factories import add_person, ctx_for, new_tenant, owner_sql, published


@pytest.fixture
def tenant(database):
    bundle = factories.with_roles(new_tenant(), "director")
    published(bundle)
    records.ensure_default_types(bundle.admin)
    return bundle


def _make(ctx, title, category="plumbing", cost=None, **extra):
    values = {"title": title, "category": category, **extra}
    if cost is not None:
        values["cost_estimate"] = {"amount": str(cost), "currency": "EUR"}
    return records.create_record(ctx, kind="request", type_key="maintenance", values=values)


def _refs(page):
    return [r.reference for r in page.rows]


def test_filters_sort_and_page(tenant):
    a = _make(tenant.admin, "Leaking tap", cost=1200, priority="high")
    b = _make(tenant.admin, "Broken lift", "electrical", cost=8000, priority="urgent")
    c = _make(tenant.admin, "Tap drips again", "plumbing", cost=300, due_date="2026-12-01")
    q = ListQuery(kind="request")
    assert _refs(listing.list_records(tenant.admin, q)) == [c.reference, b.reference, a.reference]
    assert listing.list_records(tenant.admin, q, offset=1, limit=1).rows[0].reference == b.reference
    assert listing.list_records(tenant.admin, q, limit=1).total == 3
    assert _refs(listing.list_records(tenant.admin, ListQuery(kind="request", text="tap", sort="title",
                                                              descending=False))) == [a.reference, c.reference]
    assert _refs(listing.list_records(tenant.admin, ListQuery(kind="request", text=b.reference))) == [b.reference]
    by_category = ListQuery(kind="request", field_filters=(FieldFilter(key="category", op="eq", value="electrical"),))
    assert _refs(listing.list_records(tenant.admin, by_category)) == [b.reference]
    dear = ListQuery(kind="request", field_filters=(FieldFilter(key="cost_estimate", op="gte", value="1000"),),
                     sort="field:cost_estimate", descending=False)
    assert _refs(listing.list_records(tenant.admin, dear)) == [a.reference, b.reference]
    assert _refs(listing.list_records(tenant.admin, ListQuery(kind="request", sort="priority"))) == [
        b.reference, a.reference, c.reference]
    due = ListQuery(kind="request", due_from="2026-11-30", due_to="2026-12-31")
    assert _refs(listing.list_records(tenant.admin, due)) == [c.reference]


def test_relative_created_dates(tenant):
    old = _make(tenant.admin, "Old one")
    new = _make(tenant.admin, "New one")
    owner_sql("update records set created_at = :t where id = :i", t=datetime.now(UTC) - timedelta(days=10), i=old.id)
    recent = ListQuery(kind="request", created_from="-7d")
    assert _refs(listing.list_records(tenant.admin, recent)) == [new.reference]
    assert _refs(listing.list_records(tenant.admin, ListQuery(kind="request", created_to="-8d"))) == [old.reference]
    with pytest.raises(ValidationFailed):
        listing.list_records(tenant.admin, ListQuery(kind="request", created_from="last tuesday"))
    with pytest.raises(ValidationFailed):
        listing.list_records(tenant.admin, ListQuery(kind="request", sort="password"))
    with pytest.raises(ValidationFailed):
        listing.list_records(tenant.admin, ListQuery(kind="request", field_filters=(
            FieldFilter(key="nope", op="eq", value=1),)))


def test_vendor_lists_show_only_their_work_and_fields(tenant):
    vendor_id = factories.new_vendor(tenant)
    vendor_user = ctx_for(add_person(tenant, "vendor", vendor_id=vendor_id))
    theirs = _make(tenant.admin, "Rewire panel", "electrical", vendor=str(vendor_id), location_detail="Basement")
    _make(tenant.admin, "Not theirs")
    page = listing.list_records(vendor_user, ListQuery(kind="request"))
    assert _refs(page) == [theirs.reference]
    assert "category" not in page.rows[0].values and page.rows[0].values["location_detail"] == "Basement"


def test_csv_exports_the_filtered_set_readably(tenant):
    _make(tenant.admin, "=HYPERLINK(\"http://evil\")", cost=1200)
    _make(tenant.admin, "Broken lift", "electrical", cost=8000)
    text = listing.export_csv(tenant.admin, ListQuery(kind="request", field_filters=(
        FieldFilter(key="cost_estimate", op="lt", value="5000"),)))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Reference", "Type", "Title", "State"] and "Cost estimate" in rows[0]
    assert len(rows) == 2
    assert rows[1][2].startswith("'=HYPERLINK")  # never a live formula in a spreadsheet
    assert rows[1][3] == "Draft" and "1,200.00" in rows[1][rows[0].index("Cost estimate")]


def test_bulk_transition_reports_each_record(tenant):
    requester = ctx_for(add_person(tenant, "requester"))
    manager = ctx_for(add_person(tenant, "manager"))
    made = [_make(requester, f"Job {i}", cost=100) for i in range(4)]
    for view in made:
        perform(ctx=requester, instance_id=view.instance_id, transition_id="submit", expected_version=view.version)
    options = listing.bulk_options(manager, kind="request", record_ids=[m.id for m in made])
    assert "review" in {o.transition_id for o in options}
    # someone else moves one record first: the bulk move refuses that one and does the rest
    stale = made[1]
    current = records.get_detail(manager, record_id=stale.id).record
    perform(ctx=manager, instance_id=stale.instance_id, transition_id="reject", expected_version=current.version,
            comment="Duplicate")
    seen: list[tuple[int, int]] = []
    results = listing.bulk_transition(manager, kind="request", record_ids=[m.id for m in made],
                                      transition_id="review", progress=lambda n, total: seen.append((n, total)))
    assert [(r.reference, r.done) for r in results] == [
        (made[0].reference, True), (stale.reference, False), (made[2].reference, True), (made[3].reference, True)]
    assert results[1].error is not None
    assert seen[-1] == (4, 4)
    states = {r.reference: r.state for r in listing.list_records(manager, ListQuery(kind="request")).rows}
    assert states[stale.reference] == "rejected" and states[made[0].reference] == "manager_approval"
    mixed = listing.bulk_options(manager, kind="request", record_ids=[made[0].id, stale.id])
    assert mixed == []  # nothing is open to both a rejected and a waiting record


def test_saved_views_own_shared_and_permissions(tenant):
    requester = ctx_for(add_person(tenant, "requester"))
    query = ListQuery(kind="request", priorities=("urgent",), sort="title", descending=False)
    mine = views.save_view(tenant.admin, name="  Urgent  first ", query=query, shared=True)
    assert mine.name == "Urgent first"
    views.save_view(tenant.admin, name="Private", query=ListQuery(kind="request"))
    visible = {v.name: v for v in views.list_views(requester, kind="request")}
    assert set(visible) == {"Urgent first"} and visible["Urgent first"].query == query
    with pytest.raises(PermissionDenied):
        views.save_view(requester, name="Everyone", query=query, shared=True)
    with pytest.raises(PermissionDenied):
        views.delete_view(requester, view_id=mine.id)
    with pytest.raises(ValidationFailed):
        views.save_view(requester, name="   ", query=query)
    replaced = views.save_view(tenant.admin, name="Urgent first", query=ListQuery(kind="request"), shared=True)
    assert replaced.id == mine.id
    views.delete_view(tenant.admin, view_id=mine.id)
    assert [v.name for v in views.list_views(tenant.admin, kind="request")] == ["Private"]
    assert ListQuery.from_dict(query.as_dict()) == query


def test_index_lookups_stay_inside_the_tenant(tenant):
    other = factories.with_roles(new_tenant(), "director")
    published(other)
    records.ensure_default_types(other.admin)
    mine = _make(tenant.admin, "Boiler in the basement", "hvac")
    _make(other.admin, "Boiler on the roof", "hvac")
    by_field = ListQuery(kind="request", field_filters=(FieldFilter(key="category", op="eq", value="hvac"),))
    assert _refs(listing.list_records(tenant.admin, by_field)) == [mine.reference]
    assert _refs(listing.list_records(tenant.admin, ListQuery(kind="request", text="boil"))) == [mine.reference]
    not_hvac = ListQuery(kind="request", field_filters=(FieldFilter(key="category", op="ne", value="hvac"),))
    assert _refs(listing.list_records(tenant.admin, not_hvac)) == []
    from sqlalchemy import text as sql

    from storage import db

    with db.tenant_session(tenant.tenant_id) as session:  # the app role, without a tenant: nothing
        session.execute(sql("select set_config('app.tenant_id', '', true)"))
        assert session.execute(sql("select count(*) from baton_instances_with_title('request', "
                                   "to_tsquery('simple', 'boil:*'))")).scalar() == 0


def test_a_sort_on_a_custom_field_pages_through_values_then_missing_ones(tenant, monkeypatch):
    made = [_make(tenant.admin, f"Job {i}", cost=c) for i, c in enumerate((300, None, 1200, 300, None, 80, 1200))]
    refs = {m.reference: m for m in made}
    for descending in (True, False):
        query = ListQuery(kind="request", sort="field:cost_estimate", descending=descending)
        whole = _refs(listing.list_records(tenant.admin, query))
        paged = [ref for offset in range(0, 8, 3)
                 for ref in _refs(listing.list_records(tenant.admin, query, offset=offset, limit=3))]
        assert paged == whole and len(whole) == len(made)
        amounts = [refs[r].values.get("cost_estimate", {}).get("amount") for r in whole]
        assert amounts[-2:] == [None, None]  # missing values last, newest first, in either direction
        assert whole[-2:] == [made[4].reference, made[1].reference]
        numbers = [float(a) for a in amounts[:-2]]
        assert numbers == sorted(numbers, reverse=descending)
        # equal amounts: newest first
        assert whole.index(made[6].reference) < whole.index(made[2].reference)
        assert listing.list_records(tenant.admin, query, offset=6, limit=3).rows[0].reference == made[1].reference
        monkeypatch.setattr(field_index, "sort_value", lambda *args: None)
        assert _refs(listing.list_records(tenant.admin, query)) == whole  # as the JSONB expression orders
        monkeypatch.undo()


def test_field_filters_and_sorts_show_and_count_only_what_the_viewer_may_see(tenant):
    other = factories.with_roles(new_tenant(), "director")
    published(other)
    records.ensure_default_types(other.admin)
    requester = ctx_for(add_person(tenant, "requester"))
    vendor_id = factories.new_vendor(tenant)
    vendor_user = ctx_for(add_person(tenant, "vendor", vendor_id=vendor_id))
    own = [_make(requester, "My leak", "plumbing", cost=500), _make(requester, "My drip", "plumbing", cost=550)]
    staff = _make(tenant.admin, "Staff leak", "plumbing", cost=700)
    theirs = [_make(tenant.admin, f"Vendor leak {i}", "plumbing", cost=900 + i, vendor=str(vendor_id))
              for i in range(2)]
    foreign = [_make(other.admin, f"Foreign leak {i}", "plumbing", cost=600 + i) for i in range(3)]  # same values
    mine, vendors = {r.reference for r in own}, {r.reference for r in theirs}
    everyone = mine | vendors | {staff.reference}
    queries = [
        ListQuery(kind="request", field_filters=(FieldFilter(key="cost_estimate", op="gte", value="0"),),
                  sort="field:cost_estimate"),
        ListQuery(kind="request", field_filters=(FieldFilter(key="cost_estimate", op="not_empty"),),
                  sort="field:cost_estimate", descending=False),
        ListQuery(kind="request", field_filters=(FieldFilter(key="cost_estimate", op="ne", value="1"),
                                                 FieldFilter(key="location_detail", op="empty"))),
        ListQuery(kind="request", due_to="+1w", sort="due_date"),
    ]
    plumbing = ListQuery(kind="request", field_filters=(FieldFilter(key="category", op="eq", value="plumbing"),))
    with pytest.raises(ValidationFailed):  # a field hidden from vendors cannot be filtered on
        listing.list_records(vendor_user, plumbing)
    for record in (*own, staff, *theirs, *foreign):  # long overdue, so the due date filter keeps them
        owner_sql("update workflow_instances set fields = fields || '{\"due_date\": \"2020-01-01\"}' where id = :i",
                  i=record.instance_id)
    for viewer, expected in ((tenant.admin, everyone), (requester, mine), (vendor_user, vendors)):
        for query in (*queries, *((plumbing,) if viewer is not vendor_user else ())):
            assert set(_refs(listing.list_records(viewer, query))) == expected
            first = listing.list_records(viewer, query, limit=1)  # a full page: the count query answers
            assert (first.total, first.more) == (len(expected), False)


def test_the_count_stops_at_its_cap_and_says_there_are_more(tenant, monkeypatch):
    for i in range(4):
        _make(tenant.admin, f"Job {i}", cost=100 * i)
    monkeypatch.setattr(listing, "COUNT_MAX", 3)
    query = ListQuery(kind="request", field_filters=(FieldFilter(key="category", op="eq", value="plumbing"),))
    page = listing.list_records(tenant.admin, query, limit=2)
    assert (page.total, page.more, len(page.rows)) == (3, True, 2)
    assert listing.list_records(tenant.admin, query, offset=3, limit=2).rows  # paging goes on past the count
    monkeypatch.setattr(listing, "COUNT_MAX", 4)
    for offset, limit in ((0, 50), (1, 2), (3, 2), (9, 2)):  # a short page or one past the end: the same total
        page = listing.list_records(tenant.admin, query, offset=offset, limit=limit)
        assert (page.total, page.more) == (4, False)
