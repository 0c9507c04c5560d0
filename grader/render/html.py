"""Render a :class:`~grader.results.RunResult` as one self-contained HTML page.

The page has inline CSS only (no CDN, fonts or scripts), so it works offline.
Every check carries ``data-check="<exercise> :: <check>"`` and
``data-status="<status value>"``. A failure with a figure
(:mod:`grader.checks.figures`) gets it drawn as inline SVG (``svg.figure``, macros
in ``templates/figures.html.j2``).

Example:
    >>> from grader.results import CheckResult, ExerciseResult, RunResult, Status
    >>> c = CheckResult("ex", "c1", "works", Status.FAILED, 0.0, 1.0, feedback="<b>")
    >>> run = RunResult(seed=1, grader_version="0.1.0", submission="sub",
    ...                 exercises=(ExerciseResult("ex", "Example", (c,)),))
    >>> page = render_html(run)
    >>> 'data-check="ex :: c1"' in page, "&lt;b&gt;" in page
    (True, True)
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2

from grader.render._atomic import atomic_write_text
from grader.render._format import (
    FAULT_NOTE,
    STATUS_LABELS,
    exercise_status,
    exercise_notes,
    fmt_points,
    percent,
    truncate_output,
)
from grader.results import RunResult, Status

__all__ = ["render_html", "write_html"]

_TEMPLATE = "report.html.j2"


@functools.lru_cache(maxsize=1)
def _templates_dir() -> str:
    """The folder holding the Jinja2 templates (cached; it never changes).

    Example:
        >>> _templates_dir().endswith("templates")
        True
    """
    return str(Path(__file__).resolve().parent / "templates")


def environment() -> jinja2.Environment:
    """A fresh Jinja2 environment with autoescaping on.

    Example:
        >>> environment().autoescape
        True
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["points"] = fmt_points
    env.filters["truncate_output"] = lambda text: truncate_output(
        text, max_lines=2000, max_chars=200_000
    )
    return env


def _anchor(index: int, exercise_id: str) -> str:
    """A unique, URL-safe anchor for an exercise.

    Example:
        >>> _anchor(0, "model_construction/mlp")
        'ex-0-model_construction-mlp'
    """
    return f"ex-{index}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", exercise_id).strip("-")


def render_html(run: RunResult) -> str:
    """The report page as a string.

    Example:
        >>> from grader.results import RunResult
        >>> page = render_html(RunResult(seed=5, grader_version="0.1.0",
        ...                              submission="s", exercises=()))
        >>> page.startswith("<!DOCTYPE html>")
        True
    """
    exercises = [
        {
            "result": ex,
            "anchor": _anchor(i, ex.exercise),
            "status": exercise_status(ex),
            "notes": exercise_notes(ex),
        }
        for i, ex in enumerate(run.exercises)
    ]
    checks = run.checks
    return environment().get_template(_TEMPLATE).render(
        run=run,
        exercises=exercises,
        n_checks=len(checks),
        n_passed=sum(1 for c in checks if c.passed),
        percent=percent(run.score, run.max_score),
        labels={s.value: STATUS_LABELS[s] for s in Status},
        fault_note=FAULT_NOTE,
        Status=Status,
    )


def write_html(run: RunResult, path: Path) -> Path:
    """Write the report page to ``path`` atomically and return ``path``.

    Example:
        >>> import pathlib, tempfile
        >>> from grader.results import RunResult
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "report.html"
        >>> run = RunResult(seed=5, grader_version="0.1.0", submission="s", exercises=())
        >>> write_html(run, p).read_text(encoding="utf-8").count("seed")  > 0
        True
    """
    return atomic_write_text(Path(path), render_html(run))
