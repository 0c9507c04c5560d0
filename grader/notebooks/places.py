"""Judge-side reading of a student's code, ``.py`` or notebook, as text: never run.

A line number that came from the worker for a notebook is *virtual* (see
:mod:`grader.notebooks.cells`); :func:`location` turns it into ``cell N, line M`` with the
line's original text, and :func:`student_text` gives the code laid out on those virtual lines
so that text-reading checks (``ast``, line searches) find the same numbers.

Example:
    >>> import json, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> cells = [{"cell_type": "markdown", "source": "# MLP", "metadata": {}},
    ...          {"cell_type": "code", "source": "import torch\\nx = torch.ones(2)", "metadata": {},
    ...           "outputs": [], "execution_count": None}]
    >>> nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    >>> _ = (root / "t.ipynb").write_text(json.dumps(nb))
    >>> str(location(root, {"file": "t.ipynb", "line": 4}))
    't.ipynb, cell 2, line 2'
    >>> location(root, {"file": "t.ipynb", "line": 4}).source
    'x = torch.ones(2)'
    >>> student_text(root, "t.ipynb").splitlines()[3]
    'x = torch.ones(2)'
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.notebooks.locate import NotebookProblem, read_plan
from grader.results import Location
from grader.student_sources import read_student_source

__all__ = ["location", "student_text"]


def student_text(root: Path, rel: str) -> str:
    """The code of ``root/rel`` as the worker numbers its lines ('' when it cannot be read); read
    only through :mod:`grader.student_sources`."""
    root = Path(root).resolve()
    if rel.endswith(".ipynb"):
        try:
            return read_plan(root, rel).flat_source()
        except (NotebookProblem, OSError):
            return ""
    return read_student_source(root, rel) or ""


def location(root: Path, frame: dict[str, Any] | None) -> Location | None:
    """The :class:`Location` of a frame ``{"file": rel, "line": n}`` of the submission, with the
    line's text quoted; a notebook's virtual line becomes its cell and line. The frame comes from
    the worker: a file outside the submission folder is not read (no line quoted)."""
    if not frame or not frame.get("file") or not frame.get("line"):
        return None
    root, rel, line = Path(root).resolve(), str(frame["file"]), int(frame["line"])
    if rel.endswith(".ipynb"):
        try:
            plan = read_plan(root, rel)
        except (NotebookProblem, OSError):
            return Location(path=rel, line=line)
        placed = plan.place(line)
        if placed is None:
            return Location(path=rel, line=line)
        cell, in_cell = placed
        return Location(path=rel, line=in_cell, source=plan.text(cell, in_cell).strip()[:200], cell=cell)
    lines = student_text(root, rel).splitlines()
    source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return Location(path=rel, line=line, source=source[:200])
