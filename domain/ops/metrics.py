"""Prometheus metrics of this process (text format at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

http_requests = Counter("baton_http_requests_total", "HTTP requests served", ["method", "status"],
                        registry=REGISTRY)
http_latency = Histogram("baton_http_request_seconds", "HTTP request latency", ["method"], registry=REGISTRY)
logins = Counter("baton_logins_total", "Sign-in attempts by outcome", ["outcome"], registry=REGISTRY)
connected_clients = Gauge("baton_connected_clients", "Browser connections open on this process",
                          registry=REGISTRY)
scheduler_runs = Counter("baton_scheduler_runs_total", "Scheduled job runs", ["job", "outcome"], registry=REGISTRY)
db_up = Gauge("baton_database_up", "1 when the last health check reached the database", registry=REGISTRY)


def render() -> bytes:
    return generate_latest(REGISTRY)
