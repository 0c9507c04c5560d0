"""Shared fixtures: one warm worker pool for the whole test session, and helpers
to grade a submission written from a dict of files."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import pytest

from grader.catalog import select
from grader.engine import GradeOptions, grade
from grader.paths import project_root
from grader.results import CheckResult, RunResult, Status
from grader.sandbox.client import WorkerPool
from grader.sandbox.limits import Limits

if TYPE_CHECKING:
    from grader.authoring.selftest import SelftestReport
    from grader.mutants import Mutant

ROOT = project_root()


@pytest.fixture(scope="session")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool() as p:
        yield p


#: The seed of the catalog's selftest: every declared mutant's needles are checked at this seed.
SELFTEST_SEED = 0


@pytest.fixture(scope="session")
def catalog_selftest(pool: WorkerPool) -> "SelftestReport":
    """``grade selftest all`` at full strength, once per test session: every solution, stub and
    declared mutant graded (hidden checks included) in the session's pool, at :data:`SELFTEST_SEED`.
    The catalog's soundness test and the test of every declared mutant both read it."""
    from grader.authoring.selftest import run_selftest
    from grader.catalog import all_exercises

    return run_selftest(all_exercises(), seed=SELFTEST_SEED, pool=pool)


GradeFiles = Callable[..., RunResult]


@pytest.fixture
def grade_files(pool: WorkerPool, tmp_path: Path) -> GradeFiles:
    """``grade_files({"model_construction/mlp.py": source}, "model_construction/mlp")``.

    Sources are dedented. Returns the RunResult.
    """
    def run(files: dict[str, str], target: str, *, seed: int = 0, timeout: float = 60.0) -> RunResult:
        sub = tmp_path / f"sub{len(list(tmp_path.iterdir()))}"
        for rel, text in files.items():
            path = sub / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        sub.mkdir(exist_ok=True)
        return grade(sub, select(target), seed=seed, pool=pool,
                     options=GradeOptions(limits=Limits(timeout=timeout)))
    return run


@pytest.fixture
def grade_dir(pool: WorkerPool) -> Callable[..., RunResult]:
    def run(path: Path, target: str, *, seed: int = 0, timeout: float = 60.0) -> RunResult:
        return grade(path, select(target), seed=seed, pool=pool, options=GradeOptions(limits=Limits(timeout=timeout)))
    return run


def declared_mutant(exercise_id: str, slug: str) -> "Mutant":
    """The mutant ``slug`` that ``exercise_id``'s declaration module declares."""
    from grader.catalog import mutants_of

    return next(m for m in mutants_of(exercise_id) if m.slug == slug)


def mutant_source(exercise_id: str, slug: str) -> str:
    """The text of a declared mutant: the exercise's solution with the mutant's edits made."""
    return declared_mutant(exercise_id, slug).apply((ROOT / "solutions" / f"{exercise_id}.py").read_text())


def check_rows(run: RunResult) -> list[tuple]:
    """What a student reads of each check of a run (status, score, feedback, hints, place, case), to
    compare two gradings."""
    return [(c.exercise, c.check, c.status, c.score, c.feedback, c.hints, c.location, c.failing_case)
            for c in run.checks]


def check(run: RunResult, exercise: str, check_id: str) -> CheckResult:
    """The result of one check of a run."""
    for c in run.checks:
        if c.exercise == exercise and c.check == check_id:
            return c
    raise KeyError(f"{exercise} :: {check_id} not in run")


def text_of(result: CheckResult) -> str:
    """Everything a student reads about a check: feedback, case, hints."""
    return "\n".join([result.feedback, result.failing_case, *result.hints])


def expect(run: RunResult, exercise: str, fails: dict[str, Iterable[str]], passes: Iterable[str] = (), *,
           absent: dict[str, Iterable[str]] | None = None, line_of: dict[str, str] | None = None) -> None:
    """Assert a run's verdicts: ``fails`` maps a check id to substrings its feedback, case and
    hints must contain (and it must score 0); ``passes`` lists checks that earn full points;
    ``absent`` maps a check id to substrings that must not appear; ``line_of`` maps a check id to
    text of the student's line the failure points at."""
    for check_id, needles in fails.items():
        result = check(run, exercise, check_id)
        text = text_of(result)
        assert result.status is Status.FAILED, f"{check_id} should fail, got {result.status}:\n{text}"
        assert result.score == 0, check_id
        for needle in needles:
            assert needle in text, f"{check_id}: {needle!r} not in the feedback:\n{text}"
    for check_id in passes:
        result = check(run, exercise, check_id)
        assert result.status is Status.PASSED, f"{check_id} should pass:\n{text_of(result)}"
        assert result.score == result.max_score
    for check_id, needles in (absent or {}).items():
        text = text_of(check(run, exercise, check_id))
        for needle in needles:
            assert needle not in text, f"{check_id}: {needle!r} should not be in the feedback:\n{text}"
    for check_id, source in (line_of or {}).items():
        location = check(run, exercise, check_id).location
        assert location is not None and source in location.source, (check_id, location)
