"""Functions that run as their owner never resolve names in a schema their caller controls."""

from __future__ import annotations

from tests.factories import owner_sql


def test_every_security_definer_function_searches_pg_temp_last(database):  # type: ignore[no-untyped-def]
    rows = owner_sql("select proname, proconfig from pg_proc join pg_namespace n on n.oid = pronamespace "
                     "where prosecdef and nspname = 'public' order by proname")
    assert rows, "no security-definer function found: did the migrations run?"
    paths = {name: next((c.split("=", 1)[1] for c in config or [] if c.startswith("search_path=")), None)
             for name, config in rows}
    assert {name: path for name, path in paths.items() if path is None or not path.endswith("pg_temp")} == {}
