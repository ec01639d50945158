"""Operations: JSON logs carry context; health reports the database honestly."""

from __future__ import annotations

import json
import logging

from domain.ops import health, logs, metrics
from storage import db


def test_json_log_lines_carry_request_tenant_and_user():
    record = logging.LogRecord("baton.test", logging.WARNING, __file__, 1, "moved %s", ("REQ-1",), None)
    record.count = 3
    tokens = [logs.request_id.set("r-1"), logs.tenant.set("acme"), logs.user.set("ada@acme.example")]
    try:
        line = json.loads(logs.JsonFormatter().format(record))
    finally:
        for var, token in zip((logs.request_id, logs.tenant, logs.user), tokens, strict=True):
            var.reset(token)
    assert line["message"] == "moved REQ-1"
    assert line["level"] == "WARNING"
    assert (line["request_id"], line["tenant"], line["user"]) == ("r-1", "acme", "ada@acme.example")
    assert line["count"] == 3


def test_health_is_ok_with_the_database_and_error_without(database):
    assert health.check()["status"] == "ok"
    assert b"baton_database_up 1.0" in metrics.render()
    db.configure("postgresql+psycopg://nobody:@/nowhere?host=/nonexistent-socket-dir")
    try:
        result = health.check()
    finally:
        db.configure(database.app)
    assert result["status"] == "error"
    assert result["database"] == "unreachable"
    assert b"baton_database_up 0.0" in metrics.render()
