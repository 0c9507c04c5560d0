"""A notebook's code as "Run All" would run it: which cells and lines run, and where each line is.

Pure functions on notebook data (the dict that ``json.load`` or nbformat gives), shared by the
judge (to name places) and the worker (to run the cells), so both agree on every number.
Skipped, as in the contract: cells tagged ``skip-grading``, cells that start with a cell magic
(``%%``), and, inside code cells, line magics (``%time``, ``x = %who``), shell lines (``!ls``,
``x = !ls``), help lines (``obj?``, ``?obj``) and calls of the grader itself
(:mod:`grader.notebooks.grader_calls`). A skipped line becomes ``pass`` at its
indentation, so line numbers and blocks are kept.

Each cell gets a band of *virtual lines*: the worker compiles cell N with its line numbers
shifted into cell N's band, so a line number from a traceback says both the cell and the line.

Example:
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "# MLP"},
    ...                 {"cell_type": "code", "source": ["%matplotlib inline\\n", "x = 1"]}]}
    >>> plan = plan_notebook(nb)
    >>> [c.number for c in plan.runnable], plan.runnable[0].code
    ([2], 'pass\\nx = 1')
    >>> [str(s) for s in plan.skipped]
    ['cell 2, line 1: line magic `%matplotlib inline`']
    >>> plan.place(plan.runnable[0].first_line + 1)
    (2, 2)
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Mapping

from grader.notebooks.grader_calls import check_names, grader_statements

__all__ = ["Cell", "Skipped", "Plan", "plan_notebook", "cell_source", "SKIP_TAG"]

SKIP_TAG = "skip-grading"

_SHELL = re.compile(r"^\s*!")
_MAGIC = re.compile(r"^\s*%(?!%)")
_ASSIGN = re.compile(r"^\s*[\w.\[\]'\", ]+\s*=\s*([!%])")
_HELP = re.compile(r"^\s*(\?\??\s*\S.*|[^#]*[\w)\]]\?\??)\s*$")


@dataclass(frozen=True)
class Skipped:
    """A cell or a line that is not run, and why (``line`` 0: the whole cell)."""

    cell: int
    line: int
    reason: str
    text: str = ""

    def __str__(self) -> str:
        where = f"cell {self.cell}" + (f", line {self.line}" if self.line else "")
        return f"{where}: {self.reason}" + (f" `{self.text[:60]}`" if self.text else "")


@dataclass(frozen=True)
class Cell:
    """One code cell to run: its number (from 1, over all cells), original lines, code to
    run (skipped lines made ``pass``) and its first virtual line."""

    number: int
    lines: tuple[str, ...]
    code: str
    first_line: int


@dataclass(frozen=True)
class Plan:
    """What Run All runs, what it skips, and each cell's band of virtual lines."""

    runnable: tuple[Cell, ...]
    skipped: tuple[Skipped, ...]
    cells: tuple[tuple[str, ...], ...]  # every cell's original lines, markdown included
    starts: tuple[int, ...]             # first virtual line of every cell

    def place(self, virtual: int) -> tuple[int, int] | None:
        """``(cell number, line in the cell)`` of a virtual line, None outside every cell."""
        for index in range(len(self.starts) - 1, -1, -1):
            start = self.starts[index]
            if virtual >= start:
                line = virtual - start + 1
                return (index + 1, line) if line <= len(self.cells[index]) else None
        return None

    def text(self, cell: int, line: int) -> str:
        """The original text of ``line`` of ``cell`` ('' when there is none)."""
        lines = self.cells[cell - 1] if 0 < cell <= len(self.cells) else ()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def flat_source(self, ran: frozenset[int] | None = None) -> str:
        """The runnable code laid out on virtual lines (other lines empty): what tracebacks and
        ``inspect`` read. ``ran`` limits it to those cell numbers."""
        total = self.starts[-1] + len(self.cells[-1]) if self.cells else 1
        out = [""] * total
        for cell in self.runnable:
            if ran is None or cell.number in ran:
                for offset, text in enumerate(cell.code.split("\n")):
                    out[cell.first_line - 1 + offset] = text
        return "\n".join(out) + "\n"


