"""Lists filter and sort on custom fields through an index of their values that row-level
security lets PostgreSQL use; indexes that let a list count from indexes alone.

`workflow_field_values` holds one row per top-level key of an instance's `fields` (its JSON
type in `jtype`; the text of a string or boolean of at most TEXT_MAX characters in `txt`; the
number of a number, a numeric string or a money amount in `num` and, as a double, in `numf`)
and one row per short string element of an array (`jtype` 'e'). The
`workflow_instances_field_values` triggers keep it in step in the same transaction (an insert
statement's instances at once; an update only for the keys that changed); nothing else writes
it, so the application role may only read it. Lists
compare it with `=`, `<`, `>=` on text, double precision, uuid and bigint, which are
leakproof: under RLS the planner uses its indexes and statistics, which it never does for
`jsonb @>` or `->>` (migration 0007). Its tenant policy is the same as every other table's.

The trigger functions are SECURITY DEFINER so that the application role needs no write grant;
they write only rows derived from the instance rows being written (whose tenant the instance
table's own policy has just checked: the rows of the statement's transition table, or NEW),
name their own tables and functions with their schema and search pg_catalog before pg_temp
(no temporary object can stand in for one of them). `baton_field_rows` is a plain function of
its argument.

Revision ID: 0008_list_pages
Revises: 0007_list_indexes
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0008_list_pages"
down_revision: str | None = "0007_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_MAX = 100  # as domain.records.field_index: the longest option a field may have; longer strings are free text
TENANT = "(select nullif(current_setting('app.tenant_id', true), '')::uuid)"
FUNCTIONS = f"""
create function baton_field_rows(fields jsonb)
returns table (key text, jtype char(1), txt text, num numeric, numf double precision)
language sql immutable strict parallel safe as $$
  select e.key, v.jtype, v.txt, v.num, v.numf
    from jsonb_each(fields) e
   cross join lateral (
     select t.jtype, case when t.jtype in ('s', 'b') and length(t.scalar) <= {TEXT_MAX} then t.scalar end,
            case when t.ok then t.numeral::numeric end, case when t.ok then t.numeral::float8 end
       from (select n.*, n.numeral is not null and pg_input_is_valid(n.numeral, 'float8')
                         and pg_input_is_valid(n.numeral, 'numeric') as ok
               from (select case jsonb_typeof(e.value) when 'string' then 's' when 'number' then 'n'
                                 when 'boolean' then 'b' when 'object' then 'o' when 'array' then 'a' else 'z'
                            end as jtype,
                            e.value #>> '{{}}' as scalar,
                            case jsonb_typeof(e.value) when 'object' then e.value ->> 'amount'
                                 when 'string' then e.value #>> '{{}}' when 'number' then e.value #>> '{{}}'
                            end as numeral) n) t
     union all
     select 'e', x #>> '{{}}', null, null
       from jsonb_array_elements(case jsonb_typeof(e.value) when 'array' then e.value else '[]' end) x
      where jsonb_typeof(x) = 'string' and length(x #>> '{{}}') <= {TEXT_MAX}
   ) v (jtype, txt, num, numf)
$$;

create function baton_index_new_instances() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  insert into public.workflow_field_values (tenant_id, instance_id, subject_type, record_number, key, jtype, txt,
                                            num, numf)
  select n.tenant_id, n.id, n.subject_type, n.record_number, r.key, r.jtype, r.txt, r.num, r.numf
    from new_instances n cross join lateral public.baton_field_rows(n.fields) r;
  return null;
end $$;

create function baton_reindex_instance() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.record_number is distinct from old.record_number or new.subject_type <> old.subject_type then
    delete from public.workflow_field_values f where f.tenant_id = old.tenant_id and f.instance_id = old.id;
  else  -- only the keys whose value changed
    delete from public.workflow_field_values f
     where f.tenant_id = old.tenant_id and f.instance_id = old.id
       and f.key in (select o.key from jsonb_each(old.fields) o where (new.fields -> o.key) is distinct from o.value);
  end if;
  insert into public.workflow_field_values (tenant_id, instance_id, subject_type, record_number, key, jtype, txt,
                                            num, numf)
  select new.tenant_id, new.id, new.subject_type, new.record_number, r.key, r.jtype, r.txt, r.num, r.numf
    from public.baton_field_rows(new.fields) r
   where new.record_number is distinct from old.record_number or new.subject_type <> old.subject_type
      or (old.fields -> r.key) is distinct from (new.fields -> r.key);
  return null;
end $$;
"""


def upgrade() -> None:
    app_role = context.config.attributes.get("app_role", "baton_app")
    op.create_table(
        "workflow_field_values",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("instance_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_type", sa.String(30), nullable=False),
        sa.Column("record_number", sa.BigInteger(), nullable=True),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("jtype", sa.CHAR(1), nullable=False),
        sa.Column("txt", sa.Text(), nullable=True),
        sa.Column("num", sa.Numeric(), nullable=True),
        sa.Column("numf", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id", "instance_id"], ["workflow_instances.tenant_id", "workflow_instances.id"],
                                ondelete="CASCADE"),
    )
    op.execute(FUNCTIONS)
    op.execute("insert into workflow_field_values (tenant_id, instance_id, subject_type, record_number, key, jtype, "
               "txt, num, numf) select i.tenant_id, i.id, i.subject_type, i.record_number, r.key, r.jtype, r.txt, "
               "r.num, r.numf from workflow_instances i cross join lateral baton_field_rows(i.fields) r")
    # equality, text ranges and text sorts (a value's rows come in reference order); numeric ranges and sorts;
    # an instance's rows (the trigger, the cascade, and probing one instance's value)
    op.execute("create index ix_workflow_field_values_text on workflow_field_values "
               "(tenant_id, subject_type, key, jtype, txt, record_number) include (instance_id)")
    op.execute("create index ix_workflow_field_values_number on workflow_field_values "
               "(tenant_id, subject_type, key, numf, num, record_number) include (instance_id, jtype) "
               "where numf is not null")
    op.execute("create index ix_workflow_field_values_instance on workflow_field_values "
               "(tenant_id, instance_id, key) include (subject_type, jtype, txt, numf)")
    # a list joins every instance to its record on (tenant, kind, id), and walks a kind's instances in id
    # order to meet the index rows of a filter (a merge join): both from these indexes alone, not the heap
    op.create_index("ix_records_kind_id", "records", ["tenant_id", "kind", "id"])
    op.execute("create index ix_workflow_instances_kind_id on workflow_instances (tenant_id, subject_type, id) "
               "include (subject_id)")
    op.execute("create statistics st_workflow_field_values_key (dependencies, mcv) "
               "on subject_type, key, jtype, txt from workflow_field_values")
    op.execute("create trigger workflow_instances_field_values after insert on workflow_instances "
               "referencing new table as new_instances for each statement "
               "execute function baton_index_new_instances()")
    op.execute("create trigger workflow_instances_field_values_changed after update of fields, record_number, "
               "subject_type on workflow_instances for each row when (old.fields is distinct from new.fields "
               "or old.record_number is distinct from new.record_number or old.subject_type <> new.subject_type) "
               "execute function baton_reindex_instance()")
    op.execute("alter table workflow_field_values enable row level security")
    op.execute("alter table workflow_field_values force row level security")
    op.execute(f"create policy tenant_isolation on workflow_field_values using (tenant_id = {TENANT}) "
               f"with check (tenant_id = {TENANT})")
    op.execute(f"grant select on workflow_field_values to {app_role}")
    for function in ("baton_index_new_instances()", "baton_reindex_instance()"):
        op.execute(f"revoke all on function {function} from public")
    op.execute("analyze workflow_field_values")


def downgrade() -> None:
    op.execute("drop trigger if exists workflow_instances_field_values_changed on workflow_instances")
    op.execute("drop trigger if exists workflow_instances_field_values on workflow_instances")
    op.drop_table("workflow_field_values")
    op.drop_index("ix_workflow_instances_kind_id", "workflow_instances")
    op.drop_index("ix_records_kind_id", "records")
    op.execute("drop function if exists baton_reindex_instance()")
    op.execute("drop function if exists baton_index_new_instances()")
    op.execute("drop function if exists baton_field_rows(jsonb)")
