"""The designer's problems in the words of the drawing: states and transitions by the names the
canvas shows, not only by their ids.

The validator (`engine.validate`) names elements by id, as the document does; the canvas shows
names and labels. Here a problem's `state` and `transition` parameters become the viewer's name
for that element when the document has one that differs from the id, and the caption says
"State Post-incident review (review)". Pure functions over the document dict.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from domain.errors import N_
from engine.model import label_text
from engine.problems import Problem
from ui.designer.inputs import as_label
from ui.i18n import _

WHERE = {"state": N_("State {id}"), "transition": N_("Transition {id}"), "field": N_("Field {id}"),
         "sla": N_("SLA {id}")}
_NAMED = ("states", "name"), ("transitions", "label")  # where an element keeps its name, by kind


def named(problem: Problem, doc: Mapping[str, Any], locale: str) -> Problem:
    """`problem` with its `state` and `transition` parameters as the names the canvas shows."""
    params = dict(problem.params)
    for key, (section, attribute) in zip(("state", "transition"), _NAMED, strict=True):
        ident = params.get(key)
        if isinstance(ident, str):
            params[key] = _name(doc, section, attribute, ident, locale)
    return dataclasses.replace(problem, params=params)


def where(problem: Problem, doc: Mapping[str, Any], locale: str) -> str:
    """Which element the problem is about ("State Post-incident review (review)"), else its JSON path."""
    kind, _sep, ident = (problem.element or "").partition(":")
    if kind not in WHERE:
        return problem.path or "/"
    section = dict(zip(("state", "transition"), _NAMED, strict=True)).get(kind)
    name = _name(doc, *section, ident, locale) if section else ident
    return _(WHERE[kind], id=ident if name == ident else f"{name} ({ident})")


def _name(doc: Mapping[str, Any], section: str, attribute: str, ident: str, locale: str) -> str:
    for item in doc.get(section) or []:
        if isinstance(item, Mapping) and item.get("id") == ident:
            return label_text(as_label(item.get(attribute)), locale, ident) or ident
    return ident
