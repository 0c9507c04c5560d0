"""Check kind: the same steps on both sides, what they observe compared.

A :class:`Scenario` is a function ``steps(side, case, seed)`` that asks one side (the student's
worker, or the reference process) for operations and returns what it observed, as plain data:
the value a function returned, the arrays MXNet's own ``nd.load`` reads back from a file the
exercise's ``save`` wrote, the parameters after a checkpoint was resumed, the context
``try_gpu(1)`` returns with two GPUs simulated. The steps run on the reference's side, then on
the student's; an exception of the student's code is the student's failure (with the case), and
``judge(mine, theirs, case)`` (default: :func:`~grader.tracks.gluon.compare.compare`) says how the
observations differ. ``hints(mine, theirs, case)`` adds hints for known mistakes.

Example:
    >>> from grader.tracks.gluon.checks.draw import cases, width
    >>> check = Scenario(id="shapes", title="param_shapes(net)", points=2, cases=cases(n=width()),
    ...                  steps=lambda side, case, seed: side.request("value", spec=ex.f(case["n"]).node)["value"],
    ...                  show=lambda case: f"f({case['n']})")
    >>> check.id, check.max_examples
    ('shapes', 8)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure
from grader.checks.explore import explore_check
from grader.tracks.gluon.checks.pair import ex, student_call
from grader.tracks.gluon.compare import Tolerance, compare

__all__ = ["Scenario", "StudentSide", "ex"]


class StudentSide:
    """The student's worker as a side of a scenario: a student's exception becomes a :class:`Failure`
    showing ``case``; ``student`` is True (the reference's side has no such attribute)."""

    student = True

    def __init__(self, ctx: CheckContext, case: str, doing: str) -> None:
        self.ctx, self.case, self.doing = ctx, case, doing

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        return student_call(self.ctx, op, doing=self.doing, case=self.case, **args)


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
    what: str = "what your code returned"
    doing: str = ""
    tol: Tolerance | None = None
    max_examples: int = 8
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        def examine(case: dict[str, Any], seed: int) -> None:
            shown = self.show(case)
            theirs = self.steps(ctx.reference, case, seed)
            mine = self.steps(StudentSide(ctx, shown, self.doing or f"`{shown.splitlines()[-1]}`"), case, seed)
            text = self.judge(mine, theirs, case) if self.judge else compare(mine, theirs, tol=self.tol)
            if text is None:
                return
            hints = self.hints(mine, theirs, case) if self.hints else []
            raise Failure(f"Compared {self.what} with the reference's.\n{text}", hints=hints, case=shown)

        explore_check(self, ctx, examine)
