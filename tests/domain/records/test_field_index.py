"""The field value index (migration 0008) on real PostgreSQL: the trigger keeps it in step with
every write, the application role reads only its own tenant's rows and writes none, and lists
answer through it exactly as through the JSONB expressions it stands in for."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from domain.records import field_index, listing
from domain.records import service as records
from domain.records.listing import FieldFilter, ListQuery
from domain.workflows import definitions
from storage import db
from tests import factories
from tests.factories import TEMPLATES_DIR, new_tenant, owner_sql

EXTRA_FIELDS = """
  - key: systems
    type: multiselect
    label: {en: Systems}
    options: [hvac, bms, network]
  - key: headcount
    type: number
    label: {en: Headcount}
  - key: planned
    type: datetime
    label: {en: Planned}
  - key: risky
    type: boolean
    label: {en: Risky}
  - key: owner_person
    type: user
    label: {en: Owner}
"""


@pytest.fixture
def tenant(database):
    bundle = factories.with_roles(new_tenant(), "director")
    template = (TEMPLATES_DIR / "maintenance_request.yaml").read_text()
    document = template.replace("fields:\n", "fields:" + EXTRA_FIELDS, 1)
    draft = definitions.save_draft(bundle.admin, document=document.encode())
    definitions.publish(bundle.admin, version_id=draft.id)
    records.ensure_default_types(bundle.admin)
    return bundle


def _make(ctx, title, **values):
    return records.create_record(ctx, kind="request", type_key="maintenance",
                                 values={"title": title, "category": "hvac", **values})


def _rows(instance_id):
    return sorted((r.key, r.jtype, r.txt, None if r.num is None else str(r.num)) for r in owner_sql(
        "select key, jtype, txt, num from workflow_field_values where instance_id = :i", i=instance_id))


def test_the_trigger_keeps_the_index_in_step_with_every_write(tenant):
    made = _make(tenant.admin, "Chiller", cost_estimate={"amount": "1200", "currency": "EUR"},
                 systems=["hvac", "network"], headcount=12, risky=True, due_date="2026-12-01")
    assert _rows(made.instance_id) == [
        ("category", "s", "hvac", None), ("cost_estimate", "o", None, "1200.00"), ("due_date", "s", "2026-12-01", None),
        ("headcount", "n", None, "12"), ("risky", "b", "true", None), ("systems", "a", None, None),
        ("systems", "e", "hvac", None), ("systems", "e", "network", None), ("title", "s", "Chiller", None)]
    changed = records.update_record(tenant.admin, record_id=made.id, expected_version=made.version, values={
        "category": "plumbing", "systems": ["bms"], "headcount": None, "cost_estimate": None})
    assert changed.version == made.version + 1
    assert _rows(made.instance_id) == [
        ("category", "s", "plumbing", None), ("due_date", "s", "2026-12-01", None), ("risky", "b", "true", None),
        ("systems", "a", None, None), ("systems", "e", "bms", None), ("title", "s", "Chiller", None)]
    # shapes no form writes: a numeric string, null, long strings, a number beyond double precision
    longest = "y" * field_index.TEXT_MAX  # the migration's limit is the module's
    owner_sql("update workflow_instances set fields = cast(:f as jsonb) where id = :i", i=made.instance_id,
              f='{"headcount": " 7.50 ", "risky": null, "title": "' + longest + 'x", "location_detail": "'
                + longest + '", "cost_estimate": {"amount": "1e400"}, "systems": ["bms", 3, "bms"]}')
    assert _rows(made.instance_id) == [
        ("cost_estimate", "o", None, None), ("headcount", "s", " 7.50 ", "7.50"),
        ("location_detail", "s", longest, None), ("risky", "z", None, None), ("systems", "a", None, None),
        ("systems", "e", "bms", None), ("systems", "e", "bms", None), ("title", "s", None, None)]


def test_an_insert_of_many_instances_indexes_each_of_them(tenant):
    made = _make(tenant.admin, "Template", systems=["hvac"], headcount=3)
    copies = owner_sql(
        "insert into workflow_instances (tenant_id, id, definition_id, version_id, subject_type, subject_id, state, "
        "fields) select tenant_id, gen_random_uuid(), definition_id, version_id, subject_type, gen_random_uuid(), "
        "state, fields || jsonb_build_object('headcount', g) from workflow_instances, generate_series(1, 3) g "
        "where id = :i returning id", i=made.instance_id)
    assert [_rows(c.id) for c in copies] == [[
        ("category", "s", "hvac", None), ("headcount", "n", None, str(g)), ("systems", "a", None, None),
        ("systems", "e", "hvac", None), ("title", "s", "Template", None)] for g in (1, 2, 3)]


def test_the_app_role_reads_only_its_tenant_and_writes_nothing(tenant):
    other = factories.with_roles(new_tenant(), "director")
    factories.published(other)
    records.ensure_default_types(other.admin)
    mine = _make(tenant.admin, "Mine")
    _make(other.admin, "Theirs")
    with db.tenant_session(tenant.tenant_id) as session:
        seen = set(session.execute(text("select distinct instance_id from workflow_field_values")).scalars())
        assert seen == {mine.instance_id}
        session.execute(text("select set_config('app.tenant_id', '', true)"))
        assert session.execute(text("select count(*) from workflow_field_values")).scalar() == 0
    with pytest.raises(ProgrammingError, match="permission denied"), db.tenant_session(tenant.tenant_id) as session:
        session.execute(text("insert into workflow_field_values (tenant_id, instance_id, subject_type, key, jtype) "
                             "values (:t, :i, 'request', 'category', 's')"), {"t": tenant.tenant_id,
                                                                             "i": mine.instance_id})


FILTERS = [
    ("category", "eq", "plumbing"), ("category", "ne", "plumbing"), ("category", "eq", "x" * 150),
    ("systems", "eq", "hvac"), ("systems", "eq", ["hvac", "bms"]), ("systems", "eq", []), ("systems", "ne", "bms"),
    ("risky", "eq", True), ("risky", "eq", False), ("risky", "ne", True), ("risky", "eq", None),
    ("headcount", "gte", "10"), ("headcount", "lt", "10"), ("headcount", "eq", "7.5"), ("headcount", "ne", "12"),
    ("cost_estimate", "gt", "999.99"), ("cost_estimate", "lte", "1200"), ("due_date", "gte", "2026-12-01"),
    ("due_date", "lt", "2026-12-02"), ("planned", "gte", "2026-12-01"), ("owner_person", "eq", "OWNER"),
    ("cost_estimate", "empty", None), ("systems", "not_empty", None), ("risky", "empty", None),
]
SORTS = ("cost_estimate", "headcount", "due_date", "planned", "category", "risky", "owner_person", "systems")


def test_lists_answer_through_the_index_as_through_the_jsonb_expressions(tenant, monkeypatch):
    owner = str(tenant.admin.user_id)
    _make(tenant.admin, "A", category="plumbing", cost_estimate={"amount": "1200", "currency": "EUR"},
          systems=["hvac", "bms"], headcount=12, risky=True, due_date="2026-12-01", planned="2026-12-01T09:30",
          owner_person=owner)
    _make(tenant.admin, "B", category="electrical", cost_estimate={"amount": "999.99", "currency": "EUR"},
          systems=["bms"], headcount="7.5", risky=False, due_date="2026-11-30")
    _make(tenant.admin, "C", systems=["hvac"], headcount=3, cost_estimate={"amount": "1200", "currency": "EUR"})
    _make(tenant.admin, "D", category="plumbing", planned="2026-11-01T08:00")
    odd = _make(tenant.admin, "E")
    owner_sql("update workflow_instances set fields = fields || cast(:f as jsonb) where id = :i", i=odd.instance_id,
              f='{"systems": [], "risky": null, "headcount": "42", "category": "' + "x" * 150 + '"}')

    def refs(query):
        return [r.reference for r in listing.list_records(tenant.admin, query, limit=200).rows]

    filters = [ListQuery(kind="request", field_filters=(FieldFilter(key=k, op=op, value=owner if v == "OWNER" else v),))
               for k, op, v in FILTERS]
    sorts = [ListQuery(kind="request", sort=f"field:{key}", descending=descending)
             for key in SORTS for descending in (True, False)]
    answered = []
    real = field_index.filter_clause
    monkeypatch.setattr(field_index, "filter_clause", lambda *args: answered.append(real(*args)) or answered[-1])
    through_index = [refs(q) for q in filters]
    monkeypatch.setattr(field_index, "filter_clause", real)
    assert all(0 < len(found) < 5 for found in through_index)  # every case tells the records apart
    assert [a is not None for a in answered] == [f != ("category", "eq", "x" * 150) for f in FILTERS]
    assert through_index == _without_index(monkeypatch, lambda: [refs(q) for q in filters])
    # a string longer than any option is free text, not a choice: the index sorts it with the missing values
    owner_sql("update workflow_instances set fields = fields || '{\"category\": \"other\"}' where id = :i",
              i=odd.instance_id)
    through_index = [refs(q) for q in sorts]
    assert through_index == _without_index(monkeypatch, lambda: [refs(q) for q in sorts])
    due = SORTS.index("due_date") * 2
    assert [refs(ListQuery(kind="request", sort="due_date", descending=d)) for d in (True, False)] == [
        through_index[due], through_index[due + 1]]  # the list's own due date column sorts the same way


def _without_index(monkeypatch, run):
    with monkeypatch.context() as patched:
        patched.setattr(field_index, "filter_clause", lambda *args: None)
        patched.setattr(field_index, "sort_value", lambda *args: None)
        return run()
