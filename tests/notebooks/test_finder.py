"""Notebook submissions graded end to end: the worker imports the notebook (Run All), the judge
names places as ``cell N, line M``."""
from __future__ import annotations

import doctest
from pathlib import Path

from grader.catalog import select
from grader.engine import GradeOptions, grade
from grader.notebooks import finder
from grader.results import RunResult, Status
from grader.sandbox.client import WorkerPool
from tests.conftest import check, expect
from tests.notebooks.conftest import code, md, solution, write_notebook

BUGGY_FORWARD = "        return self.output(torch.sigmoid(self.hidden(X)))"


def _grade(root: Path, target: str, pool: WorkerPool) -> RunResult:
    return grade(root, select(target), seed=0, pool=pool, options=GradeOptions())


def test_a_module_notebook_with_magics_scores_full_marks_and_says_what_was_not_run(
        tmp_path: Path, pool: WorkerPool) -> None:
    write_notebook(tmp_path / "model_construction" / "mlp.ipynb", [
        md("# An MLP"), code("!pip install d2l\n%matplotlib inline"), code(solution("model_construction/mlp")),
        code("net = MLP()\nnet?"), code("import time\ntime.sleep(600)", "skip-grading"), code("%%time\nnet(1)")])
    run = _grade(tmp_path, "model_construction/mlp", pool)
    assert run.score == run.max_score
    (ex,) = run.exercises
    assert ex.source == "Graded model_construction/mlp.ipynb."
    assert ex.not_run == ("cell 2, line 1: shell line `!pip install d2l`",
                          "cell 2, line 2: line magic `%matplotlib inline`", "cell 4, line 2: help line `net?`",
                          "cell 5: tagged skip-grading", "cell 6: cell magic `%%time`")


def test_a_topic_notebook_grades_every_module_and_serves_sibling_imports(tmp_path: Path, pool: WorkerPool) -> None:
    ids = [e.id for e in select("model_construction")]
    cells = [md("# Builders' guide")] + [code(solution(i)) for i in ids]  # nest_mlp imports fixed_hidden_mlp
    write_notebook(tmp_path / "model_construction.ipynb", cells)
    run = _grade(tmp_path, "model_construction", pool)
    assert run.score == run.max_score, [c.feedback for c in run.checks if not c.passed]
    assert {e.source for e in run.exercises} == {"Graded model_construction.ipynb (the topic notebook)."}


def test_a_failure_points_at_cell_and_line_quoting_it(tmp_path: Path, pool: WorkerPool) -> None:
    buggy = solution("model_construction/mlp").replace("        return self.output(F.relu(self.hidden(X)))",
                                                       BUGGY_FORWARD)
    assert BUGGY_FORWARD in buggy
    write_notebook(tmp_path / "model_construction" / "mlp.ipynb", [md("# MLP"), code("import torch"), code(buggy)])
    run = _grade(tmp_path, "model_construction/mlp", pool)
    expect(run, "model_construction/mlp", {"forward": ["net(X)"]}, passes=["names"])
    location = check(run, "model_construction/mlp", "forward").location
    line = buggy.split("\n").index(BUGGY_FORWARD) + 1  # the line that feeds the diverging layer
    assert (location.path, location.cell, location.line) == ("model_construction/mlp.ipynb", 3, line)
    assert str(location) == f"model_construction/mlp.ipynb, cell 3, line {line}"
    assert location.source == BUGGY_FORWARD.strip()


def test_a_cell_that_raises_stops_the_run_and_missing_names_say_why(tmp_path: Path, pool: WorkerPool) -> None:
    write_notebook(tmp_path / "model_construction.ipynb", [
        code(solution("model_construction/mlp")), code("import torch\nx = torch.ones(2, 3)\nx @ x"),
        code(solution("model_construction/parallel"))])
    run = _grade(tmp_path, "model_construction/mlp", pool)
    assert run.score == run.max_score  # defined before the cell that raised: kept
    assert "Run All stopped at model_construction.ipynb, cell 2, line 3 (`x @ x`): RuntimeError" in \
        run.exercises[0].message
    run = _grade(tmp_path, "model_construction/parallel", pool)
    result = check(run, "model_construction/parallel", "forward")
    assert result.status is Status.FAILED
    assert "`Parallel` was not yet defined when Run All stopped at model_construction.ipynb, cell 2, line 3" \
        in result.feedback
    assert (result.location.cell, result.location.line, result.location.source) == (2, 3, "x @ x")


def test_a_syntax_error_stops_the_run_at_its_cell(tmp_path: Path, pool: WorkerPool) -> None:
    write_notebook(tmp_path / "model_construction" / "mlp.ipynb", [
        md("# MLP"), code("import torch\ndef broken(:\n    pass"), code(solution("model_construction/mlp"))])
    run = _grade(tmp_path, "model_construction/mlp", pool)
    assert run.score == 0
    assert "Run All stopped at model_construction/mlp.ipynb, cell 2, line 2 (`def broken(:`): SyntaxError" \
        in run.exercises[0].message


def test_a_later_definition_replaces_an_earlier_one(tmp_path: Path, pool: WorkerPool) -> None:
    buggy = solution("model_construction/mlp").replace("F.relu(", "torch.sigmoid(")
    write_notebook(tmp_path / "model_construction" / "mlp.ipynb", [code(buggy), code(solution("model_construction/mlp"))])
    run = _grade(tmp_path, "model_construction/mlp", pool)
    assert run.score == run.max_score
    write_notebook(tmp_path / "model_construction" / "mlp.ipynb", [code(solution("model_construction/mlp")), code(buggy)])
    assert _grade(tmp_path, "model_construction/mlp", pool).score < run.max_score


def test_py_wins_and_a_py_module_imports_a_sibling_notebook(tmp_path: Path, pool: WorkerPool) -> None:
    (tmp_path / "model_construction").mkdir()
    (tmp_path / "model_construction" / "nest_mlp.py").write_text(solution("model_construction/nest_mlp"))
    write_notebook(tmp_path / "model_construction" / "fixed_hidden_mlp.ipynb",
                   [code(solution("model_construction/fixed_hidden_mlp"))])
    write_notebook(tmp_path / "model_construction.ipynb", [code("raise RuntimeError('not this one')")])
    run = _grade(tmp_path, "model_construction/nest_mlp", pool)
    assert run.score == run.max_score, [c.feedback for c in run.checks if not c.passed]
    assert run.exercises[0].source == ("Graded model_construction/nest_mlp.py. Also present, not graded: "
                                       "model_construction.ipynb.")


def test_an_invalid_notebook_ends_only_its_exercise(tmp_path: Path, pool: WorkerPool) -> None:
    (tmp_path / "model_construction").mkdir()
    (tmp_path / "model_construction" / "mlp.ipynb").write_text('{"cells": [\n  {"cell_type": "code"\n  "source": ""}]}')
    (tmp_path / "model_construction" / "stack.py").write_text(solution("model_construction/stack"))
    run = grade(tmp_path, (*select("model_construction/mlp"), *select("model_construction/stack")), seed=0,
                pool=pool)
    mlp, stack = run.exercises
    assert mlp.score == 0 and mlp.message == ("model_construction/mlp.ipynb is not a valid notebook: its JSON "
                                              "breaks at line 3, column 3 (Expecting ',' delimiter): \"source\": \"\"}]}")
    assert stack.score == stack.max_score


def test_docstring_examples() -> None:
    assert doctest.testmod(finder).failed == 0
