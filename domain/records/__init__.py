"""Records (requests, projects, assets): their typed fields, storage and use cases."""
