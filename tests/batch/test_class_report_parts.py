"""The class report's new parts: the pass-rate chart's geometry and the side-by-side split."""
from __future__ import annotations

import pytest

from grader.batch.stats import CheckStats
from grader.batch.pass_rate_chart import pass_rate_chart as chart
from grader.batch.similarity_view import split_marked


def _check(name: str, passed: int, failed: int) -> CheckStats:
    return CheckStats("t/e", name, name.title(), 1.0, passed=passed, failed=failed, skipped=0, errors=0, messages=())


def test_bars_are_proportional_to_pass_rates_and_low_ones_marked() -> None:
    c = chart([_check("a", 4, 0), _check("b", 1, 3), _check("c", 0, 0)])
    a, b, none = c["bars"]
    assert a["w"] == pytest.approx(c["plot_w"]) and b["w"] == pytest.approx(c["plot_w"] / 4)
    assert (a["low"], b["low"], none["low"]) == (False, True, False)
    assert none["text"] == "no data" and none["w"] == 0
    assert [bar["y"] for bar in c["bars"]] == sorted(bar["y"] for bar in c["bars"])
    assert c["height"] > c["bars"][-1]["y"] + c["bars"][-1]["h"]


def test_split_marked_keeps_every_character_once() -> None:
    text = "def f(x):\n    return x + 1\n"
    lines = split_marked(text, ((4, 12), (20, 30)))
    assert "\n".join("".join(p.text for p in line) for line in lines) == text
    marked = "".join(p.text for line in lines for p in line if p.marked)
    assert marked == text[4:9] + text[10:12] + text[20:26], "the newline is not a piece"

