"""Turn one student's :class:`~grader.results.RunResult` into a :class:`StudentRecord`.

Feedback messages are normalised so that the class report can count how many
students got "the same" message: the first non-empty line, with the
student's id, memory addresses and decimal numbers replaced by placeholders,
whitespace collapsed, and at most 160 characters. When the check gave hints
(a known mistake was recognised), the first one is appended: it names the
mistake, which the first line ("Compared the output of net(X) …") often
does not.

Example:
    >>> normalise_message("File not found: m/a.py (expected in bob/).\\nmore", student="bob")
    'File not found: m/a.py (expected in <student>/).'
    >>> normalise_message("Greatest absolute difference: 0.0509 at index (0, 0)")
    'Greatest absolute difference: # at index (0, 0)'
"""
from __future__ import annotations

import re

from grader.batch.model import FAULT, GRADED, CheckSummary, ExerciseSummary, StudentRecord
from grader.render._format import exercise_status
from grader.results import CheckResult, RunResult, Status

__all__ = ["normalise_message", "first_line", "summarise"]

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")
_DECIMAL = re.compile(r"(?<![\w.])[-+]?\d+\.\d+(?:[eE][-+]?\d+)?")
_MAX = 160


def first_line(text: str) -> str:
    """The first non-empty line, stripped, at most 160 characters.

    Example:
        >>> first_line("\\n  a  \\nb")
        'a'
    """
    for line in text.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= _MAX else line[:_MAX - 1] + "…"
    return ""


def normalise_message(text: str, *, student: str = "") -> str:
    """A grouping key for a feedback message (see the module docstring)."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if student:
        line = line.replace(student, "<student>")
    line = _ADDRESS.sub("0x…", line)
    line = _DECIMAL.sub("#", line)
    line = " ".join(line.split())
    return line if len(line) <= _MAX else line[:_MAX - 1] + "…"


def _message(check: CheckResult, student: str) -> tuple[str, str]:
    """The grouping key and the example line of a failed check.

    Example:
        >>> c = CheckResult("e", "c", "t", Status.FAILED, 0.0, 1.0, feedback="Compared 1.5\\nmore",
        ...                 hints=("The ReLU is missing.",))
        >>> _message(c, "bob")
        ('Compared # — hint: The ReLU is missing.', 'Compared 1.5 — hint: The ReLU is missing.')
    """
    message, example = normalise_message(check.feedback, student=student), first_line(check.feedback)
    if check.hints:
        message += " — hint: " + normalise_message(check.hints[0], student=student)
        example += " — hint: " + first_line(check.hints[0])
    return message, example


def summarise(run: RunResult, *, student: str, key: str, status: str = "", message: str = "") -> StudentRecord:
    """The record of a run; ``status`` defaults to ``fault`` when a check is a grader fault.

    Example:
        >>> from grader.results import CheckResult, ExerciseResult
        >>> c = CheckResult("e/x", "c", "t", Status.ERROR, 0.0, 1.0, feedback="Grader fault: boom")
        >>> run = RunResult(seed=1, grader_version="0.1.0", submission="s",
        ...                 exercises=(ExerciseResult("e/x", "X", (c,)),))
        >>> rec = summarise(run, student="s", key="k")
        >>> rec.status, rec.message
        ('fault', 'grader fault in e/x :: c')
    """
    faults = run.faults
    if not status:
        status = FAULT if faults else GRADED
    if not message and faults:
        message = "grader fault in " + ", ".join(c.name for c in faults)
    checks = tuple(
        CheckSummary(exercise=c.exercise, check=c.check, title=c.title, status=c.status.value,
                     score=c.score, max_score=c.max_score,
                     **dict(zip(("message", "example"), ("", "") if c.passed else _message(c, student))))
        for c in run.checks)
    exercises = tuple(ExerciseSummary(exercise=e.exercise, title=e.title, score=e.score, max_score=e.max_score,
                                      status=exercise_status(e).value) for e in run.exercises)
    return StudentRecord(student=student, key=key, status=status, score=run.score, max_score=run.max_score,
                         message=message, duration=run.duration, protections=run.protections,
                         exercises=exercises, checks=checks)
