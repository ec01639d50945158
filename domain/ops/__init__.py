"""Operations: structured logs with request context, metrics, health."""
