"""Formatting helpers shared by the renderers (pure functions, no state).

Example:
    >>> fmt_points(3.0), fmt_points(2.5), fmt_points(1 / 3)
    ('3', '2.5', '0.33')
    >>> truncate_output("a\\nb\\nc", max_lines=2)
    '… (1 earlier line omitted)\\nb\\nc'
"""
from __future__ import annotations

import textwrap

from grader.results import CheckResult, ExerciseResult, Status

__all__ = [
    "STATUS_LABELS",
    "STATUS_MARKS",
    "FAULT_NOTE",
    "check_details",
    "exercise_status",
    "fmt_points",
    "percent",
    "truncate_output",
]

STATUS_MARKS: dict[Status, str] = {
    Status.PASSED: "✓",
    Status.FAILED: "✗",
    Status.ERROR: "!",
    Status.SKIPPED: "–",
}

STATUS_LABELS: dict[Status, str] = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.ERROR: "grader fault",
    Status.SKIPPED: "skipped",
}

FAULT_NOTE = (
    "A check marked as a grader fault failed because of a problem in the grader "
    "itself, not because of your code. It is not your fault: please report it to "
    "the course staff together with the seed."
)


def fmt_points(value: float) -> str:
    """Format a score without noise: whole numbers without decimals.

    Example:
        >>> fmt_points(10.0), fmt_points(0.25), fmt_points(2 / 3)
        ('10', '0.25', '0.67')
    """
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def percent(score: float, max_score: float) -> float:
    """Score as a percentage in [0, 100], 0 when nothing can be scored.

    Example:
        >>> percent(3, 4), percent(0, 0), percent(5, 4)
        (75.0, 0.0, 100.0)
    """
    if max_score <= 0:
        return 0.0
    return max(0.0, min(100.0, 100.0 * score / max_score))


def exercise_status(exercise: ExerciseResult) -> Status:
    """One status for a whole exercise.

    ``ERROR`` if any check is a grader fault, ``PASSED`` if all checks passed,
    ``SKIPPED`` if every check was skipped, ``FAILED`` otherwise.

    Example:
        >>> exercise_status(ExerciseResult(exercise="e", title="E", checks=()))
        <Status.PASSED: 'passed'>
    """
    statuses = [c.status for c in exercise.checks]
    if Status.ERROR in statuses:
        return Status.ERROR
    if all(s is Status.PASSED for s in statuses):
        return Status.PASSED
    if all(s is Status.SKIPPED for s in statuses):
        return Status.SKIPPED
    return Status.FAILED


def truncate_output(text: str, *, max_lines: int = 40, max_chars: int = 4000) -> str:
    """Keep the tail of a long output (tracebacks end there), noting what was cut.

    Example:
        >>> truncate_output("x" * 10, max_chars=4)
        '… (6 earlier characters omitted)\\nxxxx'
        >>> truncate_output("short")
        'short'
    """
    text = text.rstrip("\n")
    lines = text.splitlines()
    if len(lines) > max_lines:
        omitted = len(lines) - max_lines
        plural = "line" if omitted == 1 else "lines"
        text = f"… ({omitted} earlier {plural} omitted)\n" + "\n".join(lines[-max_lines:])
    if len(text) > max_chars:
        omitted = len(text) - max_chars
        text = f"… ({omitted} earlier characters omitted)\n" + text[-max_chars:]
    return text


def check_details(check: CheckResult) -> str:
    """Plain-text details of one check: fault note, feedback, failing case, location, hints.

    Example:
        >>> from grader.results import Location
        >>> c = CheckResult(exercise="e", check="c", title="t", status=Status.FAILED,
        ...                 score=0.0, max_score=1.0, feedback="wrong shape",
        ...                 hints=("use view",), location=Location("a.py", 3, "x = 1"))
        >>> print(check_details(c))
        wrong shape
        at a.py:3
            x = 1
        hint: use view
    """
    parts: list[str] = []
    if check.status is Status.ERROR:
        parts.append("GRADER FAULT (not your fault): " + FAULT_NOTE)
    if check.feedback:
        parts.append(check.feedback.rstrip("\n"))
    if check.failing_case:
        parts.append("smallest failing case:\n" + textwrap.indent(check.failing_case.rstrip("\n"), "    "))
    if check.location is not None:
        loc = f"at {check.location}"
        if check.location.source:
            loc += "\n    " + check.location.source.strip()
        parts.append(loc)
    parts.extend(f"hint: {h}" for h in check.hints)
    return "\n".join(parts)


def exercise_notes(exercise: ExerciseResult) -> list[str]:
    """What the report says about the file graded: which one (a notebook, or one of several
    present) and what of a notebook was not run.

    Example:
        >>> e = ExerciseResult("m/a", "A", (), source="Graded m.ipynb (the topic notebook).",
        ...                    not_run=("cell 2: tagged skip-grading",))
        >>> exercise_notes(e)
        ['Graded m.ipynb (the topic notebook).', 'Not run: cell 2: tagged skip-grading.']
        >>> exercise_notes(ExerciseResult("m/a", "A", ()))
        []
    """
    notes = [exercise.source] if exercise.source else []
    if exercise.not_run:
        notes.append("Not run: " + "; ".join(exercise.not_run) + ".")
    return notes
