"""Check kind: the same steps on both sides, what they observe compared.

A :class:`Scenario` is a function ``steps(side, case, seed)`` that asks one side (the student's
worker, or the reference process) for operations and returns what it observed, as plain data:
the value a function returned, the arrays MXNet's own ``nd.load`` reads back from a file the
exercise's ``save`` wrote, the parameters after a checkpoint was resumed, the context
``try_gpu(1)`` returns with two GPUs simulated. The steps run on the reference's side, then on
the student's; an exception of the student's code is the student's failure (with the case), and
``judge(mine, theirs, case)`` (default: :func:`~grader.tracks.gluon.compare.compare`) says how the
observations differ. ``hints(mine, theirs, case)`` adds hints for known mistakes, and
``error_hints(text, case)`` for known exceptions of the student's code (``text``: the feedback
that names the exception; the hints it gives replace the general ones).

A step may say what it does in the student's terms (``side.request("value", spec=...,
doing="`clone(net, make, 'clone.params')`")``): an exception there is reported as raised by that
call (by default, by the case's last line). A step whose observation is that MXNet refused what the
student's code left (a file ``nd.load`` cannot read) returns :class:`Refused`: its text is the
feedback, without a comparison.

Example:
    >>> from grader.tracks.gluon.checks.draw import cases, width
    >>> check = Scenario(id="shapes", title="param_shapes(net)", points=2, cases=cases(n=width()),
    ...                  steps=lambda side, case, seed: side.request("value", spec=ex.f(case["n"]).node)["value"],
    ...                  show=lambda case: f"f({case['n']})")
    >>> check.id, check.max_examples
    ('shapes', 8)
    >>> mxnet_problem('MXNetError: Traceback (most recent call last):\\n  File "ndarray.cc", line 1858\\n'
    ...               'MXNetError: Check failed: header == kMXAPINDArrayListMagic: Invalid NDArray file format')
    'Invalid NDArray file format'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure, GraderFault
from grader.checks.explore import explore_check
from grader.tracks.gluon.checks.pair import ex, student_call
from grader.tracks.gluon.compare import Tolerance, compare

__all__ = ["Scenario", "StudentSide", "ReferenceSide", "Refused", "mxnet_problem", "ex"]


@dataclass(frozen=True)
class Refused:
    """An observation that is a refusal: MXNet would not take what the student's code left (``text``
    says what and why, in the student's terms). On the student's side it fails the check with that
    text; on the reference's it is a fault of the grader."""

    text: str


def mxnet_problem(problem: str) -> str:
    """The part of an MXNet error message a student can act on: its last line, without the C++
    traceback and the ``Check failed: <condition>:`` prefix.

    Example:
        >>> mxnet_problem('MXNetError: Traceback (most recent call last):\\n  File "x.cc", line 209\\n'
        ...               'LocalFileSystem: Check failed: allow_null: :Open "ckpt": No such file or directory')
        'Open "ckpt": No such file or directory'
        >>> mxnet_problem("AssertionError: Parameter 'dense0_weight' is missing in file")
        "AssertionError: Parameter 'dense0_weight' is missing in file"
    """
    lines = [line.strip() for line in str(problem).splitlines() if line.strip()]
    last = lines[-1] if lines else str(problem)
    found = re.search(r"Check failed: [^:]*: ?(.*)$", last)
    return (found.group(1) if found else last).strip().lstrip(": ")


def _doing(args: dict[str, Any]) -> str | None:
    doing = args.pop("doing", None)
    return str(doing) if doing else None


class StudentSide:
    """The student's worker as a side of a scenario: a student's exception becomes a :class:`Failure`
    showing ``case``; ``student`` is True (the reference's side has no such attribute). A request's
    ``doing`` (optional) names the call in the student's terms."""

    student = True

    def __init__(self, ctx: CheckContext, case: str, doing: str) -> None:
        self.ctx, self.case, self.doing = ctx, case, doing

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        doing = _doing(args) or self.doing
        return student_call(self.ctx, op, doing=doing, case=self.case, **args)


class ReferenceSide:
    """The reference process as a side of a scenario (a request's ``doing`` is the student's business)."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        _doing(args)
        return self.ctx.reference.request(op, **args)


@dataclass(frozen=True)
class Scenario:
    """Both sides run ``steps``; the observations must agree (``judge``), on drawn cases."""

    id: str
    title: str
    cases: st.SearchStrategy[dict[str, Any]]
    steps: Callable[[Any, dict[str, Any], int], Any]
    show: Callable[[dict[str, Any]], str]
    points: float = 1.0
    judge: Callable[[Any, Any, dict[str, Any]], str | None] | None = None
    hints: Callable[[Any, Any, dict[str, Any]], list[str]] | None = None
    error_hints: Callable[[str, dict[str, Any]], list[str]] | None = None
    what: str = "what your code returned"
    doing: str = ""
    tol: Tolerance | None = None
    max_examples: int = 8
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        def examine(case: dict[str, Any], seed: int) -> None:
            shown = self.show(case)
            theirs = self.steps(ReferenceSide(ctx), case, seed)
            if isinstance(theirs, Refused):
                raise GraderFault(f"the reference's own steps were refused: {theirs.text}")
            try:
                mine = self.steps(StudentSide(ctx, shown, self.doing or f"`{shown.splitlines()[-1]}`"), case, seed)
            except Failure as failure:
                known = self.error_hints(failure.feedback, case) if self.error_hints else []
                if known:  # a diagnosis of this exercise's own, in place of the general ones
                    failure.hints = tuple(dict.fromkeys(known))
                raise
            if isinstance(mine, Refused):
                hints = self.hints(mine, theirs, case) if self.hints else []
                raise Failure(mine.text, hints=hints, case=shown)
            text = self.judge(mine, theirs, case) if self.judge else compare(mine, theirs, tol=self.tol)
            if text is None:
                return
            hints = self.hints(mine, theirs, case) if self.hints else []
            raise Failure(f"Compared {self.what} with the reference's.\n{text}", hints=hints, case=shown)

        explore_check(self, ctx, examine)
