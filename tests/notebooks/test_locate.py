"""Which file is graded, and how a broken notebook is reported."""
from __future__ import annotations

import doctest
import json
from pathlib import Path

from grader.notebooks import locate as locate_module
from grader.notebooks.locate import MAX_NOTEBOOK_BYTES, locate
from tests.notebooks.conftest import code, write_notebook


def test_precedence_py_then_module_notebook_then_topic_notebook(tmp_path: Path) -> None:
    write_notebook(tmp_path / "model_construction.ipynb", [code("x = 1")])
    assert locate(tmp_path, "model_construction/mlp").path == "model_construction.ipynb"
    write_notebook(tmp_path / "model_construction" / "mlp.ipynb", [code("x = 1")])
    graded = locate(tmp_path, "model_construction/mlp")
    assert (graded.path, graded.others) == ("model_construction/mlp.ipynb", ("model_construction.ipynb",))
    (tmp_path / "model_construction" / "mlp.py").write_text("x = 1\n")
    graded = locate(tmp_path, "model_construction/mlp")
    assert graded.path == "model_construction/mlp.py" and graded.plan is None
    assert graded.note() == ("Graded model_construction/mlp.py. Also present, not graded: "
                             "model_construction/mlp.ipynb, model_construction.ipynb.")
    assert locate(tmp_path, "parameters/init") is None


def test_a_lone_py_file_adds_no_note(tmp_path: Path) -> None:
    (tmp_path / "parameters").mkdir()
    (tmp_path / "parameters" / "init.py").write_text("x = 1\n")
    assert locate(tmp_path, "parameters/init").note() == ""


def test_broken_json_says_where_it_breaks(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "parameters.ipynb", [code("x = 1")])
    text = path.read_text().replace('"cell_type": "code",', '"cell_type": "code"', 1)
    path.write_text(text)
    problem = locate(tmp_path, "parameters/init").problem
    line = next(i for i, t in enumerate(text.split("\n"), 1) if '"cell_type": "code"' in t)
    assert problem.startswith(f"parameters.ipynb is not a valid notebook: its JSON breaks at line {line + 1}")
    assert "Expecting ',' delimiter" in problem


def test_a_json_file_that_is_not_a_notebook(tmp_path: Path) -> None:
    (tmp_path / "parameters.ipynb").write_text(json.dumps({"nbformat": 4, "cells": "nope"}))
    assert "is not a valid notebook" in locate(tmp_path, "parameters/init").problem
    (tmp_path / "parameters.ipynb").write_text(json.dumps({"nbformat": 3, "worksheets": []}))
    assert "is not an nbformat 4 notebook (nbformat: 3)" in locate(tmp_path, "parameters/init").problem


def test_cell_ids_are_optional(tmp_path: Path) -> None:
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}]}
    (tmp_path / "parameters.ipynb").write_text(json.dumps(data))
    graded = locate(tmp_path, "parameters/init")
    assert graded.problem == "" and len(graded.plan.runnable) == 1


def test_guards_links_outside_and_large_files(tmp_path: Path) -> None:
    outside = write_notebook(tmp_path / "elsewhere" / "x.ipynb", [code("x = 1")])
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "parameters.ipynb").symlink_to(outside)
    assert "links outside the submission folder" in locate(sub, "parameters/init").problem
    (sub / "parameters.ipynb").unlink()
    write_notebook(sub / "parameters.ipynb", [code("x = '" + "a" * MAX_NOTEBOOK_BYTES + "'")])
    assert "larger than 1 MiB" in locate(sub, "parameters/init").problem


def test_docstring_examples() -> None:
    assert doctest.testmod(locate_module).failed == 0
