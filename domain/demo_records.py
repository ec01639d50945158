"""Demo records: buildings, assets, projects and a few hundred requests spread over their
workflows' states, so every board looks like real work on first start. Projects have an
owner and a start date before their target completion; a handful of assets are down (most
of them in maintenance or out of service, one or two while in service).

Records are created and moved through the real use cases (`create_record`, `perform`)
by the demo people, each acting within their roles: a random but seeded walk over the
actions each person is offered, filling in the fields and comments a transition asks for.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import text

from domain.context import Ctx
from domain.errors import DomainError
from domain.iam import auth, users
from domain.iam import vendors as vendors_uc
from domain.records import service as records
from domain.records.models import Building
from domain.workflows import instances
from domain.workflows.perform import perform
from engine.model import Definition
from storage import db

# demo person -> the roles they hold (system roles plus the templates' own)
STAFFING = {
    "manager@acme.example": ["manager", "change_manager", "incident_manager", "project_manager", "asset_manager",
                             "facilities_manager", "director", "finance", "change_board", "compliance_officer",
                             "risk_manager"],
    "dispatcher@acme.example": ["dispatcher", "service_desk", "on_call", "procurement", "technical_assessor"],
    "tech@acme.example": ["technician", "implementer", "responder", "site_supervisor"],
    "requester@acme.example": ["requester", "reporter", "client"],
}
BUILDINGS = (("Harbour Tower", "HT", "1 Harbour Way"), ("North Campus", "NC", "20 College Rd"),
             ("Riverside Depot", "RD", "5 Quay Street"), ("Old Town Offices", "OT", "12 Plaza Mayor"))
TITLES = {
    "maintenance": ("Leaking tap in kitchen", "Flickering lights in corridor", "Door closer broken",
                    "Air conditioning too cold", "Blocked drain in washroom", "Lift making noise",
                    "Window will not close", "Replace ceiling tiles", "Heating not working",
                    "Fire door wedged open", "Power socket sparking", "Water stain on ceiling"),
    "change": ("Upgrade access control firmware", "Replace chiller controller", "Move server rack",
               "New badge readers at entrance", "Patch building management system"),
    "incident": ("Power outage on floor 3", "Water leak in server room", "Lift stuck between floors",
                 "Fire alarm fault", "Network down in east wing"),
}
DESCRIPTIONS = ("Reported by the front desk this morning.", "Seen during the weekly walk-round.",
                "Occupants on the floor asked for this twice.", "Follow-up from last month's inspection.")
COUNTS = {"maintenance": 160, "change": 36, "incident": 36}
# who owns the demo projects, as often as listed (the requester holds the client role)
PROJECT_OWNERS = ("manager@acme.example", "manager@acme.example", "admin@acme.example", "requester@acme.example")
INSTALLED = ("out_of_service", "under_maintenance", "in_service", "installed")  # can be down; likeliest first


def load(tenant_id: UUID, admin: Ctx, password: str, *, seed: int = 42) -> int:
    """Staff the template roles, then create buildings, assets, projects and requests; returns how
    many records were created."""
    rng = random.Random(seed)
    members = {m.email: m for m in users.list_members(admin)}
    for email, role_keys in STAFFING.items():
        member = members[email]
        users.update_member(admin, user_id=member.user_id, name=member.name, roles=role_keys, status="active")
    people = [_sign_in(email, password) for email in STAFFING]
    vendor_person = _sign_in("vendor@sparkle.example", password)
    admin_person = _sign_in("admin@acme.example", password)  # creates projects: managers approve them
    staff = people[0].ctx
    records.ensure_default_types(staff)
    buildings = _buildings(tenant_id)
    created = 0
    assets: list[records.RecordView] = []
    for i in range(18):
        asset = _record(rng, [*people, vendor_person], staff, "asset", "asset", {
            "title": f"{rng.choice(('Boiler', 'Chiller', 'Lift', 'Generator', 'Air handler', 'Pump'))} {i + 1}",
            "building": str(rng.choice(buildings)), "asset_class": None,
            # installed in the past, so commissioning (installed_on before tomorrow) can put it in service
            "installed_on": (date.today() - timedelta(days=rng.randint(30, 900))).isoformat(),
            "warranty_until": (date.today() + timedelta(days=rng.randint(60, 700))).isoformat()},
            steps=rng.randint(0, 5))
        assets += [asset] if asset is not None else []
    created += len(assets)
    _some_down(rng, staff, assets)
    owners = [str(members[email].user_id) for email in PROJECT_OWNERS]
    for i in range(10):
        start = date.today() + timedelta(days=rng.randint(-120, 30))
        created += _record(rng, people, admin_person.ctx, "project", "project", {
            "title": f"{rng.choice(('Lobby refurbishment', 'Roof renewal', 'LED retrofit', 'Fit-out'))} {i + 1}",
            "contract_value": {"amount": str(rng.randrange(20_000, 400_000, 500)), "currency": "EUR"},
            "building": str(rng.choice(buildings)), "owner": rng.choice(owners), "start_date": start.isoformat(),
            "target_completion": (start + timedelta(days=rng.randint(60, 300))).isoformat()},
            steps=rng.randint(0, 5)) is not None
    for vendor in vendors_uc.list_vendors(staff):  # the demo vendors go through onboarding too
        view = records.enroll_vendor(staff, vendor_id=vendor.id)
        definition = records.workflow_of(staff, kind="vendor", workflow_key="vendor_onboarding")
        _walk(rng, [*people, vendor_person], view.instance_id, definition, steps=rng.randint(1, 4))
    requester = people[3].ctx
    for type_key, count in COUNTS.items():
        for _ in range(count):
            values = {"title": rng.choice(TITLES[type_key]), "building": str(rng.choice(buildings)),
                      "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
                      "due_date": (date.today() + timedelta(days=rng.randint(-5, 30))).isoformat()}
            created += _record(rng, [*people, vendor_person], requester if type_key != "change" else staff,
                               "request", type_key, values,
                               steps=rng.choice((0, 1, 2, 2, 3, 3, 4, 4, 5, 6))) is not None
    for person in [*people, vendor_person, admin_person]:
        auth.logout(person.token)
    _spread_over_weeks(tenant_id, seed)
    return created


def _spread_over_weeks(tenant_id: UUID, seed: int) -> None:
    """Work that was all created a minute ago looks fake: spread the demo's records over the
    last weeks (created up to 30 days ago, in their current column up to 12 days)."""
    with db.tenant_session(tenant_id) as session:
        session.execute(text("select setseed(:s)"), {"s": (seed % 1000) / 1000})
        session.execute(text(
            "update records set created_at = created_at - (random() * 30)::int * interval '1 day' "
            "- (random() * 600)::int * interval '1 minute' where tenant_id = :t"), {"t": tenant_id})
        session.execute(text(
            "update workflow_instances i set state_entered_at = greatest(r.created_at, i.state_entered_at "
            "- (random() * 12)::int * interval '1 day') from records r where i.tenant_id = :t "
            "and r.tenant_id = i.tenant_id and r.kind = i.subject_type and r.id = i.subject_id"), {"t": tenant_id})


class _Person:
    def __init__(self, ctx: Ctx, token: str) -> None:
        self.ctx, self.token = ctx, token


def _sign_in(email: str, password: str) -> Any:
    token, info = auth.login(email=email, password=password, ip="127.0.0.1")
    person = _Person(auth.context_for(info), token)
    return person


def _buildings(tenant_id: UUID) -> list[UUID]:
    with db.tenant_session(tenant_id) as session:
        rows = [Building(tenant_id=tenant_id, name=name, code=code, address=address)
                for name, code, address in BUILDINGS]
        session.add_all(rows)
        session.flush()
        return [b.id for b in rows]


def _some_down(rng: random.Random, staff: Ctx, assets: list[records.RecordView]) -> int:
    """Mark a realistic handful (3 or 4) of the installed assets down, those out of service or in
    maintenance first; returns how many."""
    current = [records.get_detail(staff, record_id=asset.id).record for asset in assets]
    installed = sorted((a for a in current if a.state in INSTALLED), key=lambda a: (INSTALLED.index(a.state),
                                                                                    rng.random()))
    down = installed[:rng.randint(3, 4)]
    for asset in down:
        records.update_record(staff, record_id=asset.id, expected_version=asset.version,
                              values={"operational_status": "down"})
    return len(down)


def _record(rng: random.Random, people: list[Any], creator: Ctx, kind: str, type_key: str,
            values: dict[str, Any], *, steps: int) -> records.RecordView | None:
    ctx = creator
    definition, form = records.form_for(ctx, kind=kind, type_key=type_key)
    builtin = set(records.BUILTINS[kind])
    for f in form:  # required custom fields get a value, most others too (as a careful person would)
        if values.get(f.key) is None and f.key not in builtin and (f.required or rng.random() < 0.8):
            values[f.key] = _sample(rng, f.type, f.options)
    values.setdefault("description", rng.choice(DESCRIPTIONS))
    values = {k: v for k, v in values.items() if v is not None and any(f.key == k for f in form)}
    try:
        view = records.create_record(ctx, kind=kind, type_key=type_key, values=values,
                                     tags=rng.sample(("urgent-fix", "tenant", "safety", "budget", "q3"),
                                                     rng.randint(0, 2)))
    except DomainError:
        return None
    _walk(rng, people, view.instance_id, definition, steps)
    return view


def _walk(rng: random.Random, people: list[Any], instance_id: UUID, definition: Definition, steps: int) -> None:
    """Take up to `steps` actions, each by someone offered it; forward moves first, and a
    record is cancelled or rejected only now and then."""
    version = None
    for step in range(steps):
        order = rng.sample(people, len(people))
        usable: list[tuple[Any, Any]] = []
        for person in order:
            try:
                options = instances.actions_for(person.ctx, instance_id=instance_id)
            except DomainError:
                continue
            usable = [(person, o) for o in options if o.permitted and (o.enabled or _fillable(o))]
            forward = [c for c in usable if definition.state(c[1].to).category not in ("cancelled",)]
            if forward and (rng.random() < 0.95 or step < steps - 1):
                usable = forward
                break
        if not usable:
            return
        person, option = rng.choice(usable)
        if version is None:
            version = instances.get_instance(person.ctx, instance_id=instance_id).version
        inputs = {key: _sample(rng, f.type, f.options) for key in option.missing_fields
                  if (f := definition.field(key)) is not None}
        try:
            version = perform(ctx=person.ctx, instance_id=instance_id, transition_id=option.transition_id,
                              expected_version=version, inputs=inputs or None,
                              comment="Checked on site." if option.requires_comment else None).version
        except DomainError:
            return


def _fillable(option: Any) -> bool:
    """Not enabled only because fields are missing (the transition dialog would ask for them)."""
    return bool(option.missing_fields) and all(r.msgid == "{field} is required to {action}."
                                               for r in option.reasons)


def _sample(rng: random.Random, ftype: str, options: tuple[str, ...]) -> Any:
    if ftype in ("select",) and options:
        return rng.choice(options)
    if ftype == "multiselect" and options:
        return rng.sample(list(options), min(2, len(options)))
    if ftype == "money":
        return {"amount": str(rng.randrange(100, 9_000, 50)), "currency": "EUR"}
    if ftype == "number":
        return rng.randint(1, 10)
    if ftype == "boolean":
        return rng.random() < 0.85
    if ftype == "date":
        return (date.today() + timedelta(days=rng.randint(-10, 40))).isoformat()
    if ftype == "datetime":
        return (date.today() + timedelta(days=rng.randint(1, 20))).isoformat() + "T09:00:00+00:00"
    return "Noted during the site visit."
