"""A watch session grades with one warm pool and one seed, and reports what changed."""
from __future__ import annotations

import doctest
from pathlib import Path

from grader.catalog import select
from grader.engine import GradeOptions
from grader.sandbox.client import WorkerPool
from grader.watch import session as session_module
from grader.watch.session import WatchSession
from tests.notebooks.conftest import solution

MLP = solution("model_construction/mlp")


def test_regrade_reports_the_verdict_and_the_change(tmp_path: Path, pool: WorkerPool) -> None:
    (tmp_path / "model_construction").mkdir()
    mlp = tmp_path / "model_construction" / "mlp.py"
    mlp.write_text(MLP)
    watch = WatchSession(root=tmp_path, exercises=select("model_construction/mlp"), pool=pool, seed=4,
                         options=GradeOptions(include_hidden=False))
    first = watch.regrade(watch.exercises)
    assert first[1] == "✓ model_construction/mlp  6/6" and first[-1].startswith("total 6/6 (seed 4)")
    mlp.write_text(MLP.replace("F.relu(", "torch.tanh("))
    second = watch.on_changes(["model_construction/mlp.py"])
    assert "  newly failing: model_construction/mlp :: forward" in second
    assert watch.on_changes(["parameters/init.py", "README.md"]) == []


def test_docstring_examples() -> None:
    assert doctest.testmod(session_module).failed == 0
