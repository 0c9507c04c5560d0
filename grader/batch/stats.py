"""Class statistics from the students' records: distribution, pass rates, frequent failures.

Every student counts in the score distribution (a refused submission scores
0). Pass rates and failure messages count only students whose submission was
graded (refused ones would all show the same "Submission refused" message);
a check that ended in a grader fault counts in ``errors``, never as a
failure of the student.

Example:
    >>> from grader.batch.model import CheckSummary, StudentRecord
    >>> def rec(name, status):
    ...     c = CheckSummary("t/e", "fwd", "forward", status, float(status == "passed"), 1.0,
    ...                      message="" if status == "passed" else "wrong", example="wrong")
    ...     return StudentRecord(name, "k", "graded", c.score, 1.0, checks=(c,))
    >>> stats = class_stats([rec("a", "passed"), rec("b", "failed"), rec("c", "failed")])
    >>> round(stats.mean, 1), round(stats.checks[0].pass_rate, 2), stats.checks[0].messages[0].count
    (33.3, 0.33, 2)
"""
from __future__ import annotations

import collections
import statistics
from dataclasses import dataclass
from typing import Sequence

from grader.batch.model import FAULT, REFUSED, StudentRecord

__all__ = ["MessageCount", "CheckStats", "ExerciseStats", "Bin", "ClassStats", "class_stats"]


@dataclass(frozen=True)
class MessageCount:
    """A normalised feedback line, how many students got it, and one of them as they saw it."""

    message: str
    example: str
    count: int


@dataclass(frozen=True)
class CheckStats:
    """One check across the class."""

    exercise: str
    check: str
    title: str
    max_score: float
    passed: int
    failed: int
    skipped: int
    errors: int
    messages: tuple[MessageCount, ...]

    @property
    def graded(self) -> int:
        """Students whose check produced a verdict (passed, failed or skipped)."""
        return self.passed + self.failed + self.skipped

    @property
    def pass_rate(self) -> float:
        """Share of graded students who passed (0 when none was graded)."""
        return self.passed / self.graded if self.graded else 0.0

    @property
    def name(self) -> str:
        return f"{self.exercise} :: {self.check}"


@dataclass(frozen=True)
class ExerciseStats:
    """One exercise across the class: mean score and how many got full marks."""

    exercise: str
    title: str
    max_score: float
    mean_score: float
    full_marks: int
    graded: int
    errors: int

    @property
    def full_rate(self) -> float:
        return self.full_marks / self.graded if self.graded else 0.0


@dataclass(frozen=True)
class Bin:
    """One bar of the histogram: scores in [low, high) percent (the last bin includes 100)."""

    low: float
    high: float
    count: int


@dataclass(frozen=True)
class ClassStats:
    """The whole class; percentages are of each student's maximum score."""

    n_students: int
    n_graded: int
    n_refused: int
    n_faults: int
    mean: float
    median: float
    minimum: float
    maximum: float
    stdev: float
    histogram: tuple[Bin, ...]
    exercises: tuple[ExerciseStats, ...]
    checks: tuple[CheckStats, ...]
    protections: tuple[str, ...]
    protections_partial: tuple[str, ...]

    @property
    def hardest_checks(self) -> tuple[CheckStats, ...]:
        """Checks with at least one failure, most failed first: what to re-teach."""
        failing = [c for c in self.checks if c.failed + c.skipped]
        return tuple(sorted(failing, key=lambda c: (c.pass_rate, -(c.failed + c.skipped))))


def _histogram(percents: Sequence[float], bins: int) -> tuple[Bin, ...]:
    """Counts in ``bins`` equal bins of [0, 100].

    Example:
        >>> [b.count for b in _histogram([0, 55, 100, 100], 4)]
        [1, 0, 1, 2]
    """
    width = 100.0 / bins
    counts = [0] * bins
    for p in percents:
        counts[min(bins - 1, int(p // width))] += 1
    return tuple(Bin(i * width, (i + 1) * width, n) for i, n in enumerate(counts))


def _check_stats(records: Sequence[StudentRecord], top: int) -> tuple[CheckStats, ...]:
    order: dict[tuple[str, str], tuple[str, float]] = {}
    counts: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    messages: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    examples: dict[tuple[str, str, str], str] = {}
    for record in records:
        for c in record.checks:
            key = (c.exercise, c.check)
            order.setdefault(key, (c.title, c.max_score))
            counts[key][c.status] += 1
            if c.status in ("failed", "skipped"):
                messages[key][c.message] += 1
                examples.setdefault((*key, c.message), c.example)
    return tuple(
        CheckStats(exercise=ex, check=ch, title=title, max_score=max_score, passed=counts[(ex, ch)]["passed"],
                   failed=counts[(ex, ch)]["failed"], skipped=counts[(ex, ch)]["skipped"],
                   errors=counts[(ex, ch)]["error"],
                   messages=tuple(MessageCount(m, examples[(ex, ch, m)], n)
                                  for m, n in messages[(ex, ch)].most_common(top)))
        for (ex, ch), (title, max_score) in order.items())


def _exercise_stats(records: Sequence[StudentRecord]) -> tuple[ExerciseStats, ...]:
    rows: dict[str, list] = {}
    for record in records:
        for e in record.exercises:
            row = rows.setdefault(e.exercise, [e.title, e.max_score, [], 0, 0])
            if e.status == "error":
                row[4] += 1
                continue
            row[2].append(e.score)
            row[3] += int(e.score >= e.max_score > 0)
    return tuple(ExerciseStats(exercise=ex, title=title, max_score=mx, graded=len(scores), full_marks=full,
                               mean_score=statistics.fmean(scores) if scores else 0.0, errors=errors)
                 for ex, (title, mx, scores, full, errors) in rows.items())


def _protections(records: Sequence[StudentRecord]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Protections active for every graded student, and those active for only some."""
    sets = [r.protections for r in records if r.protections]
    if not sets:
        return (), ()
    everywhere = [p for p in sets[0] if all(p in s for s in sets)]
    somewhere = dict.fromkeys(p for s in sets for p in s if p not in everywhere)
    return tuple(everywhere), tuple(somewhere)


def class_stats(records: Sequence[StudentRecord], *, bins: int = 10, top_messages: int = 3) -> ClassStats:
    """Statistics of ``records`` (see the module docstring)."""
    percents = [r.percent for r in records]
    graded = [r for r in records if r.status != REFUSED]
    everywhere, partial = _protections(graded)
    return ClassStats(
        n_students=len(records), n_graded=len(graded),
        n_refused=sum(r.status == REFUSED for r in records), n_faults=sum(r.status == FAULT for r in records),
        mean=statistics.fmean(percents) if percents else 0.0,
        median=statistics.median(percents) if percents else 0.0,
        minimum=min(percents, default=0.0), maximum=max(percents, default=0.0),
        stdev=statistics.pstdev(percents) if len(percents) > 1 else 0.0,
        histogram=_histogram(percents, bins), exercises=_exercise_stats(graded),
        checks=_check_stats(graded, top_messages), protections=everywhere, protections_partial=partial)
