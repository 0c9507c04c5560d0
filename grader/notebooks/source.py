"""What ``check()`` grades from inside Jupyter: the saved notebook when its path is known, else
the kernel's input history. Only text is taken from the kernel, never an object, so nothing the
kernel holds can change a verdict.

The path is known when given, or from the kernel's ``__session__`` (set by Jupyter Server from
``JPY_SESSION_NAME``) or VS Code's ``__vsc_ipynb_file__``; Colab gives none, so the history is used.

Example:
    >>> src = from_history(["", "import torch", "%time x = 1", "from grader.notebook import check"])
    >>> src.kind, len(src.notebook["cells"]), src.label
    ('input history', 3, "the kernel's input history (In [1] to In [3]; cell N is In [N]); the notebook's saved file is not known here")
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from grader.notebooks.locate import MAX_NOTEBOOK_BYTES
from grader.student_sources import SourceRefused, read_student_bytes

__all__ = ["CheckSource", "from_history", "from_saved", "kernel_source", "notebook_path"]


@dataclass(frozen=True)
class CheckSource:
    """A notebook (as a dict) to grade, where it came from, and a sentence saying so."""

    kind: str
    label: str
    notebook: dict[str, Any]
    name: str = "input history"  # how places in it are named: a file name, or the history (cell N is In [N])


def _cell(source: str) -> dict[str, Any]:
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}


def from_history(inputs: Sequence[str]) -> CheckSource:
    """A notebook of the kernel's inputs, one cell per ``In [n]`` (``inputs[0]`` is IPython's
    empty entry)."""
    cells = [_cell(str(text)) for text in list(inputs)[1:]]
    label = (f"the kernel's input history (In [1] to In [{len(cells)}]; cell N is In [N]); the notebook's "
             f"saved file is not known here")
    return CheckSource("input history", label, {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def from_saved(path: Path) -> CheckSource:
    """The notebook saved at ``path`` (a regular ``.ipynb`` file of at most 1 MiB)."""
    path = Path(path).resolve()
    if path.suffix != ".ipynb" or not path.is_file():
        raise FileNotFoundError(f"{path} is not a saved notebook (.ipynb file)")
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{path} is larger than 1 MiB: clear its outputs and save it again")
    try:  # the guarded reader: regular file, at most 1 MiB, opened without following a swapped-in link
        raw = read_student_bytes(path.parent, path.name)
    except SourceRefused as refused:
        raise ValueError(f"{path} is not read: {refused}") from None
    data = json.loads(raw.decode("utf-8", errors="replace"))
    saved = _dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%H:%M:%S")
    label = f"the saved notebook {path} (saved at {saved}; save it first to grade your latest edits)"
    return CheckSource("saved notebook", label, data, name=path.name)


def notebook_path(user_ns: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Path | None:
    """The path of the running notebook, when the front end tells the kernel.

    Example:
        >>> notebook_path({}, {}) is None
        True
    """
    for value in (user_ns.get("__vsc_ipynb_file__"), user_ns.get("__session__"), environ.get("JPY_SESSION_NAME")):
        if isinstance(value, str) and value.endswith(".ipynb") and Path(value).is_file():
            return Path(value)
    return None


def kernel_source(shell: Any, path: str | Path | None = None) -> CheckSource:
    """The source ``check()`` grades in the IPython ``shell`` (None outside IPython): ``path``,
    else the saved notebook, else the input history."""
    if path is not None:
        return from_saved(Path(path))
    if shell is None:
        raise RuntimeError("check() grades a notebook: call it in a Jupyter notebook, or pass "
                           "path='my_notebook.ipynb'")
    found = notebook_path(shell.user_ns)
    if found is not None:
        return from_saved(found)
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    return from_history(history if history is not None else shell.user_ns.get("In", [""]))
