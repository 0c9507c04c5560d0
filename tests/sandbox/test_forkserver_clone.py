"""A clone of the fork server starts workers on its own channel, beside the original, and a
judge that grades a submission's exercises in two processes gets the same results as in one."""
from __future__ import annotations

from grader.catalog import select
from grader.engine import grade
from grader.sandbox.client import WorkerPool
from grader.sandbox.limits import Limits
from tests.conftest import ROOT


def test_a_clone_and_its_original_both_start_workers() -> None:
    with WorkerPool() as pool:
        other = pool.split()
        try:
            for p in (other, pool, other):
                with p.start(submission_root=ROOT / "solutions", limits=Limits(timeout=30)) as worker:
                    worker.request("import", module="model_construction.mlp")
                    assert worker.confinement is not None
        finally:
            other.forget()
        with pool.start(submission_root=ROOT / "solutions", limits=Limits(timeout=30)) as worker:
            worker.request("import", module="model_construction.mlp")


def _plain(run) -> list:  # type: ignore[no-untyped-def]
    return [(c.exercise, c.check, c.status, c.score, c.feedback) for c in run.checks]


def test_two_judge_processes_grade_as_one() -> None:
    chosen = select("model_construction")
    with WorkerPool() as pool:
        one = grade(ROOT / "exercises", chosen, seed=5, pool=pool, jobs=1)
        two = grade(ROOT / "exercises", chosen, seed=5, pool=pool, jobs=2)
    assert _plain(one) == _plain(two) and [e.exercise for e in two.exercises] == [e.id for e in chosen]
