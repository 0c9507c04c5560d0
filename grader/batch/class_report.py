"""The class report of a batch (``DIR/index.html``): one offline page for the instructor.

It shows the score histogram and a bar chart of every check's pass rate
(inline SVG), per-exercise and per-check pass rates with the most frequent
failure messages (what to re-teach), grader faults apart from student
failures, refused submissions, the similar submissions (pairs ranked by
score, each with a side-by-side view of the two files, shared regions
marked), and a per-student table linking to each student's report. The table can be sorted by clicking
a column header (a small inline script); without the script it is in order of
student id. No CDN, fonts or external files: inline CSS and script only, a
Content-Security-Policy that forbids loading anything, and Jinja2 with
autoescaping for everything that comes from students.

Example:
    >>> from grader.batch.model import StudentRecord
    >>> from grader.batch.stats import class_stats
    >>> recs = [StudentRecord("<eve & co>", "k", "graded", 1.0, 2.0)]
    >>> page = render_class_report(recs, class_stats(recs), meta={"seed": 3, "grader_version": "0.1.0"},
    ...                            exercises=[])
    >>> "&lt;eve &amp; co&gt;" in page, 'href="%3Ceve%20%26%20co%3E/report.html"' in page
    (True, True)
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import quote

from grader.batch.model import StudentRecord
from grader.batch.stats import ClassStats
from grader.render._atomic import atomic_write_text
from grader.render._format import fmt_points
from grader.render.html import environment
from grader.batch.pass_rate_chart import pass_rate_chart
from grader.batch.similarity_view import pair_views

if TYPE_CHECKING:
    from grader.batch.similarity import SimilarityReport

__all__ = ["render_class_report", "write_class_report"]

_TEMPLATE = "class_report.html.j2"
_SVG_W, _SVG_H, _PAD_L, _PAD_B, _PAD_T = 640, 220, 36, 36, 18


def _histogram_svg(stats: ClassStats) -> dict[str, Any]:
    """Geometry of the histogram's bars (the template draws them).

    Example:
        >>> from grader.batch.stats import class_stats
        >>> svg = _histogram_svg(class_stats([]))
        >>> len(svg["bars"]), svg["width"]
        (10, 640)
    """
    bins = stats.histogram
    top = max((b.count for b in bins), default=0) or 1
    plot_w, plot_h = _SVG_W - _PAD_L - 8, _SVG_H - _PAD_B - _PAD_T
    step = plot_w / max(1, len(bins))
    bars = []
    for i, b in enumerate(bins):
        h = plot_h * b.count / top
        bars.append({"x": _PAD_L + i * step + 2, "y": _PAD_T + plot_h - h, "w": step - 4, "h": h,
                     "count": b.count, "label": f"{b.low:.0f}–{b.high:.0f}%", "cx": _PAD_L + (i + 0.5) * step,
                     "last": i == len(bins) - 1})
    ticks = sorted({0, top // 2, top}) if top > 1 else [0, 1]
    return {"width": _SVG_W, "height": _SVG_H, "bars": bars, "base": _PAD_T + plot_h, "left": _PAD_L,
            "right": _SVG_W - 8, "ticks": [{"value": t, "y": _PAD_T + plot_h - plot_h * t / top} for t in ticks]}


def _report_href(student: str) -> str:
    """The relative link to a student's report, every special character quoted.

    Example:
        >>> _report_href("a b#1")
        'a%20b%231/report.html'
    """
    return quote(student, safe="") + "/report.html"


def _student_rows(records: Sequence[StudentRecord], exercise_ids: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        scores = {e.exercise: e for e in r.exercises}
        rows.append({"record": r, "href": _report_href(r.student),
                     "cells": [scores.get(ex) for ex in exercise_ids]})
    return rows


def render_class_report(records: Sequence[StudentRecord], stats: ClassStats, *, meta: dict[str, Any],
                        exercises: Sequence[dict[str, Any]], similarity: "SimilarityReport | None" = None) -> str:
    """The page as a string. ``meta``: seed, grader_version, fingerprint, target, executor, times;
    ``exercises``: ``{"id", "title", "max_score"}`` in catalog order (the table's columns);
    ``similarity``: the similar pairs (None: not computed, the section says so)."""
    ids = [e["id"] for e in exercises]
    env = environment()
    env.filters["pct"] = lambda v: f"{100 * v:.0f}%"
    env.filters["report_href"] = _report_href
    return env.get_template(_TEMPLATE).render(
        meta=meta, stats=stats, records=records, exercises=exercises, rows=_student_rows(records, ids),
        svg=_histogram_svg(stats), max_score=fmt_points(sum(float(e["max_score"]) for e in exercises)),
        rates=pass_rate_chart(stats.checks), similarity=similarity,
        views=pair_views(similarity) if similarity is not None else [],
        faults=[r for r in records if r.status == "fault"], refused=[r for r in records if r.status == "refused"])


def write_class_report(records: Sequence[StudentRecord], stats: ClassStats, path: Path, *, meta: dict[str, Any],
                       exercises: Sequence[dict[str, Any]], similarity: "SimilarityReport | None" = None) -> Path:
    """Write the page to ``path`` atomically; returns ``path``."""
    return atomic_write_text(Path(path), render_class_report(records, stats, meta=meta, exercises=exercises,
                                                             similarity=similarity))
