"""Workflows as data: definitions and their versions, instances, history, and the one path
that changes an instance's state (`domain.workflows.perform.perform`)."""
