"""Projects' owner and start date, assets' operational status, on real PostgreSQL: create, edit,
validation at the field, audit, who sees a project through owning it, the list's columns."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.errors import NotFound, ValidationFailed
from domain.iam import users
from domain.records import board as boards
from domain.records import comments, listing
from domain.records import service as records
from domain.records.listing import FieldFilter, ListQuery
from domain.workflows import templates
from domain.workflows.models import WorkflowInstance
from domain.workflows.perform import perform
from storage import db
from tests import factories
from tests.factories import add_named_person, ctx_for, new_tenant, table_count

NOT_A_MEMBER = "This person is not a member of this organisation."
START_AFTER = "The start date cannot be after the target completion date ({date})."
TARGET_BEFORE = "The target completion date cannot be before the start date ({date})."


@pytest.fixture
def tenant(database):
    bundle = new_tenant()
    for key in ("project", "asset_lifecycle"):
        templates.publish_template(bundle.admin, key=key)
    records.ensure_default_types(bundle.admin)
    return bundle


def _user_id(bundle, email: str) -> str:
    [member] = users.list_members(bundle.admin, search=email)
    return str(member.user_id)


def _project(ctx, **values):
    return records.create_record(ctx, kind="project", type_key="project", values={
        "title": "Lobby refurbishment", "contract_value": {"amount": "80000", "currency": "EUR"}, **values})


def _asset(ctx, **values):
    return records.create_record(ctx, kind="asset", type_key="asset",
                                 values={"title": "Chiller 1", "asset_class": "hvac", **values})


def _written(bundle) -> tuple[int, ...]:
    return (table_count("records", bundle.tenant_id), table_count("workflow_instances", bundle.tenant_id),
            table_count("audit_events", bundle.tenant_id))


# --- projects: owner and start date -------------------------------------------------------------


def test_a_project_gets_an_owner_and_a_start_date_shown_by_name(tenant):
    owner = add_named_person(tenant, "client", name="Olga Owner")
    made = _project(tenant.admin, owner=_user_id(tenant, owner), start_date="2026-03-02",
                    target_completion="2026-09-30")
    assert made.values["owner"] == _user_id(tenant, owner) and made.values["start_date"] == "2026-03-02"
    assert made.assignee_id is None  # the owner is not the assignee
    detail = records.get_detail(tenant.admin, record_id=made.id)
    keys = [f.key for f in detail.fields]
    assert keys.index("owner") < keys.index("start_date") < keys.index("contract_value")
    assert detail.names[made.values["owner"]] == "Olga Owner"
    [row] = factories.audit_rows(tenant.tenant_id, "record.create")
    assert row.after["values"]["owner"] == made.values["owner"]
    assert row.after["values"]["start_date"] == "2026-03-02"


def test_an_owner_from_outside_the_tenant_is_refused_at_the_field_and_nothing_is_written(tenant):
    other = new_tenant()
    outsider = _user_id(other, other.admin_email)
    before = _written(tenant)
    for owner in (outsider, "not-an-id"):
        with pytest.raises(ValidationFailed) as refused:
            _project(tenant.admin, owner=owner)
        assert refused.value.fields == {"owner": NOT_A_MEMBER}
    assert _written(tenant) == before


def test_a_start_after_the_target_completion_is_refused_at_the_field_that_was_entered(tenant):
    before = _written(tenant)
    with pytest.raises(ValidationFailed) as refused:
        _project(tenant.admin, start_date="2026-10-01", target_completion="2026-09-30")
    assert refused.value.fields == {"start_date": START_AFTER}
    assert refused.value.params_for("start_date") == {"date": "2026-09-30"}
    assert _written(tenant) == before
    made = _project(tenant.admin, start_date="2026-09-30", target_completion="2026-09-30")  # the same day is fine
    with pytest.raises(ValidationFailed) as moved:
        records.update_record(tenant.admin, record_id=made.id, expected_version=made.version,
                              values={"target_completion": "2026-09-01"})
    assert moved.value.fields == {"target_completion": TARGET_BEFORE}
    assert moved.value.params_for("target_completion") == {"date": "2026-09-30"}
    with pytest.raises(ValidationFailed):  # what a transition dialog sends is checked the same way
        records.transition_inputs(tenant.admin, record_id=made.id, to_state="execution",
                                  raw={"target_completion": "2026-01-01"})
    after = records.get_detail(tenant.admin, record_id=made.id).record
    assert (after.version, after.values["target_completion"]) == (made.version, "2026-09-30")
    assert factories.audit_rows(tenant.tenant_id, "record.update") == []


def test_changing_the_owner_is_audited_with_before_and_after(tenant):
    first = _user_id(tenant, add_named_person(tenant, "client", name="Olga Owner"))
    second = _user_id(tenant, add_named_person(tenant, "manager", name="Max Manager"))
    made = _project(tenant.admin, owner=first)
    updated = records.update_record(tenant.admin, record_id=made.id, expected_version=made.version,
                                    values={"owner": second, "start_date": "2026-04-01"})
    assert updated.values["owner"] == second and updated.version == made.version + 1
    [row] = factories.audit_rows(tenant.tenant_id, "record.update")
    assert row.before == {"owner": first, "start_date": None}
    assert row.after == {"owner": second, "start_date": "2026-04-01"}
    change = next(e for e in comments.timeline(tenant.admin, record_id=made.id) if e.kind == "change")
    assert {"field": "owner", "before": first, "after": second} in change.data["changes"]


def test_a_non_staff_owner_sees_the_project_and_another_member_does_not(tenant):
    owner_email = add_named_person(tenant, "client", name="Olga Owner")
    owner, stranger = ctx_for(owner_email), ctx_for(add_named_person(tenant, "client", name="Sam Stranger"))
    assert not owner.can(records.EDIT["project"]) and owner.can(records.READ["project"])
    owned = _project(tenant.admin, owner=_user_id(tenant, owner_email))
    _project(tenant.admin, title="Someone else's")
    assert records.get_detail(owner, record_id=owned.id).record.reference == owned.reference
    assert records.get_detail(owner, reference=owned.reference).can_edit is False
    with pytest.raises(NotFound):
        records.get_detail(stranger, record_id=owned.id)
    assert [c.reference for c in boards.board(owner, kind="project", workflow_key="project").cards] == [
        owned.reference]
    assert boards.board(stranger, kind="project", workflow_key="project").cards == ()
    assert [r.reference for r in listing.list_records(owner, ListQuery(kind="project")).rows] == [owned.reference]
    assert listing.list_records(stranger, ListQuery(kind="project")).rows == []


def test_the_owner_counts_as_mine_for_projects(tenant):
    owner_email = add_named_person(tenant, "manager", name="Max Manager")
    owner = ctx_for(owner_email)
    owned = _project(tenant.admin, owner=_user_id(tenant, owner_email))
    _project(tenant.admin, title="Not mine")
    created = _project(owner, title="Created by me")
    inst = WorkflowInstance.__table__.c
    with db.tenant_session(tenant.tenant_id) as session:
        mine = set(session.scalars(select(inst.id).where(records.visible_clause(owner, "project"),
                                                         records.mine_clause(owner, "project"))))
    assert mine == {owned.instance_id, created.instance_id}


def test_the_lists_mine_filter_includes_owned_projects(tenant):
    owner_email = add_named_person(tenant, "manager", name="Max Manager")
    owned = _project(tenant.admin, owner=_user_id(tenant, owner_email))
    page = listing.list_records(ctx_for(owner_email), ListQuery(kind="project", mine=True))
    assert [r.reference for r in page.rows] == [owned.reference]


def test_projects_sort_by_start_date_in_the_list(tenant):
    late = _project(tenant.admin, title="Late", start_date="2026-06-01")
    early = _project(tenant.admin, title="Early", start_date="2026-02-01")
    none = _project(tenant.admin, title="Undated")
    page = listing.list_records(tenant.admin, ListQuery(kind="project", sort="field:start_date", descending=False))
    assert [r.reference for r in page.rows] == [early.reference, late.reference, none.reference]
    assert page.rows[0].values["start_date"] == "2026-02-01"


# --- assets: operational status ----------------------------------------------------------------


def test_an_asset_is_up_unless_created_otherwise(tenant):
    assert _asset(tenant.admin).values["operational_status"] == "up"
    assert _asset(tenant.admin, operational_status="").values["operational_status"] == "up"
    assert _asset(tenant.admin, operational_status="down").values["operational_status"] == "down"
    with pytest.raises(ValidationFailed) as refused:
        _asset(tenant.admin, operational_status="sideways")
    assert refused.value.fields == {"operational_status": "Choose one of the listed options."}


def test_marking_an_asset_down_is_audited_and_independent_of_its_lifecycle(tenant):
    made = _asset(tenant.admin)
    down = records.update_record(tenant.admin, record_id=made.id, expected_version=made.version,
                                 values={"operational_status": "down"})
    assert (down.values["operational_status"], down.state, down.version) == ("down", "planned", made.version + 1)
    [row] = factories.audit_rows(tenant.tenant_id, "record.update")
    assert (row.before, row.after) == ({"operational_status": "up"}, {"operational_status": "down"})
    manager_email = add_named_person(tenant, "manager", name="Max Manager")
    [member] = users.list_members(tenant.admin, search=manager_email)
    users.update_member(tenant.admin, user_id=member.user_id, name=member.name, roles=["manager", "asset_manager"],
                        status="active")
    perform(ctx=ctx_for(manager_email), instance_id=made.instance_id, transition_id="procure",
            expected_version=down.version, inputs={"purchase_cost": {"amount": "42000", "currency": "EUR"},
                                                   "purchase_order": "PO-7"})
    moved = records.get_detail(tenant.admin, record_id=made.id).record
    assert (moved.state, moved.values["operational_status"]) == ("procured", "down")
    row = next(r for r in listing.list_records(tenant.admin, ListQuery(kind="asset")).rows if r.record_id == made.id)
    assert row.values["operational_status"] == "down"  # the list's Status column reads it


def test_the_asset_list_filters_on_operational_status(tenant):
    up, down = _asset(tenant.admin), _asset(tenant.admin, title="Boiler 2", operational_status="down")
    query = ListQuery(kind="asset", field_filters=(FieldFilter(key="operational_status", op="eq", value="down"),))
    assert [r.reference for r in listing.list_records(tenant.admin, query).rows] == [down.reference]
    assert up.reference not in {r.reference for r in listing.list_records(tenant.admin, query).rows}
