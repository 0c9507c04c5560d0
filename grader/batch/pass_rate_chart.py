"""Geometry of the class report's bar chart of per-check pass rates (the template draws the SVG).

One horizontal bar per check, in catalog order: its length is the share of
graded students who passed (0 to 100%), its label the check's name, its
number the pass rate and the counts. Checks nobody was graded on have an
empty bar and "no data".

Example:
    >>> from grader.batch.stats import CheckStats
    >>> c = CheckStats("t/e", "fwd", "forward", 1.0, passed=3, failed=1, skipped=0, errors=0, messages=())
    >>> chart = pass_rate_chart([c])
    >>> bar = chart["bars"][0]
    >>> bar["label"], round(bar["w"], 1), bar["text"], chart["height"]
    ('t/e :: fwd', 307.5, '75% (3/4)', 66)
"""
from __future__ import annotations

from typing import Any, Sequence

from grader.batch.stats import CheckStats

__all__ = ["pass_rate_chart"]

_PLOT_W, _LABEL_W, _TEXT_W, _ROW, _BAR, _TOP = 410, 380, 110, 22, 14, 22
_CHAR_W = 7.3  # width of a label character (monospace, the chart's font size), so long names are not cut


def pass_rate_chart(checks: Sequence[CheckStats]) -> dict[str, Any]:
    """The chart's size, axis ticks and one bar per check (see the module docstring)."""
    plot_w = _PLOT_W
    label_w = max([_LABEL_W] + [round(_CHAR_W * len(c.name)) + 12 for c in checks])
    bars = []
    for i, c in enumerate(checks):
        y = _TOP + i * _ROW
        graded, rate = c.graded, c.pass_rate
        bars.append({"label": c.name, "title": c.title, "y": y, "ty": y + _BAR - 3, "h": _BAR,
                     "w": plot_w * rate, "rate": rate, "low": graded > 0 and rate < 0.5,
                     "text": f"{100 * rate:.0f}% ({c.passed}/{graded})" if graded else "no data"})
    height = _TOP + len(checks) * _ROW + 22
    ticks = [{"x": label_w + plot_w * p / 100, "label": f"{p}%"} for p in (0, 25, 50, 75, 100)]
    return {"width": label_w + plot_w + _TEXT_W, "height": height, "left": label_w, "plot_w": plot_w,
            "bars": bars, "ticks": ticks, "axis_y": height - 8, "text_x": label_w + plot_w + 6,
            "label_x": label_w - 6}
