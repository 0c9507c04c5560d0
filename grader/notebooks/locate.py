"""Which file of a submission is graded for an exercise, read in the judge as data only.

Precedence (the contract): ``<topic>/<module>.py``, then ``<topic>/<module>.ipynb``, then the
topic notebook ``<topic>.ipynb`` at the submission root. A notebook is read with nbformat, never
run here, and only when it is a regular file inside the submission folder (after resolving
links) of at most 1 MiB; a file that is not a valid nbformat 4 notebook is a :class:`Graded`
with a ``problem`` saying where it breaks.

Example:
    >>> import json, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "model_construction.ipynb").write_text(json.dumps(
    ...     {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}))
    >>> g = locate(root, "model_construction/mlp")
    >>> g.path, g.kind, g.note()
    ('model_construction.ipynb', 'topic notebook', 'Graded model_construction.ipynb (the topic notebook).')
    >>> _ = (root / "model_construction.ipynb").write_text('{"cells": [}')
    >>> print(locate(root, "model_construction/mlp").problem)
    model_construction.ipynb is not a valid notebook: its JSON breaks at line 1, column 12 (Expecting value): {"cells": [}
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from grader.notebooks.cells import Plan, plan_notebook
from grader.student_sources import MAX_SOURCE_BYTES, SourceRefused, read_student_bytes

__all__ = ["Graded", "MAX_NOTEBOOK_BYTES", "candidates", "locate", "read_plan", "NotebookProblem"]

MAX_NOTEBOOK_BYTES = MAX_SOURCE_BYTES

_KINDS = {0: "module", 1: "notebook", 2: "topic notebook"}


class NotebookProblem(ValueError):
    """A notebook that cannot be graded: the message says why (and where its JSON breaks)."""


@dataclass(frozen=True)
class Graded:
    """The file graded for one exercise: its path relative to the submission, its kind, the
    other candidates present (not graded), its run plan (notebooks) or the problem that ends it."""

    path: str
    kind: str
    others: tuple[str, ...] = ()
    plan: Plan | None = None
    problem: str = ""

    @property
    def is_notebook(self) -> bool:
        return self.path.endswith(".ipynb")

    def note(self) -> str:
        """What the report says about the file ('' for a lone ``.py``, as before notebooks)."""
        if not self.is_notebook and not self.others:
            return ""
        text = f"Graded {self.path}" + (" (the topic notebook)." if self.kind == "topic notebook" else ".")
        if self.others:
            text += f" Also present, not graded: {', '.join(self.others)}."
        return text

    def not_run(self) -> tuple[str, ...]:
        """The cells and lines of the notebook that were not run, as the report lists them."""
        return tuple(str(s) for s in self.plan.skipped) if self.plan else ()


def candidates(exercise_id: str) -> tuple[str, str, str]:
    """Where an exercise's code may be, first wins.

    Example:
        >>> candidates("parameters/init")
        ('parameters/init.py', 'parameters/init.ipynb', 'parameters.ipynb')
    """
    topic = exercise_id.split("/")[0]
    return (f"{exercise_id}.py", f"{exercise_id}.ipynb", f"{topic}.ipynb")


def _present(root: Path, rel: str) -> bool:
    path = root / rel
    return path.is_file() or path.is_symlink()


def locate(root: Path, exercise_id: str) -> Graded | None:
    """The file graded for ``exercise_id`` in the submission ``root``; None when none is present."""
    root = Path(root).resolve()
    found = [(i, rel) for i, rel in enumerate(candidates(exercise_id)) if _present(root, rel)]
    if not found:
        return None
    (index, rel), others = found[0], tuple(r for _, r in found[1:])
    if index == 0:
        return Graded(rel, _KINDS[0], others)
    try:
        return Graded(rel, _KINDS[index], others, plan=read_plan(root, rel))
    except NotebookProblem as problem:
        return Graded(rel, _KINDS[index], others, problem=str(problem))


def _guarded_text(root: Path, rel: str) -> str:
    try:
        return read_student_bytes(root, rel).decode("utf-8", errors="replace")
    except SourceRefused as refused:
        if refused.reason == "outside":
            raise NotebookProblem(f"{rel} links outside the submission folder; it is not read") from None
        if refused.reason == "too large":
            raise NotebookProblem(f"{rel} is larger than 1 MiB; clear its outputs (Edit > Clear all outputs) "
                                  f"and save it again") from None
        raise NotebookProblem(f"{rel} is not a regular file") from None


def read_plan(root: Path, rel: str) -> Plan:
    """The run plan of the notebook ``root/rel``, read with nbformat (guards first); raises
    :class:`NotebookProblem` naming the file and what is wrong."""
    import nbformat

    text = _guarded_text(Path(root).resolve(), rel)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        line = text.split("\n")[err.lineno - 1].strip()[:120] if err.lineno else ""
        raise NotebookProblem(f"{rel} is not a valid notebook: its JSON breaks at line {err.lineno}, "
                              f"column {err.colno} ({err.msg}): {line}") from None
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        version = data.get("nbformat") if isinstance(data, dict) else None
        raise NotebookProblem(f"{rel} is not an nbformat 4 notebook (nbformat: {version!r}); open it in Jupyter "
                              f"and save it again")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cell ids are optional before nbformat 4.5
        try:
            notebook = nbformat.reads(text, as_version=4)
            nbformat.validate(notebook)
        except Exception as err:  # noqa: BLE001 - nbformat raises several kinds
            first = str(err).strip().split("\n")[0][:200]
            raise NotebookProblem(f"{rel} is not a valid notebook: {first}") from None
    return plan_notebook(data)
