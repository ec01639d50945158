"""The board benchmark's world: one tenant with the maintenance_request template published and
`--cards` requests created and moved through the use cases (see bench/board.py)."""

from __future__ import annotations

import argparse
import random
import uuid
from typing import Any

from serve import PASSWORD

from storage import db

WORKFLOW = "maintenance_request"
# Card spread beyond the drop cards (fractions of the rest; the remainder stays in draft).
SPREAD = (("submitted", 0.20), ("manager_approval", 0.20), ("vendor_assignment", 0.20), ("rejected", 0.10),
          ("cancelled", 0.10))
CATEGORIES = ("hvac", "plumbing", "electrical", "cleaning", "other")
PRIORITIES = ("low", "normal", "normal", "high", "urgent")
TAGS = ((), (), ("leak",), ("urgent-fix", "floor-2"), ("noise",))


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from domain.context import Ctx
    from domain.iam import auth, tenants, users, vendors
    from domain.iam.tenants import PLATFORM_TENANT_ID
    from domain.records import service as records
    from domain.workflows.templates import publish_template

    platform = Ctx(tenant_id=PLATFORM_TENANT_ID, user_id=None, actor_label="bench", is_platform_admin=True)
    tag = uuid.uuid4().hex[:8]
    admin_email = f"admin-{tag}@bench.test"
    tenants.create_tenant(platform, tenants.NewTenant(
        name="Bench", slug=f"bench-{tag}", admin_email=admin_email, admin_name="Bench Admin", admin_password=PASSWORD))

    def sign_in(email: str) -> Ctx:
        _token, info = auth.login(email=email, password=PASSWORD, ip="127.0.0.1")
        return auth.context_for(info)

    admin = sign_in(admin_email)
    publish_template(admin, key=WORKFLOW)  # also creates the custom roles it names (director)
    records.ensure_default_types(admin)
    emails = {}
    for role, name in (("requester", "Rob Requester"), ("manager", "Mia Manager"), ("dispatcher", "Dan Dispatcher")):
        emails[role] = f"{role}-{tag}@bench.test"
        users.add_member(admin, email=emails[role], name=name, roles=[role], password=PASSWORD)
        _clear_password_change(emails[role])
    requester, manager = sign_in(emails["requester"]), sign_in(emails["manager"])
    vendor_ids = [str(vendors.save_vendor(admin, vendor_id=None, name=f"Vendor {n}", trades=["plumbing"],
                                          status="active").id) for n in range(3)]

    rng = random.Random(7)
    drop_count = args.drops * 2  # the browser's drops, then as many for the bare-perform reference
    rest = args.cards - drop_count
    plan = [state for state, share in SPREAD for _ in range(int(rest * share))]
    plan += ["draft"] * (rest - len(plan))
    rng.shuffle(plan)
    plan += ["drop"] * drop_count  # reviewed last: the newest in manager_approval, at the top of its column

    def cost_for(goal: str) -> dict[str, str] | None:
        if goal in ("drop", "vendor_assignment"):  # approvable by the manager
            return {"amount": "1200", "currency": "EUR"}
        choice = rng.choice(("1200", "1200", "7000", None))  # approvable, needs a director, needs the estimate
        return {"amount": choice, "currency": "EUR"} if choice else None

    created = []
    for n, goal in enumerate(plan):
        values: dict[str, Any] = {"title": f"{rng.choice(('Leaking tap', 'Broken window', 'No heating', 'Door'))} "
                                           f"{n + 1}", "category": rng.choice(CATEGORIES),
                                  "priority": rng.choice(PRIORITIES)}
        cost = cost_for(goal)
        if cost is not None:
            values["cost_estimate"] = cost
        if rng.random() < 0.3:
            values["vendor"] = rng.choice(vendor_ids)
        view = records.create_record(requester, kind="request", type_key="maintenance", values=values,
                                     tags=rng.choice(TAGS))
        created.append((goal, view))
        if (n + 1) % 500 == 0:
            print(f"  created {n + 1} requests")

    spread: dict[str, int] = {}
    drops: list[dict[str, Any]] = []
    for goal, view in created:
        state, version = _advance(view, goal, requester, manager)
        spread[state] = spread.get(state, 0) + 1
        if goal == "drop":
            drops.append({"instance_id": view.instance_id, "ref": view.reference, "version": version})
    drops.reverse()  # newest first: the order the column shows them
    return {"admin": admin, "requester": requester, "manager": manager, "manager_email": emails["manager"],
            "drops": drops[:args.drops], "reference_drops": drops[args.drops:], "spread": spread,
            "tenant_id": admin.tenant_id}


def _advance(view: Any, goal: str, requester: Any, manager: Any) -> tuple[str, int]:
    """Move a new request to the state `goal` names (drop cards to manager_approval)."""
    from domain.workflows.perform import perform

    version, state = view.version, "draft"
    steps = {"draft": [], "cancelled": [(requester, "cancel")], "submitted": [(requester, "submit")],
             "rejected": [(requester, "submit"), (manager, "reject")],
             "manager_approval": [(requester, "submit"), (manager, "review")],
             "drop": [(requester, "submit"), (manager, "review")],
             "vendor_assignment": [(requester, "submit"), (manager, "review"), (manager, "approve")]}[goal]
    for ctx, transition in steps:
        done = perform(ctx=ctx, instance_id=view.instance_id, transition_id=transition, expected_version=version,
                       comment="Not our building" if transition == "reject" else None)
        version, state = done.version, done.to_state
    return state, version


def vacuum(owner_url: str) -> None:
    """Planner statistics as an established database's would be (as bench/transitions.py)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("vacuum analyze records, workflow_instances, workflow_definitions, workflow_versions"))
    engine.dispose()


def _clear_password_change(email: str) -> None:
    """New members must change their password at first sign-in (as tests/factories.py skips it)."""
    from sqlalchemy import update

    from domain.iam.models import User

    with db.global_session() as session:
        session.execute(update(User).where(User.email == email).values(must_change_password=False))
