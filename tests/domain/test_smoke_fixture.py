from domain.iam import users
from tests.factories import add_person, new_tenant


def test_new_tenant_admin_can_list_members(database):
    bundle = new_tenant()
    add_person(bundle, "viewer")
    members = users.list_members(bundle.admin)
    assert sorted(m.roles[0] for m in members) == ["admin", "viewer"]
