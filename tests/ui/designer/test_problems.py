"""The designer's problems name states and transitions as the canvas shows them."""

from __future__ import annotations

from engine.problems import Problem
from ui.designer.problems import named, where

DOC = {"states": [{"id": "review", "name": {"en": "Post-incident review", "fr": "Revue"}}, {"id": "plain"}],
       "transitions": [{"id": "go", "label": "Go on"}, {"id": "bare"}]}


def problem(**params: str) -> Problem:
    return Problem(code="x", severity="error", path="/states/0", msgid="m", params=params,
                   element=f"state:{params.get('state')}" if "state" in params else None)


def test_states_and_transitions_go_by_the_name_the_canvas_shows_in_the_viewers_language() -> None:
    shown = named(problem(state="review", transition="go", known="a, b"), DOC, "fr")
    assert dict(shown.params) == {"state": "Revue", "transition": "Go on", "known": "a, b"}
    assert named(problem(state="review"), DOC, "en").params["state"] == "Post-incident review"


def test_without_a_name_or_an_element_the_id_stays() -> None:
    assert named(problem(state="plain", transition="bare"), DOC, "en").params == {"state": "plain",
                                                                                  "transition": "bare"}
    assert named(problem(state="gone"), DOC, "en").params == {"state": "gone"}  # not in the document (any more)


def test_the_caption_gives_name_and_id_or_the_path() -> None:
    assert where(problem(state="review"), DOC, "en") == "State Post-incident review (review)"
    assert where(problem(state="plain"), DOC, "en") == "State plain"
    assert where(Problem(code="x", severity="error", path="/roles", msgid="m"), DOC, "en") == "/roles"
    transition = Problem(code="x", severity="warning", path="/transitions/0", msgid="m", element="transition:go")
    assert where(transition, DOC, "en") == "Transition Go on (go)"
