"""Executors: a dying job process costs one student a grader fault, never the batch."""
from __future__ import annotations

import os
from pathlib import Path

from grader.batch import InlineExecutor, LocalExecutor, run_batch
from grader.batch.job import grade_student
from grader.batch.model import BatchSettings, StudentOutcome, StudentTask
from grader.sandbox.client import WorkerPool
from tests.batch.conftest import MLP, TARGET


def crash_on_mallory(task: StudentTask, settings: BatchSettings) -> StudentOutcome:
    """Grades as usual, but the job process dies (as if the judge segfaulted) on mallory."""
    if task.student == "mallory":
        os._exit(7)
    return grade_student(task, settings)


def _class(root: Path, names: tuple[str, ...]) -> Path:
    for name in names:
        path = root / name / "model_construction" / "mlp.py"
        path.parent.mkdir(parents=True)
        path.write_text(MLP)
    return root


def test_a_dying_job_process_is_a_fault_of_that_student_only(tmp_path: Path) -> None:
    subs = _class(tmp_path / "subs", ("ann", "bob", "mallory", "zed"))
    result = run_batch(subs, tmp_path / "out", seed=1, target=TARGET,
                       executor=LocalExecutor(jobs=2, function=crash_on_mallory))
    status = {r.student: r.status for r in result.records}
    assert status == {"ann": "graded", "bob": "graded", "mallory": "fault", "zed": "graded"}
    assert all(r.score == 6 for r in result.records if r.student != "mallory")
    (fault,) = result.faults
    assert "died" in fault.message and result.exit_code == 1


def test_changed_submission_is_graded_again_unchanged_ones_reused(tmp_path: Path, pool: WorkerPool) -> None:
    subs = _class(tmp_path / "subs", ("ann", "bob"))
    out = tmp_path / "out"
    first = run_batch(subs, out, seed=4, target=TARGET, executor=InlineExecutor(pool))
    assert first.fresh == {"ann", "bob"} and first.exit_code == 0
    (subs / "bob" / "model_construction" / "mlp.py").write_text(MLP.replace("F.relu(", "("))
    second = run_batch(subs, out, target=TARGET, executor=InlineExecutor(pool))  # seed from the first batch
    assert second.seed == 4 and second.fresh == {"bob"}
    assert {r.student: r.score for r in second.records}["bob"] < 6
    third = run_batch(subs, out, seed=5, target=TARGET, executor=InlineExecutor(pool))
    assert third.fresh == {"ann", "bob"}  # another seed: everyone again
