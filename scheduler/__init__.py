"""APScheduler (3.x) on NiceGUI's event loop: a tick that triggers sweeps; the truth is in Postgres."""
