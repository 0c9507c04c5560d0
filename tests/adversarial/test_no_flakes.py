"""No flakes: the verdict depends on the submission and the seed, nothing else.

- the reference solutions get full marks under 20 seeds;
- a representative buggy submission per topic (one of its exercises' declared mutants) is
  caught under the same 20 seeds;
- the same seed gives identical verdicts, in another judge process too.

The gradings run in two judge processes (this machine has two cores), each
with its own fork server.
"""
from __future__ import annotations

import multiprocessing
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.adversarial.conftest import ROOT

SEEDS = tuple(range(1000, 1020))
Verdict = tuple[tuple[str, str, float, str, str], ...]


def _buggy_cases() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """id -> (exercise, source, checks that must fail): one realistic bug per topic."""
    from tests.conftest import declared_mutant, mutant_source

    def declared(exercise: str, slug: str) -> tuple[str, str, tuple[str, ...]]:
        return exercise, mutant_source(exercise, slug), tuple(declared_mutant(exercise, slug).fails)

    chosen = {
        "parallel-cat-on-dim-0": declared("model_construction/parallel", "cat_on_dim_0"),
        "init-xavier-fan-in-only": declared("parameters/init", "xavier_fan_in_only"),
        "lazy-xavier-normal": declared("lazy_init/lazy_mlp", "xavier_normal"),
        "tensor-io-float-cast": declared("read_write/tensor_io", "float_cast_on_save"),
        "placement-arange-without-device": declared("devices/placement", "arange_without_device"),
        "my-linear-uniform-init": declared("custom_layers/my_linear", "uniform_init"),
    }
    return chosen


# -- run in the judge processes ---------------------------------------------------------------------

def _verdicts(jobs: list[tuple[str, str, int]]) -> list[Verdict]:
    """Grade ``(submission folder, target, seed)`` jobs with one warm pool; each verdict lists
    (check, status, score, feedback, failing case) for every check."""
    from grader.catalog import select
    from grader.engine import grade
    from grader.sandbox.client import WorkerPool

    out = []
    with WorkerPool() as pool:
        for folder, target, seed in jobs:
            run = grade(Path(folder), select(target), seed=seed, pool=pool)
            out.append(tuple((c.name, c.status.value, c.score, c.feedback, c.failing_case) for c in run.checks))
    return out


@pytest.fixture(scope="module")
def judges() -> Iterator[ProcessPoolExecutor]:
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as executor:
        yield executor


def _in_parallel(judges: ProcessPoolExecutor, jobs: list[tuple[str, str, int]]) -> list[Verdict]:
    """The jobs split in two halves, one per judge process; verdicts in the order of ``jobs``."""
    halves = [jobs[0::2], jobs[1::2]]
    results = [f.result() for f in [judges.submit(_verdicts, h) for h in halves]]
    merged: list[Verdict] = [()] * len(jobs)
    merged[0::2], merged[1::2] = results[0], results[1]
    return merged


@pytest.fixture(scope="module")
def buggy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """id -> (submission folder, exercise, checks that must fail)."""
    out = {}
    for case_id, (exercise, source, fails) in _buggy_cases().items():
        folder = tmp_path_factory.mktemp(case_id)
        path = folder / f"{exercise}.py"
        path.parent.mkdir(parents=True)
        path.write_text(textwrap.dedent(source))
        out[case_id] = (str(folder), exercise, fails)
    return out


def test_solutions_get_full_marks_under_20_seeds(judges):
    jobs = [(str(ROOT / "solutions"), "all", seed) for seed in SEEDS]
    for seed, verdict in zip(SEEDS, _in_parallel(judges, jobs)):
        failed = [(name, feedback) for name, status, _, feedback, _ in verdict if status != "passed"]
        assert not failed, f"seed {seed}: {failed}"


def test_buggy_submissions_are_caught_under_20_seeds(judges, buggy):
    jobs = [(folder, exercise, seed) for folder, exercise, _ in buggy.values() for seed in SEEDS]
    verdicts = iter(_in_parallel(judges, jobs))
    for case_id, (_, exercise, fails) in buggy.items():
        for seed in SEEDS:
            by_check = {name.split(" :: ")[1]: (status, score) for name, status, score, _, _ in next(verdicts)}
            for check_id in fails:
                assert by_check[check_id] == ("failed", 0), f"{case_id}, seed {seed}: {check_id} {by_check[check_id]}"


def test_the_same_seed_gives_identical_verdicts_in_two_judges(judges, buggy):
    jobs = [(folder, exercise, SEEDS[0]) for folder, exercise, _ in buggy.values()]
    jobs += [(str(ROOT / "solutions"), "read_write", 7)]
    first = judges.submit(_verdicts, jobs)
    second = judges.submit(_verdicts, jobs)
    assert first.result() == second.result()
