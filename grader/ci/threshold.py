"""The pass mark of a CI run: parsing ``--min-score`` and turning a run into an exit status.

``--min-score`` is a *fraction of the maximum score*: ``0.6`` and ``60%`` mean
the same; ``0`` passes every run that the grader could grade; ``1`` or ``100%``
needs every point. Without it (``None``, also written as an empty value) the
rule is ``grade exercise``'s: every check must pass.

Exit statuses of ``grade ci``: 0 at or above the threshold, 1 below it,
2 usage error (raised by click), 3 grader fault (some check ended in
``error``: the grade is not trustworthy, whatever the score).

Example:
    >>> parse_min_score("60%"), parse_min_score("0.6"), parse_min_score("1")
    (0.6, 0.6, 1.0)
    >>> from grader.results import CheckResult, ExerciseResult, RunResult, Status
    >>> c = CheckResult("ex", "c1", "t", Status.FAILED, 0.0, 2.0)
    >>> run = RunResult(seed=1, grader_version="0.1.0", submission="s",
    ...                 exercises=(ExerciseResult("ex", "Ex", (c,)),))
    >>> verdict(run, 0.0), verdict(run, 0.5), verdict(run, 0.5).exit_code, verdict(run, None).exit_code
    (<Verdict.PASSED: 'passed'>, <Verdict.BELOW: 'below'>, 1, 1)
"""
from __future__ import annotations

import enum
import math

from grader.render._format import fmt_points, percent
from grader.results import RunResult

__all__ = ["Verdict", "parse_min_score", "format_min_score", "score_fraction", "verdict",
           "EXIT_OK", "EXIT_BELOW", "EXIT_USAGE", "EXIT_FAULT"]

EXIT_OK = 0
EXIT_BELOW = 1
EXIT_USAGE = 2
EXIT_FAULT = 3

_EPS = 1e-9  # 3 of 5 points is 0.6 even when 3/5 rounds below 0.6


class Verdict(str, enum.Enum):
    """How a CI run ended; ``exit_code`` is the status ``grade ci`` exits with.

    Example:
        >>> [v.exit_code for v in Verdict]
        [0, 1, 3]
    """

    PASSED = "passed"
    BELOW = "below"
    FAULT = "fault"

    @property
    def exit_code(self) -> int:
        return {Verdict.PASSED: EXIT_OK, Verdict.BELOW: EXIT_BELOW, Verdict.FAULT: EXIT_FAULT}[self]


def parse_min_score(text: str) -> float | None:
    """``"0.6"`` or ``"60%"`` to ``0.6``; an empty value to None (every check must pass);
    raises ValueError for anything else.

    A bare number above 1 is refused rather than guessed at (points? percent?).

    Example:
        >>> parse_min_score(" 75 % "), parse_min_score("0"), parse_min_score("100%"), parse_min_score("")
        (0.75, 0.0, 1.0, None)
        >>> parse_min_score("60")
        Traceback (most recent call last):
        ...
        ValueError: expected a fraction of the maximum score, 0 to 1 (0.6), or a percentage (60%), got '60'
    """
    raw = str(text).strip()
    if not raw:
        return None
    problem = f"expected a fraction of the maximum score, 0 to 1 (0.6), or a percentage (60%), got {text!r}"
    is_percent = raw.endswith("%")
    number = raw[:-1].strip() if is_percent else raw
    try:
        value = float(number)
    except ValueError:
        raise ValueError(problem) from None
    if not math.isfinite(value):
        raise ValueError(problem)
    if is_percent:
        value /= 100.0
    if not 0.0 <= value <= 1.0:
        raise ValueError(problem)
    return value


def format_min_score(min_score: float | None) -> str:
    """The threshold as people read it.

    Example:
        >>> format_min_score(0.6), format_min_score(1 / 3), format_min_score(0.0), format_min_score(None)
        ('60%', '33.33%', '0%', 'every check passing')
    """
    if min_score is None:
        return "every check passing"
    return f"{fmt_points(round(min_score * 100, 2))}%"


def score_fraction(run: RunResult) -> float:
    """The run's score as a fraction of its maximum (0 when nothing could be scored).

    Example:
        >>> score_fraction(RunResult(seed=1, grader_version="0.1.0", submission="s", exercises=()))
        0.0
    """
    return percent(run.score, run.max_score) / 100.0


def verdict(run: RunResult, min_score: float | None) -> Verdict:
    """``FAULT`` when a check ended in a grader fault, else ``PASSED`` or ``BELOW`` the threshold
    (``None``: ``BELOW`` unless every check passed, as ``grade exercise`` exits 1).

    Example:
        >>> from grader.results import CheckResult, ExerciseResult, Status
        >>> c = CheckResult("ex", "c1", "t", Status.ERROR, 0.0, 1.0, feedback="boom")
        >>> run = RunResult(seed=1, grader_version="0.1.0", submission="s",
        ...                 exercises=(ExerciseResult("ex", "Ex", (c,)),))
        >>> verdict(run, 0.0)
        <Verdict.FAULT: 'fault'>
    """
    if run.faults:
        return Verdict.FAULT
    if min_score is None:
        return Verdict.PASSED if all(c.passed for c in run.checks) else Verdict.BELOW
    return Verdict.PASSED if score_fraction(run) + _EPS >= min_score else Verdict.BELOW
