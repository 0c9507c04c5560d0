"""Helpers of checks that work with files and functions in the student's module: where a function is
defined (and the first line of its body holding a needle), a fresh path in the worker's scratch folder,
whether planted code ran, and the short form of a refused ``torch.load``.

Example:
    >>> short_problem("Weights only load failed ... WeightsUnpickler error: Unsupported global: os.system")
    'UnpicklingError: weights-only load failed (Unsupported global: os.system)'
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.checks.base import CheckContext
from grader.notebooks.places import student_text
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import ex
from grader.student_sources import inside_submission

__all__ = ["function_location", "short_problem", "fresh_path", "code_ran"]


def function_location(ctx: CheckContext, name: str, needles: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """Where the student's function ``name`` is defined; with ``needles``, the first line of
    its body that contains one of them (read as text in the judge through the guarded reader,
    never executed)."""
    try:
        built = ctx.student.request("build", spec=getattr(ex, name).node, seed=0)
        loc = ctx.student.request("describe", handle=built["handle"]).get("locations", {})
    except StudentError:
        return None
    if "file" not in loc or "class" not in loc:
        return None
    if not isinstance(loc["file"], str) or not isinstance(loc["class"], int) \
            or not inside_submission(ctx.submission_root, loc["file"]):
        return None  # the worker's answer names a file: only one of the submission is read (guarded)
    where = {"file": loc["file"], "line": loc["class"]}
    if needles:
        line = _body_line(student_text(ctx.submission_root, loc["file"]), loc["class"], needles)
        if line:
            where["line"] = line
    return where


def _body_line(source: str, start: int, needles: tuple[str, ...]) -> int | None:
    """The first line after ``start`` (from 1) of the function starting there in ``source`` that
    holds one of ``needles`` (a notebook's code comes laid out on its virtual lines)."""
    lines = source.splitlines()
    for number in range(start, len(lines)):
        text = lines[number]
        if number > start and text and not text[0].isspace() and not text.lstrip().startswith(("#", ")")):
            break  # the next top-level statement: the function ended
        if any(n in text for n in needles):
            return number + 1
    return None


def short_problem(message: str) -> str:
    """The part of a ``torch.load(weights_only=True)`` error that says what it refused."""
    if "Weights only load failed" not in message:
        return message[:600]
    detail = message.split("WeightsUnpickler error:", 1)[-1] if "WeightsUnpickler error:" in message else ""
    reason = next((line.strip() for line in detail.splitlines() if line.strip()), "")
    return "UnpicklingError: weights-only load failed" + (f" ({reason})" if reason else "")


def fresh_path(ctx: CheckContext, name: str) -> str:
    """A relative path in the worker's scratch directory, with no file left there by an earlier case."""
    ctx.student.request("remove", path=name)
    return name


def code_ran(ctx: CheckContext, marker: str) -> bool:
    """Did unpickling a planted file create ``marker``? Looked up by the judge in the worker's
    scratch directory where it knows it, and asked of the worker too."""
    scratch = getattr(ctx.student, "scratch", None)
    if scratch is not None and (Path(scratch) / marker).exists():
        return True
    return bool(ctx.student.request("exists", path=marker)["exists"])
