"""The workflow engine: pure functions over frozen dataclasses (standard library, jsonschema, pyyaml).

It imports nothing of Baton's and no web, database or scheduler module; a test
checks this. The definition format, validator, conditions, `available_actions`,
`fire` and SLA arithmetic land here with the "Workflow engine" issue.
"""
