"""Business areas: each package holds its tables and the use cases that own transactions."""
