"""Calls of the grader inside a graded notebook are not run (they would start the grader in the worker)."""
from __future__ import annotations

import doctest

import grader.notebook
from grader.notebooks import grader_calls
from grader.notebooks.cells import plan_notebook
from grader.notebooks.grader_calls import check_names, grader_statements


def test_only_the_graders_check_is_dropped_and_student_code_in_the_same_cell_runs() -> None:
    plan = plan_notebook({"cells": [
        {"cell_type": "code", "source": "from grader.notebook import check as grade_it"},
        {"cell_type": "code", "source": "class MLP: pass\nresult = grade_it('model_construction/mlp')\ncheck(1)"}]})
    first, second = plan.runnable
    assert first.code == "pass"
    assert second.code == "class MLP: pass\npass\ncheck(1)"  # a student's own check() runs
    assert [str(s) for s in plan.skipped] == [
        "cell 1, line 1: grader call `from grader.notebook import check as grade_it`",
        "cell 2, line 2: grader call `result = grade_it('model_construction/mlp')`"]


def test_module_imports_and_star_imports() -> None:
    names = check_names(["from grader import notebook as nb", "from grader.notebook import *"])
    assert grader_statements("nb.check('all')\ncheck('all')\nx.check('all')", names) == [(1, 1), (2, 2)]


def test_docstring_examples() -> None:
    assert doctest.testmod(grader_calls).failed == 0
    assert doctest.testmod(grader.notebook).failed == 0
