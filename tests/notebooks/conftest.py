"""Helpers to write notebooks for the notebook tests."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Iterable

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]


def code(source: str, *tags: str) -> nbformat.NotebookNode:
    """A code cell (source dedented), optionally tagged."""
    return new_code_cell(textwrap.dedent(source).strip("\n"), metadata={"tags": list(tags)} if tags else {})


def md(source: str) -> nbformat.NotebookNode:
    return new_markdown_cell(source)


def write_notebook(path: Path, cells: Iterable[nbformat.NotebookNode]) -> Path:
    """Write an nbformat 4 notebook with ``cells`` at ``path`` (folders made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=list(cells)), str(path))
    return path


def solution(exercise: str) -> str:
    """The reference solution's code of ``exercise`` (``topic/module``)."""
    return (ROOT / "solutions" / f"{exercise}.py").read_text()
