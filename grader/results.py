"""One result model that every writer reads.

Frozen dataclasses only: the engine builds them, renderers read them.

Example:
    >>> c = CheckResult(exercise="model_construction/mlp", check="forward",
    ...                 title="forward matches the reference", status=Status.PASSED,
    ...                 score=3.0, max_score=3.0, feedback="")
    >>> c.passed
    True
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = ["Status", "Location", "CheckResult", "ExerciseResult", "RunResult"]


class Status(str, enum.Enum):
    """Outcome of one check.

    ``PASSED`` and ``FAILED`` are verdicts on the student's code; ``ERROR`` is a
    fault of the grader itself (never the student's fault); ``SKIPPED`` means the
    check could not run because an earlier failure ended the exercise.
    """

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Location:
    """A line of the student's file, relative to the submission root; in a notebook, ``cell``
    (from 1, over all cells) and ``line`` in that cell.

    Example:
        >>> str(Location("m/a.py", 3)), str(Location("m.ipynb", 2, cell=4))
        ('m/a.py:3', 'm.ipynb, cell 4, line 2')
    """

    path: str
    line: int
    source: str = ""
    cell: int = 0

    def __str__(self) -> str:
        return f"{self.path}, cell {self.cell}, line {self.line}" if self.cell else f"{self.path}:{self.line}"


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check of one exercise."""

    exercise: str
    check: str
    title: str
    status: Status
    score: float
    max_score: float
    feedback: str = ""
    hints: tuple[str, ...] = ()
    location: Location | None = None
    failing_case: str = ""
    duration: float = 0.0
    #: a picture of the failure for the HTML report (grader.checks.figures); not in results.json
    figure: dict | None = field(default=None, compare=False)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def name(self) -> str:
        """``"<exercise id> :: <check id>"``, the name used in results.json."""
        return f"{self.exercise} :: {self.check}"


@dataclass(frozen=True)
class ExerciseResult:
    """All checks of one exercise, plus what the worker printed; ``source`` says which file was
    graded when it is a notebook or when several candidates were present, ``not_run`` lists the
    notebook's cells and lines that were not run."""

    exercise: str
    title: str
    checks: tuple[CheckResult, ...]
    message: str = ""
    output: str = ""
    duration: float = 0.0
    source: str = ""
    not_run: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.checks)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


@dataclass(frozen=True)
class RunResult:
    """One grading run of one submission."""

    seed: int
    grader_version: str
    submission: str
    exercises: tuple[ExerciseResult, ...]
    protections: tuple[str, ...] = ()
    duration: float = 0.0
    started_at: str = ""
    student: str = ""
    track: str = "pytorch"

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        return tuple(c for e in self.exercises for c in e.checks)

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    @property
    def passed(self) -> bool:
        return all(e.passed for e in self.exercises)

    @property
    def faults(self) -> tuple[CheckResult, ...]:
        """Checks that ended in a grader fault."""
        return tuple(c for c in self.checks if c.status is Status.ERROR)
