"""Renderers of a :class:`~grader.results.RunResult`: terminal, HTML, Gradescope.

Example:
    >>> from grader.render import gradescope_dict
    >>> from grader.results import RunResult
    >>> gradescope_dict(RunResult(seed=1, grader_version="0.1.0",
    ...                           submission="s", exercises=()))["score"]
    0.0
"""
from __future__ import annotations

from grader.render.gradescope import gradescope_dict, write_gradescope_json
from grader.render.html import render_html, write_html
from grader.render.terminal import render_terminal

__all__ = [
    "render_terminal",
    "write_html",
    "render_html",
    "gradescope_dict",
    "write_gradescope_json",
]
