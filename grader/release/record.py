"""Record the references' answers while grading known submissions (solutions, stubs, mutants).

Grading the solution walks every path a passing submission takes; the stub and
the mutants walk the paths of failures (hints included), so that a replay can
give the same feedback.

Example::

    recordings, runs = record_expected(exercises, seed=7, solutions=Path("solutions"),
                                       submissions=[Path("solutions"), Path("exercises")], pool=pool)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from grader.catalog import Exercise
from grader.engine import GradeOptions, References, grade
from grader.expected import Recording, RecordingReference
from grader.results import ExerciseResult
from grader.sandbox.client import WorkerPool

__all__ = ["record_expected", "Recorder", "Known"]


@dataclass(frozen=True)
class Known:
    """A submission graded while recording: a folder, and which exercises of it to grade.

    Example:
        >>> Known("solutions", Path("solutions")).exercises is None   # all of them
        True
        >>> Known("mutant no_relu", Path("mutants/no_relu"), ("model_construction/mlp",)).exercises
        ('model_construction/mlp',)
    """

    label: str
    root: Path
    exercises: tuple[str, ...] | None = None  # None: all


class Recorder:
    """References that answer live and write every answer into one recording per exercise."""

    def __init__(self, solutions: Path, seed: int, track: str = "pytorch") -> None:
        self.live = References(solutions, track)
        self.seed = seed
        self.recordings: dict[str, Recording] = {}

    def runner(self, exercise: Exercise, pool: WorkerPool | None = None) -> RecordingReference:
        recording = self.recordings.setdefault(exercise.id, Recording(exercise.id, self.seed))
        return RecordingReference(self.live.runner(exercise, pool), recording)


def record_expected(exercises: tuple[Exercise, ...], *, seed: int, solutions: Path, known: Iterable[Known],
                    pool: WorkerPool, options: GradeOptions = GradeOptions(),
                    step: Callable[[str], None] = lambda _: None) -> tuple[dict[str, Recording],
                                                                          dict[tuple[str, str], ExerciseResult]]:
    """Grade each known submission with recording references; returns the recordings by exercise id
    and the live results by (label, exercise id), to compare a replay with."""
    recorder = Recorder(solutions, seed, exercises[0].track if exercises else "pytorch")
    results: dict[tuple[str, str], ExerciseResult] = {}
    for sub in known:
        chosen = tuple(e for e in exercises if sub.exercises is None or e.id in sub.exercises)
        step(f"recording: {sub.label}")
        run = grade(sub.root, chosen, seed=seed, options=options, pool=pool, references=recorder)
        for result in run.exercises:
            results[(sub.label, result.exercise)] = result
    return recorder.recordings, results


def verdicts(result: ExerciseResult) -> dict[str, Any]:
    """What a replay must reproduce: each check's status and score.

    Example:
        >>> from grader.results import CheckResult, Status
        >>> checks = (CheckResult("m/mlp", "forward", "forward", Status.PASSED, 3.0, 3.0),
        ...           CheckResult("m/mlp", "names", "names", Status.FAILED, 0.0, 2.0, feedback="missing bias"))
        >>> verdicts(ExerciseResult("m/mlp", "MLP", checks))
        {'forward': ('passed', 3.0), 'names': ('failed', 0.0)}
    """
    return {c.check: (c.status.value, c.score) for c in result.checks}
