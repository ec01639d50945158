"""The canvas's mark colours are legible in both themes (WCAG 2.2 contrast ratios, computed here).

A mark is drawn as an outline, a line and an arrowhead (graphical objects: at least 3:1 against the
canvas and against a node, SC 1.4.11), as a badge with its word on the mark's colour, and as a word in
the mark's colour on an edge's label (text: at least 4.5:1, SC 1.4.3). The backgrounds are read from the
component's own style sheet, so a new canvas, node or label colour is measured too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.components.flow_canvas import MARK_COLOURS, MARK_COLOURS_DARK, MARK_TEXT

STYLE = (Path(__file__).resolve().parents[2] / "ui" / "components" / "flow_canvas.js").read_text("utf-8")
THEMES = {"light": MARK_COLOURS, "dark": MARK_COLOURS_DARK}
GRAPHICS_MIN = 3.0
TEXT_MIN = 4.5


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of an sRGB colour "#rrggbb"."""
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour), colour
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def backgrounds(theme: str) -> dict[str, str]:
    """The canvas's, a node's and a panel's (an edge label's) colour in a theme, as flow_canvas.js declares them."""
    selector = r"\n\.flowc \{" if theme == "light" else r"\nbody\.body--dark \.flowc \{"
    block = re.search(selector + r"(.*?)\n\}", STYLE, re.S)
    assert block is not None, f"no {theme} block in flow_canvas.js"
    found = {name: re.search(rf"--fc-{name}: (#[0-9a-fA-F]{{6}});", block.group(1)) for name in ("bg", "node", "panel")}
    assert all(found.values()), found
    return {name: match.group(1) for name, match in found.items() if match}


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54),
    ("#ffffff", "#0000ff", 8.59),
])
def test_the_contrast_helper_agrees_with_known_ratios(first: str, second: str, expected: float) -> None:
    assert contrast(first, second) == pytest.approx(expected, abs=0.01)


def test_both_themes_colour_every_mark() -> None:
    assert set(MARK_COLOURS_DARK) == set(MARK_COLOURS)
    assert set(MARK_TEXT) == set(THEMES)


@pytest.mark.parametrize("theme", THEMES)
def test_mark_lines_and_outlines_stand_out_from_the_canvas_and_the_nodes(theme: str) -> None:
    behind = backgrounds(theme)
    ratios = {(mark, where): round(contrast(colour, behind[where]), 2)
              for mark, colour in THEMES[theme].items() for where in ("bg", "node")}
    assert {key: ratio for key, ratio in ratios.items() if ratio < GRAPHICS_MIN} == {}, ratios


@pytest.mark.parametrize("theme", THEMES)
def test_mark_badges_are_readable(theme: str) -> None:
    ratios = {mark: round(contrast(colour, MARK_TEXT[theme]), 2) for mark, colour in THEMES[theme].items()}
    assert {mark: ratio for mark, ratio in ratios.items() if ratio < TEXT_MIN} == {}, ratios


def test_each_theme_is_measured_against_its_own_backgrounds() -> None:  # both blocks found, not one twice
    assert all(relative_luminance(colour) > 0.8 for colour in backgrounds("light").values())
    assert all(relative_luminance(colour) < 0.05 for colour in backgrounds("dark").values())


@pytest.mark.parametrize("theme", THEMES)
def test_the_mark_word_on_an_edge_label_is_readable(theme: str) -> None:
    panel = backgrounds(theme)["panel"]
    ratios = {mark: round(contrast(colour, panel), 2) for mark, colour in THEMES[theme].items()}
    assert {mark: ratio for mark, ratio in ratios.items() if ratio < TEXT_MIN} == {}, ratios
