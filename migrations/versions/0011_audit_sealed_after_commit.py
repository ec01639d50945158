"""Audit events are chained ("sealed") just after they commit, not while they are written.

The chain trigger took a per-tenant lock at every audit insert and held it until the
writing transaction had committed, WAL flush included, so a tenant's writers committed
one at a time. Now (ADR 0012):

- An insert only stamps the event: `created_at = clock_timestamp()`, `seq`, `prev_hash`
  and `hash` left NULL (whatever the writer sent): no lock, nothing read.
- `baton_audit_seal(max)` chains the current tenant's committed, unsealed events in
  (created_at, id) order: `seq` the next number, `prev_hash` the chain head's hash, `hash`
  by the same formula as before. It takes the tenant's chain lock for its own short
  transaction only. It is SECURITY DEFINER: the application role still has no UPDATE
  grant on the table, and the update trigger lets a row change only from unsealed to
  sealed, with nothing else changed, inside this function.
- `baton_audit_seal_all(max)` does the same for every tenant with unsealed events, skipping
  a tenant another sealer holds (the sealing job, which runs outside any tenant).

Events written before this migration are sealed already and keep their chain.

Revision ID: 0011_audit_sealed_after_commit
Revises: 0010_announce_after_commit
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import context, op

revision: str = "0011_audit_sealed_after_commit"
down_revision: str | None = "0010_announce_after_commit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HASH = """encode(sha256(convert_to(concat_ws(chr(31),
      {prev}, {seq}::text, e.tenant_id::text, e.id::text,
      coalesce(e.actor_id::text, ''), e.actor_label, e.action, e.entity_type, e.entity_id,
      coalesce(e.before::text, 'null'), coalesce(e.after::text, 'null'), e.ip,
      to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')), 'UTF8')), 'hex')"""

FUNCTIONS = r"""
create function baton_audit_stamp() returns trigger language plpgsql as $$
begin
  new.seq := null;
  new.prev_hash := null;
  new.hash := null;
  new.created_at := clock_timestamp();
  return new;
end $$;

create function baton_audit_guard_update() returns trigger language plpgsql as $$
begin
  if current_setting('baton.sealing', true) = 'on' and old.hash is null and new.hash is not null
     and (new.tenant_id, new.id, new.actor_id, new.actor_label, new.action, new.entity_type, new.entity_id,
          new.before, new.after, new.ip, new.created_at)
         is not distinct from
         (old.tenant_id, old.id, old.actor_id, old.actor_label, old.action, old.entity_type, old.entity_id,
          old.before, old.after, old.ip, old.created_at) then
    return new;  -- sealing: an unsealed event gets its place in the chain, nothing else changes
  end if;
  raise exception 'audit_events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end $$;

create function baton_audit_seal_tenant(tenant uuid, max_events integer) returns integer
language plpgsql as $$
declare
  head_seq bigint;
  head_hash text;
  e record;
  sealed integer := 0;
begin
  select a.seq, a.hash into head_seq, head_hash from public.audit_events a
    where a.tenant_id = tenant and a.seq is not null order by a.seq desc limit 1;
  head_seq := coalesce(head_seq, 0);
  head_hash := coalesce(head_hash, repeat('0', 64));
  perform set_config('baton.sealing', 'on', true);
  for e in select * from public.audit_events a where a.tenant_id = tenant and a.hash is null
           order by a.created_at, a.id limit max_events loop
    head_seq := head_seq + 1;
    update public.audit_events set seq = head_seq, prev_hash = head_hash,
      hash = HASH_OF_E
      where tenant_id = tenant and id = e.id
      returning hash into head_hash;
    sealed := sealed + 1;
  end loop;
  perform set_config('baton.sealing', 'off', true);
  return sealed;
end $$;

create function baton_audit_seal(max_events integer) returns integer
language plpgsql security definer set search_path = public, pg_catalog, pg_temp as $$
declare
  tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
begin
  if tenant is null then
    raise exception 'baton_audit_seal needs the tenant scope (app.tenant_id)';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('baton.audit:' || tenant::text, 0));
  return public.baton_audit_seal_tenant(tenant, max_events);
end $$;

create function baton_audit_seal_all(max_per_tenant integer) returns integer
language plpgsql security definer set search_path = public, pg_catalog, pg_temp as $$
declare
  scope text := current_setting('app.tenant_id', true);
  tenant uuid;
  sealed integer := 0;
begin
  for tenant in select t.id from public.tenants t loop
    perform set_config('app.tenant_id', tenant::text, true);  -- the tenant policy, as for any reader
    if exists (select 1 from public.audit_events a where a.tenant_id = tenant and a.hash is null)
       and pg_try_advisory_xact_lock(hashtextextended('baton.audit:' || tenant::text, 0)) then
      sealed := sealed + public.baton_audit_seal_tenant(tenant, max_per_tenant);
    end if;  -- a tenant being sealed elsewhere is left to that sealer
  end loop;
  perform set_config('app.tenant_id', coalesce(scope, ''), true);
  return sealed;
end $$;
""".replace("HASH_OF_E", _HASH.format(prev="head_hash", seq="head_seq"))

OLD_CHAIN = r"""
create or replace function baton_audit_chain() returns trigger language plpgsql as $$
declare
  last_seq bigint;
  last_hash text;
begin
  perform pg_advisory_xact_lock(hashtextextended('baton.audit:' || new.tenant_id::text, 0));
  select seq, hash into last_seq, last_hash from audit_events
    where tenant_id = new.tenant_id order by seq desc limit 1;
  new.seq := coalesce(last_seq, 0) + 1;
  new.prev_hash := coalesce(last_hash, repeat('0', 64));
  new.created_at := clock_timestamp();
  new.hash := encode(sha256(convert_to(concat_ws(chr(31),
      new.prev_hash, new.seq::text, new.tenant_id::text, new.id::text,
      coalesce(new.actor_id::text, ''), new.actor_label, new.action, new.entity_type, new.entity_id,
      coalesce(new.before::text, 'null'), coalesce(new.after::text, 'null'), new.ip,
      to_char(new.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')), 'UTF8')), 'hex');
  return new;
end $$;
"""


def upgrade() -> None:
    app_role = context.config.attributes.get("app_role", "baton_app")
    op.execute("drop trigger audit_events_chain on audit_events")
    op.execute("drop trigger audit_events_append_only on audit_events")
    op.execute("drop function baton_audit_chain()")
    op.execute("alter table audit_events alter column seq drop not null, alter column prev_hash drop not null, "
               "alter column hash drop not null")
    op.execute(FUNCTIONS)
    op.execute("create trigger audit_events_stamp before insert on audit_events "
               "for each row execute function baton_audit_stamp()")
    op.execute("create trigger audit_events_append_only before delete on audit_events "
               "for each row execute function baton_audit_reject_change()")
    op.execute("create trigger audit_events_seal_only before update on audit_events "
               "for each row execute function baton_audit_guard_update()")
    # the sealing job finds a tenant's unsealed events without reading the sealed ones
    op.execute("create index ix_audit_events_unsealed on audit_events (tenant_id, created_at, id) "
               "where hash is null")
    op.execute("revoke all on function baton_audit_seal_tenant(uuid, integer) from public")
    for function in ("baton_audit_seal(integer)", "baton_audit_seal_all(integer)"):
        op.execute(f"revoke all on function {function} from public")
        op.execute(f"grant execute on function {function} to {app_role}")


def downgrade() -> None:
    # seal what is pending (the old trigger chains from the newest sealed event), then restore it
    op.execute("select baton_audit_seal_all(2147483647)")
    op.execute("drop trigger audit_events_stamp on audit_events")
    op.execute("drop trigger audit_events_seal_only on audit_events")
    op.execute("drop trigger audit_events_append_only on audit_events")
    op.execute("drop index ix_audit_events_unsealed")
    for function in ("baton_audit_seal(integer)", "baton_audit_seal_all(integer)",
                     "baton_audit_seal_tenant(uuid, integer)", "baton_audit_stamp()", "baton_audit_guard_update()"):
        op.execute(f"drop function {function}")
    op.execute("alter table audit_events alter column seq set not null, alter column prev_hash set not null, "
               "alter column hash set not null")
    op.execute(OLD_CHAIN)
    op.execute("create trigger audit_events_chain before insert on audit_events "
               "for each row execute function baton_audit_chain()")
    op.execute("create trigger audit_events_append_only before update or delete on audit_events "
               "for each row execute function baton_audit_reject_change()")
