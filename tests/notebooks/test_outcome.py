"""What Run All stopping means for an exercise's feedback."""
from __future__ import annotations

import doctest

from grader.notebooks import outcome
from grader.notebooks.cells import plan_notebook
from grader.notebooks.locate import Graded
from grader.notebooks.outcome import NotebookRun
from grader.results import CheckResult, Location, Status

PLAN = plan_notebook({"cells": [{"cell_type": "markdown", "source": "# a"},
                                {"cell_type": "code", "source": "x = 1\nundefined_name"}]})


def _failed(feedback: str, location: Location | None = None) -> CheckResult:
    return CheckResult("m/a", "forward", "t", Status.FAILED, 0.0, 1.0, feedback=feedback, location=location)


def test_nothing_changes_when_every_cell_ran() -> None:
    result = _failed("Your module does not define `MLP`.")
    run = NotebookRun(Graded("m.ipynb", "topic notebook", plan=PLAN))
    assert run.explain(result) is result and run.stop_note() == ""


def test_only_missing_names_are_explained_and_a_location_is_kept() -> None:
    run = NotebookRun(Graded("m.ipynb", "topic notebook", plan=PLAN),
                      {"cell": 2, "line": 2, "type": "NameError", "message": "name 'undefined_name' is not defined"})
    other = _failed("forward differs")
    assert run.explain(other) is other
    kept = Location("m.ipynb", 1, "x = 1", cell=2)
    explained = run.explain(_failed("Your module does not define `MLP`.", kept))
    assert explained.location == kept
    assert explained.feedback == (
        "Your module does not define `MLP`. `MLP` was not yet defined when Run All stopped at m.ipynb, cell 2, "
        "line 2 (`undefined_name`): NameError: name 'undefined_name' is not defined. The cells after it were not run.")


def test_docstring_examples() -> None:
    assert doctest.testmod(outcome).failed == 0