def cell_source(cell: Mapping[str, Any]) -> str:
    """A cell's source as one string (nbformat allows a string or a list of lines).

    Example:
        >>> cell_source({"source": ["a\\n", "b"]}), cell_source({"source": "a\\r\\nb"})
        ('a\\nb', 'a\\nb')
    """
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _string_lines(lines: list[str]) -> set[int]:
    """Indexes of lines that start or end inside a triple-quoted string (never magics)."""
    inside: str | None = None
    out: set[int] = set()
    for index, line in enumerate(lines):
        if inside:
            out.add(index)
        i = 0
        while i < len(line):
            if inside:
                if line.startswith(inside, i):
                    inside, i = None, i + 3
                    continue
                i += 2 if line[i] == "\\" else 1
                continue
            ch = line[i]
            if ch == "#":
                break
            if line.startswith(('"""', "'''"), i):
                inside, i = line[i:i + 3], i + 3
                continue
            if ch in "'\"":
                end = i + 1
                while end < len(line) and line[end] != ch:
                    end += 2 if line[end] == "\\" else 1
                i = end + 1
                continue
            i += 1
        if inside:
            out.add(index)  # opens a string that goes on: its end is not a help line's `?`
    return out


def _line_skip(text: str) -> str | None:
    """Why a line of a code cell is not run, or None when it is Python.

    Example:
        >>> [_line_skip(t) for t in ("!pip install d2l", "files = !ls", "%time f()", "MLP?", "x = 1 # ok?")]
        ['shell line', 'shell line', 'line magic', 'help line', None]
    """
    assigned = _ASSIGN.match(text)
    if _SHELL.match(text) or (assigned and assigned.group(1) == "!"):
        return "shell line"
    if _MAGIC.match(text) or assigned:
        return "line magic"
    if _HELP.match(text) and "#" not in text:
        return "help line"
    return None


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _plan_cell(number: int, lines: list[str], first: int) -> tuple[Cell, list[Skipped]]:
    """A code cell's run: valid Python runs as it is; otherwise magics, shell and help lines
    (outside strings) become ``pass``."""
    code = list(lines)
    skipped: list[Skipped] = []
    if _parses("\n".join(lines)):
        return Cell(number, tuple(lines), "\n".join(lines), first), skipped
    in_string = _string_lines(lines)
    for index, text in enumerate(lines):
        reason = None if index in in_string else _line_skip(text)
        if reason:
            indent = text[:len(text) - len(text.lstrip())]
            code[index] = indent + "pass"
            skipped.append(Skipped(number, index + 1, reason, text.strip()))
    return Cell(number, tuple(lines), "\n".join(code), first), skipped


def _tags(cell: Mapping[str, Any]) -> list[str]:
    meta = cell.get("metadata") or {}
    tags = meta.get("tags") if isinstance(meta, Mapping) else None
    return [str(t) for t in tags] if isinstance(tags, list) else []


def plan_notebook(notebook: Mapping[str, Any]) -> Plan:
    """The run plan of a notebook (a mapping with ``cells``); cells are numbered from 1 over
    all cells, markdown included.

    Example:
        >>> nb = {"cells": [{"cell_type": "code", "source": "%%time\\nx = 1"},
        ...                 {"cell_type": "code", "source": "y = 2", "metadata": {"tags": ["skip-grading"]}}]}
        >>> [str(s) for s in plan_notebook(nb).skipped]
        ['cell 1: cell magic `%%time`', 'cell 2: tagged skip-grading']
    """
    runnable: list[Cell] = []
    skipped: list[Skipped] = []
    cells: list[tuple[str, ...]] = []
    starts: list[int] = []
    line = 1
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        lines = cell_source(cell).split("\n")
        cells.append(tuple(lines))
        starts.append(line)
        first, line = line, line + len(lines) + 1
        if cell.get("cell_type") != "code":
            continue
        head = next((t.strip() for t in lines if t.strip()), "")
        if SKIP_TAG in _tags(cell):
            skipped.append(Skipped(number, 0, f"tagged {SKIP_TAG}"))
        elif head.startswith("%%"):
            skipped.append(Skipped(number, 0, "cell magic", head.split()[0]))
        elif head:
            made, lines_skipped = _plan_cell(number, lines, first)
            runnable.append(made)
            skipped.extend(lines_skipped)
    names = check_names(c.code for c in runnable)
    for index, cell in enumerate(runnable):
        runnable[index] = _drop_grader_calls(cell, names, skipped)
    skipped.sort(key=lambda s: (s.cell, s.line))
    return Plan(tuple(runnable), tuple(skipped), tuple(cells), tuple(starts))


def _drop_grader_calls(cell: Cell, names: frozenset[str], skipped: list[Skipped]) -> Cell:
    """``cell`` without its statements that call the grader (each line made ``pass``)."""
    spans = grader_statements(cell.code, names)
    if not spans:
        return cell
    code = cell.code.split("\n")
    for first, last in spans:
        skipped.append(Skipped(cell.number, first, "grader call", code[first - 1].strip()))
        for index in range(first - 1, last):
            code[index] = "pass"
    return Cell(cell.number, cell.lines, "\n".join(code), cell.first_line)
