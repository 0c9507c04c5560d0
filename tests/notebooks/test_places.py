"""Judge-side places: a notebook's virtual line as `cell N, line M`, quoted; text never run."""
from __future__ import annotations

import doctest
from pathlib import Path

from grader.notebooks import places
from grader.notebooks.places import location, student_text
from tests.notebooks.conftest import code, md, write_notebook


def test_a_virtual_line_becomes_cell_and_line_with_its_text(tmp_path: Path) -> None:
    write_notebook(tmp_path / "t" / "m.ipynb", [md("# title\ntext"), code("%time x = 1\ny = 2")])
    text = student_text(tmp_path, "t/m.ipynb").split("\n")
    virtual = text.index("y = 2") + 1
    where = location(tmp_path, {"file": "t/m.ipynb", "line": virtual})
    assert (where.cell, where.line, where.source, str(where)) == (2, 2, "y = 2", "t/m.ipynb, cell 2, line 2")
    assert text[virtual - 2] == "pass"  # the magic, not run, keeps its line


def test_py_files_keep_path_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\ny = 2\n")
    where = location(tmp_path, {"file": "a.py", "line": 2})
    assert (str(where), where.source, where.cell) == ("a.py:2", "y = 2", 0)


def test_files_outside_the_submission_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.py").write_text("token = 1\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    assert student_text(sub, "../secret.py") == ""
    assert location(sub, {"file": "../secret.py", "line": 1}).source == ""
    assert location(sub, {"file": "", "line": 1}) is None


def test_docstring_examples() -> None:
    assert doctest.testmod(places).failed == 0
