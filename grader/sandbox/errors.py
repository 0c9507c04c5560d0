"""What can go wrong across the boundary, as the judge sees it: the student's code raised
(:class:`StudentError`), the worker died (:class:`WorkerDied`), or the grader itself failed
(:class:`GraderFault`, never the student's fault).

Example:
    >>> err = StudentError({"type": "ValueError", "message": "bad", "frames": []})
    >>> err.type, err.message
    ('ValueError', 'bad')
"""
from __future__ import annotations

from typing import Any

__all__ = ["WorkerDied", "StudentError", "GraderFault", "unhandled_object_error"]


class WorkerDied(Exception):
    """The worker ended (crash, exit, timeout); the exercise ends with this message."""

    def __init__(self, message: str, *, frames: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.frames = frames or []


class StudentError(Exception):
    """Student code raised an exception while the worker ran an operation."""

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(f"{info.get('type')}: {info.get('message')}")
        self.info = info

    @property
    def type(self) -> str:
        return str(self.info.get("type", "Exception"))

    @property
    def message(self) -> str:
        return str(self.info.get("message", ""))

    @property
    def frames(self) -> list[dict[str, Any]]:
        return list(self.info.get("frames", []))


def unhandled_object_error(op: str, trace: str) -> dict[str, Any]:
    r"""The error a worker's grader code raised while handling the student's object, as a student
    error: the worker only ever holds the student's objects, and the same operation succeeds on
    the reference in the judge, so what differs is the student's object (or their patching).

    Example:
        >>> info = unhandled_object_error("assign", "Traceback ...\nRuntimeError: Can't access the shape")
        >>> info["type"], info["message"], info["stage"]
        ('UnhandledObject', "RuntimeError: Can't access the shape", 'assign')
    """
    last = next((line.strip() for line in reversed(trace.strip().splitlines()) if line.strip()), "an error")
    return {"type": "UnhandledObject", "message": last[:500], "stage": op, "frames": [], "trace": trace[-4000:]}


class GraderFault(Exception):
    """The grader itself went wrong (never the student's fault)."""
