"""Reusable, domain-free UI components (custom Vue components with a thin Python side)."""
