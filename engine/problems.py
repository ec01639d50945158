"""What the validator reports: one Problem per finding, with a stable code and a JSON pointer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


def N_(message: str) -> str:
    """Mark a message for the console's catalogs (translated where it is shown)."""
    return message


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    code: str  # stable: schema, duplicate_id, unknown_state, ... (see WORKFLOW_FORMAT.md)
    severity: str  # error | warning
    path: str  # JSON pointer into the document ("" is the whole document)
    msgid: str  # English template with {placeholders}
    params: Mapping[str, Any] = field(default_factory=dict)
    element: str | None = None  # "state:<id>", "transition:<id>", "field:<key>", "sla:<key>" (for the designer)

    @property
    def message(self) -> str:
        """The English text (the console translates `msgid` with `params` instead)."""
        try:
            return self.msgid.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.msgid

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.severity} {self.code}: {self.message}"


class DefinitionError(ValueError):
    """A definition with errors was compiled; `problems` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == ERROR]
        first = errors[0] if errors else (self.problems[0] if self.problems else None)
        summary = f"{len(errors)} error(s) in the workflow definition"
        super().__init__(f"{summary}; first: {first}" if first else summary)


def pointer(parts: Iterable[Any]) -> str:
    """JSON pointer (RFC 6901) for a path of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)
