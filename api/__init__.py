"""HTTP endpoints outside the console: health, metrics (the REST API grows here)."""

from __future__ import annotations

import time
import uuid

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from nicegui import run

from domain.ops import health, logs, metrics


def register(app: FastAPI) -> None:
    """Add /healthz, /metrics and the request-context middleware to `app`."""

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        result = await run.io_bound(health.check)
        return JSONResponse(result, status_code=200 if result["status"] == "ok" else 503)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.middleware("http")
    async def request_context(request: Request, call_next):  # type: ignore[no-untyped-def]
        token = logs.request_id.set(request.headers.get("x-request-id") or uuid.uuid4().hex[:16])
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            logs.request_id.reset(token)
        metrics.http_requests.labels(request.method, str(response.status_code)).inc()
        metrics.http_latency.labels(request.method).observe(time.perf_counter() - started)
        return response
