"""Import a notebook as a module, inside the worker only: the cells run as "Run All" would.

:class:`NotebookFinder` sits after Python's own finder on ``sys.meta_path``, so a
``<topic>/<module>.py`` always wins; then ``<topic>/<module>.ipynb``; then the topic notebook
``<topic>.ipynb``, whose one run serves every module of the topic (and a sibling import made
from inside it sees what the earlier cells defined). Cells run top to bottom in the module's
namespace; the first cell that raises (or does not parse) stops the run, what was defined
before stays, and the stop is kept in the module as ``__grader_notebook_stop__`` (plain data).
Line numbers are virtual (see :mod:`grader.notebooks.cells`); ``linecache`` holds the code on
those lines, so tracebacks and ``inspect`` read the notebook's code, not its JSON.

Example:
    >>> import json, pathlib, sys, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> cells = [{"cell_type": "code", "source": "x = 1"}, {"cell_type": "code", "source": "1 / 0"},
    ...          {"cell_type": "code", "source": "y = 2"}]
    >>> _ = (root / "topic_nb.ipynb").write_text(json.dumps({"nbformat": 4, "cells": cells}))
    >>> finder = NotebookFinder(str(root))
    >>> sys.meta_path.append(finder)
    >>> import topic_nb.mod as mod
    >>> mod.x, hasattr(mod, "y"), mod.__grader_notebook_stop__["cell"]
    (1, False, 2)
    >>> sys.meta_path.remove(finder)
"""
from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import json
import linecache
import sys
import types
from pathlib import Path
from typing import Any, Sequence

from grader.notebooks.cells import Plan, plan_notebook
from grader.notebooks.locate import MAX_NOTEBOOK_BYTES, candidates

__all__ = ["NotebookFinder", "run_plan", "STOP_ATTR", "install"]

STOP_ATTR = "__grader_notebook_stop__"


def _read_plan(path: Path, root: Path) -> Plan:
    real = path.resolve()
    if root not in real.parents or not real.is_file() or real.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ImportError(f"{path.name} is not a notebook the grader reads (outside the submission, "
                          f"not a regular file, or over 1 MiB)")
    try:
        return plan_notebook(json.loads(real.read_bytes().decode("utf-8", errors="replace")))
    except (ValueError, AttributeError, TypeError) as err:
        raise ImportError(f"{path.name} is not a valid notebook: {err}") from None


def _stop(plan: Plan, cell: int, exc: BaseException, filename: str) -> dict[str, Any]:
    """Where and why the run stopped: the deepest line of the notebook in the traceback."""
    line = 0
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno or 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            placed = plan.place(tb.tb_lineno)
            if placed:
                cell, line = placed
        tb = tb.tb_next
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a student's exception may not print
        message = "<unprintable message>"
    return {"cell": cell, "line": line, "type": type(exc).__name__, "message": message[:1000]}


def run_plan(plan: Plan, module: types.ModuleType, filename: str) -> dict[str, Any] | None:
    """Run the plan's cells in ``module`` until one raises; returns that stop (None: all ran)."""
    compiled: list[tuple[int, Any]] = []
    for cell in plan.runnable:
        try:
            tree = ast.parse(cell.code, filename)
            ast.increment_lineno(tree, cell.first_line - 1)
            compiled.append((cell.number, compile(tree, filename, "exec")))
        except (SyntaxError, ValueError) as err:
            compiled.append((cell.number, err))
    parsed = frozenset(n for n, code in compiled if not isinstance(code, BaseException))
    text = plan.flat_source(parsed)
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    for number, code in compiled:
        if isinstance(code, BaseException):
            return _stop(plan, number, code, filename)
        try:
            exec(code, module.__dict__)  # noqa: S102 - the worker's job: run the student's cells
        except BaseException as exc:  # noqa: BLE001 - Run All stops at any exception, SystemExit included
            return _stop(plan, number, exc, filename)
    return None


class _NotebookLoader(importlib.abc.Loader):
    def __init__(self, finder: "NotebookFinder", path: Path) -> None:
        self.finder, self.path = finder, path

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        shared = self.finder.shared.get(self.path)
        if shared is None:
            shared = types.ModuleType(spec.name)
            shared.__file__ = str(self.path)
            self.finder.shared[self.path] = shared
            self.finder.pending.add(self.path)
        return shared

    def exec_module(self, module: types.ModuleType) -> None:
        if self.path not in self.finder.pending:
            return  # a topic notebook already run (or running): its namespace serves this module too
        self.finder.pending.discard(self.path)
        plan = _read_plan(self.path, self.finder.root)
        setattr(module, STOP_ATTR, run_plan(plan, module, str(self.path)))


class _PackageLoader(importlib.abc.Loader):
    """A topic that exists only as ``<topic>.ipynb``: an empty package for its modules."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class NotebookFinder(importlib.abc.MetaPathFinder):
    """Finds exercise modules in the notebooks of the submission folder ``root``."""

    def __init__(self, root: str) -> None:
        self.root = Path(root).resolve()
        self.shared: dict[Path, types.ModuleType] = {}
        self.pending: set[Path] = set()

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        parts = fullname.split(".")
        if len(parts) == 1 and parts[0].isidentifier():
            if (self.root / f"{parts[0]}.ipynb").is_file() and not (self.root / parts[0]).is_dir():
                return importlib.machinery.ModuleSpec(fullname, _PackageLoader(), is_package=True)
            return None
        if len(parts) != 2:
            return None
        for rel in candidates("/".join(parts))[1:]:
            nb = self.root / rel
            if nb.is_file():
                spec = importlib.machinery.ModuleSpec(fullname, _NotebookLoader(self, nb), origin=str(nb))
                spec.has_location = True
                return spec
        return None


def install(root: str) -> NotebookFinder:
    """Put a finder for the submission ``root`` at the end of ``sys.meta_path`` (in the worker)."""
    finder = NotebookFinder(root)
    sys.meta_path.append(finder)
    return finder
