"""Which exercises a save re-grades, and what changed between two runs."""
from __future__ import annotations

import doctest
from pathlib import Path

from grader.catalog import select
from grader.results import CheckResult, ExerciseResult, Status
from grader.watch import changes
from grader.watch.changes import affected, delta
from tests.notebooks.conftest import solution


def test_a_topic_notebook_regrades_its_topic_and_a_sibling_import_its_importer(tmp_path: Path) -> None:
    chosen = select("model_construction")
    assert {e.topic for e in affected(chosen, ["model_construction.ipynb"])} == {"model_construction"}
    assert len(affected(chosen, ["model_construction.ipynb"])) == len(chosen)
    (tmp_path / "model_construction").mkdir()
    (tmp_path / "model_construction" / "nest_mlp.py").write_text(solution("model_construction/nest_mlp"))
    ids = [e.id for e in affected(chosen, ["model_construction/fixed_hidden_mlp.py"], tmp_path)]
    assert ids == ["model_construction/fixed_hidden_mlp", "model_construction/nest_mlp"]
    assert affected(chosen, ["model_construction/.ipynb_checkpoints/mlp-checkpoint.ipynb",
                             "model_construction/__pycache__/mlp.py"], tmp_path) == ()


def test_delta_lists_newly_passing_and_failing_checks_only() -> None:
    def run(**statuses: Status) -> list[ExerciseResult]:
        return [ExerciseResult("m/a", "A", tuple(CheckResult("m/a", k, "t", s, 0.0, 1.0) for k, s in statuses.items()))]

    change = delta(run(a=Status.PASSED, b=Status.FAILED, c=Status.FAILED),
                   run(a=Status.FAILED, b=Status.PASSED, c=Status.ERROR, d=Status.FAILED))
    assert (change.now_passing, change.now_failing) == (("m/a :: b",), ("m/a :: a",))


def test_docstring_examples() -> None:
    assert doctest.testmod(changes).failed == 0
