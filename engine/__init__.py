"""The workflow engine: pure functions over frozen dataclasses (standard library, jsonschema, pyyaml).

It imports nothing of Baton's and no web, database or scheduler module; a test
checks this. Time is always passed in.

    validate_definition(doc) -> list[Problem]           never raises
    compile_definition(doc) -> Definition                raises DefinitionError
    available_actions(definition, instance, actor, facts, now) -> list[ActionOption]
    fire(definition, instance, transition_id, actor, facts, inputs, now) -> Outcome
                                                         raises TransitionDenied
    engine.sla: working calendars, clocks from a ledger, escalation deadlines
"""

from engine.conditions import Actor, Facts, Reason
from engine.load import compile_definition, parse_source
from engine.model import Definition
from engine.problems import DefinitionError, Problem
from engine.runtime import SYSTEM, ActionOption, Instance, Outcome, TransitionDenied, available_actions, fire
from engine.validate import validate_definition

__all__ = [
    "SYSTEM",
    "ActionOption",
    "Actor",
    "Definition",
    "DefinitionError",
    "Facts",
    "Instance",
    "Outcome",
    "Problem",
    "Reason",
    "TransitionDenied",
    "available_actions",
    "compile_definition",
    "fire",
    "parse_source",
    "validate_definition",
]
