"""A judge-side exception while handling the student's object is the student's failure when the same
check passes with the reference in the student's place; a grader fault only when it fails there too."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.catalog import Exercise
from grader.checks.base import CheckContext
from grader.engine import _run_check
from grader.results import Status
from grader.sandbox.client import StudentError, unhandled_object_error


class Fixed:
    """A runner whose every answer is ``{"value": value}``."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        return {"value": self.value}


class Picky:
    """Reads a key of what the student's code returned: fine on a dict, a TypeError on anything else."""

    id, title, points = "picky", "reads the returned mapping", 1.0

    def run(self, ctx: CheckContext) -> None:
        assert ctx.student.request("value")["value"]["x"] == ctx.reference.request("value")["value"]["x"]


EXERCISE = Exercise("demo/picky", "demo", (Picky(),))


def _ctx(student: Any) -> CheckContext:
    return CheckContext(exercise="demo/picky", module="demo.picky", student=student, reference=Fixed({"x": 1}),
                        seed=0, submission_root=Path("."))


def test_the_students_object_is_blamed_when_the_reference_passes_the_same_check() -> None:
    result, _ = _run_check(Picky(), _ctx(Fixed(3)), EXERCISE, Path("."), control=lambda: Fixed({"x": 1}))
    assert result.status is Status.FAILED and result.score == 0
    assert "The same check passes on the reference solution" in result.feedback
    assert "TypeError" in result.feedback and "not a grader fault" in result.feedback


def test_a_grader_fault_when_the_control_fails_too() -> None:
    result, _ = _run_check(Picky(), _ctx(Fixed(3)), EXERCISE, Path("."), control=lambda: Fixed(3))
    assert result.status is Status.ERROR and "Grader fault (not your fault)" in result.feedback


def test_a_grader_fault_without_live_references() -> None:  # a release replays recordings: no control run
    result, _ = _run_check(Picky(), _ctx(Fixed(3)), EXERCISE, Path("."), control=None)
    assert result.status is Status.ERROR


def test_worker_side_grader_errors_are_student_errors() -> None:
    err = StudentError(unhandled_object_error("assign", "Traceback (most recent call last):\n  ...\n"
                                              "RuntimeError: Can't access the shape of an uninitialized parameter"))
    assert err.type == "UnhandledObject" and err.message.startswith("RuntimeError: Can't access the shape")
