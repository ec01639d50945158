"""Storage: PostgreSQL (embedded or external), tenant-scoped sessions, migrations."""
