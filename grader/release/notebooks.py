"""Exercises as notebooks: one ``<topic>.ipynb`` per topic, for `grade release OUT --notebooks`.

Each module of the topic becomes a markdown cell (its docstring: what to build), a code cell
(the module's code without its docstring) and a cell that grades it
(``check("<topic>/<module>")``, which the grader never runs when it grades the notebook). The
notebook is a topic notebook of the notebook contract, so it grades exactly like the folder
layout it came from; `grade release` proves it by replaying the stubs and the solutions in
this form against the recordings.

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "demo").mkdir()
    >>> _ = (root / "demo" / "twice.py").write_text("'''Write twice(x).'''\\ndef twice(x):\\n    return 2 * x\\n")
    >>> nb = topic_notebook(root, "demo", ["demo/twice"])
    >>> [c.cell_type for c in nb.cells]
    ['markdown', 'code', 'markdown', 'code', 'code']
    >>> nb.cells[3].source
    'def twice(x):\\n    return 2 * x'
    >>> nb.cells[4].source
    'check("demo/twice")'
"""
from __future__ import annotations

import ast
import shutil
from pathlib import Path
from typing import Iterable

import nbformat
from nbformat import v4

__all__ = ["topic_notebook", "write_topic_notebooks", "as_notebook_submission"]

_SETUP = "# Run this cell first: it lets you grade each exercise from this notebook.\nfrom grader.notebook import check"


def _split_docstring(source: str) -> tuple[str, str]:
    """The module docstring and the code after it (the code unchanged, blank lines trimmed)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "", source.strip("\n")
    doc = ast.get_docstring(tree) or ""
    body = tree.body
    if doc and body and isinstance(body[0], ast.Expr):
        lines = source.splitlines()
        return doc, "\n".join(lines[body[0].end_lineno:]).strip("\n")
    return doc, source.strip("\n")


def _without_sibling_imports(code: str, topic: str) -> str:
    """``from <topic>.<module> import X`` names what an earlier cell of the same notebook defines: in a
    kernel there is no such module, so the line becomes a comment (the grader's Run All agrees).

    Example:
        >>> print(_without_sibling_imports("import torch\\nfrom demo.a import A, B\\nx = 1", "demo"))
        import torch
        # A, B: defined in an earlier cell of this notebook (from demo.a)
        x = 1
    """
    out = []
    for line in code.split("\n"):
        words = line.split()
        if len(words) >= 4 and words[0] == "from" and words[1].startswith(f"{topic}.") and words[2] == "import":
            out.append(f"# {' '.join(words[3:])}: defined in an earlier cell of this notebook (from {words[1]})")
        else:
            out.append(line)
    return "\n".join(out)


def topic_notebook(folder: Path, topic: str, exercise_ids: Iterable[str]) -> nbformat.NotebookNode:
    """The notebook of ``topic`` built from ``folder/<topic>/<module>.py`` for each exercise id, in order."""
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(v4.new_markdown_cell(f"# {topic.replace('_', ' ').capitalize()}\n\n"
                                         "Fill in each code cell, then run the `check(...)` cell after it."))
    nb.cells.append(v4.new_code_cell(_SETUP))
    for exercise_id in exercise_ids:
        module = exercise_id.split("/", 1)[1]
        doc, code = _split_docstring((folder / topic / f"{module}.py").read_text())
        nb.cells.append(v4.new_markdown_cell(f"## `{exercise_id}`\n\n{doc}".rstrip()))
        nb.cells.append(v4.new_code_cell(_without_sibling_imports(code, topic)))
        nb.cells.append(v4.new_code_cell(f'check("{exercise_id}")'))
    for cell in nb.cells:  # stable ids: the same stubs give the same file
        cell.pop("id", None)
    nb.nbformat_minor = 4
    return nb


def _by_topic(exercise_ids: Iterable[str]) -> dict[str, list[str]]:
    topics: dict[str, list[str]] = {}
    for exercise_id in exercise_ids:
        topics.setdefault(exercise_id.split("/", 1)[0], []).append(exercise_id)
    return topics


def write_topic_notebooks(folder: Path, out: Path, exercise_ids: Iterable[str]) -> list[Path]:
    """Write ``out/<topic>.ipynb`` for every topic of ``exercise_ids`` from the modules in ``folder``."""
    written = []
    for topic, ids in _by_topic(exercise_ids).items():
        path = out / f"{topic}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(topic_notebook(folder, topic, ids), str(path))
        written.append(path)
    return written


def as_notebook_submission(folder: Path, out: Path, exercise_ids: Iterable[str]) -> Path:
    """A copy of the submission ``folder`` in which the modules of ``exercise_ids`` live in topic
    notebooks instead of ``.py`` files (other files kept): what a student who works in the notebooks
    hands in."""
    ids = list(exercise_ids)
    shutil.copytree(folder, out, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    write_topic_notebooks(folder, out, ids)
    for exercise_id in ids:
        (out / f"{exercise_id}.py").unlink(missing_ok=True)
    return out
