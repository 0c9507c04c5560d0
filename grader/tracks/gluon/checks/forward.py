"""Check kind: a Gluon block's output against the reference's, with the same parameters, on drawn cases.

Example declaration::

    Forward(points=3, build=lambda c: ex.MLP(c["h"], c["o"]), inputs=matrix("batch", "i"), cases=sizes,
            mistakes=(Mistake("the ReLU is missing", "lambda net, X: net.output(net.hidden(X))"),))
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy
from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure, GraderFault
from grader.checks.explore import explore_check
from grader.checks.figures import difference_figure
from grader.tracks.gluon.checks.pair import build_pair, show_case, student_call
from grader.tracks.gluon.compare import Tolerance, compare
from grader.tracks.gluon.specs import Spec

__all__ = ["Forward", "Mistake", "Inputs"]

#: Draws a case's inputs from the judge's generator: ``inputs(case, rng) -> [X, ...]``.
Inputs = Callable[[dict[str, Any], numpy.random.Generator], list[Any]]


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: when the student's output equals what ``code`` (the source of a
    lambda ``(net, *inputs) -> output``, run on the reference's block in the reference process,
    with ``nd``, ``np``, ``npx``, ``nn``, ``mx`` in scope) gives, the hint is shown."""

    hint: str
    code: str


@dataclass(frozen=True)
class Forward:
    """The student's block's output equals the reference's, on drawn cases (same parameters).

    Example:
        >>> from grader.tracks.gluon.checks.draw import cases, matrix, width
        >>> from grader.tracks.gluon.specs import nn
        >>> check = Forward(points=2, build=lambda c: nn.Dense(c["o"]), inputs=matrix("i"),
        ...                 cases=cases(i=width(), o=width()))
        >>> check.id, check.title, str(check.build({"o": 3}))
        ('forward', 'forward matches the reference on drawn shapes and values', 'nn.Dense(3)')
    """

    build: Callable[[dict[str, Any]], Spec]
    inputs: Inputs
    cases: st.SearchStrategy[dict[str, Any]]
    points: float = 1.0
    id: str = "forward"
    title: str = "forward matches the reference on drawn shapes and values"
    mistakes: tuple[Mistake, ...] = ()
    tol: Tolerance | None = None
    max_examples: int = 12
    arg_names: tuple[str, ...] = ("X",)
    align: bool = True
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        def examine(case: dict[str, Any], seed: int) -> None:
            spec = self.build(case)
            args = self.inputs(case, numpy.random.default_rng(seed))
            call = f"net({', '.join(self.arg_names[:len(args)])})"
            shown = show_case(spec, args, call, names=self.arg_names)
            pair = build_pair(ctx, spec, seed=seed, inputs=args, case=shown, align=self.align)
            out = student_call(ctx, "forward", doing=f"`{spec}`", case=shown, handle=pair.student, inputs=args,
                               seed=seed)["output"]
            expected = ctx.reference.request("forward", handle=pair.reference, inputs=args, seed=seed)["output"]
            # the same reference requests in the same order live, recording and replaying (a recorded answer
            # is found by the request and the history of its object): every mistake's output, every case
            wrong = [_mistake_output(ctx, mistake, pair.reference, args) for mistake in self.mistakes]
            diff = compare(out, expected, tol=self.tol)
            if diff is None and not ctx.recording:
                return
            ref_trace = _reference_trace(ctx, pair, args)  # recorded for every case: a replay shows it too
            if diff is None:
                return
            hints = [m.hint for m, w in zip(self.mistakes, wrong)
                     if w is not None and compare(out, w, tol=self.tol) is None]
            if out is None:
                hints.append("Your forward returned None: its `return` is missing (or it returns nothing on this "
                             "path).")
            same = "" if not pair.placed else " (same parameters)" if not (pair.reshaped or pair.unmatched) else \
                " (the same parameters where yours match the reference's)"
            text = f"Compared the output of {call} with the reference's{same}.\n{diff}"
            where = _divergence(ctx, pair, args, ref_trace)
            if where:
                text += f"\n\nWhere it diverges: {where}"
            note = pair.alignment_note()
            if note:
                text += f"\n\n{note}"
            raise Failure(text, hints=hints, location=_forward_line(ctx, pair.student, spec, shown), case=shown,
                          figure=difference_figure(expected, out))

        explore_check(self, ctx, examine)


def _mistake_output(ctx: CheckContext, mistake: Mistake, handle: int, args: list[Any]) -> Any:
    """What the known mistake gives on the reference's block; None where it does not apply (or a replay
    lacks it: no hint rather than a wrong one)."""
    try:
        return ctx.reference.request("derive", handle=handle, code=mistake.code, inputs=args).get("value")
    except GraderFault:
        return None


def _reference_trace(ctx: CheckContext, pair: Any, args: list[Any]) -> Any:
    """The reference's child calls on ``args`` (see :func:`_divergence`); None when unavailable."""
    try:
        return ctx.reference.request("trace", handle=pair.reference, inputs=args)["calls"]
    except GraderFault:
        return None


def _forward_line(ctx: CheckContext, handle: int, spec: Spec, case: str) -> dict[str, Any] | None:
    """The line of the student's ``forward`` (or ``hybrid_forward``) of the block, when it is theirs."""
    try:
        loc = ctx.student.request("describe", handle=handle).get("locations", {})
    except Exception:  # noqa: BLE001 - a location is a courtesy, never a verdict
        return None
    return {"file": loc["file"], "line": loc.get("forward", loc.get("class", 0))} if loc.get("file") else None


def _divergence(ctx: CheckContext, pair: Any, args: list[Any], ref: Any) -> str:
    """The first child block whose output differs from the reference's (by structural name), or ''; ``ref``
    is the reference's trace."""
    try:
        mine = ctx.student.request("trace", handle=pair.student, inputs=args)["calls"]
    except Exception:  # noqa: BLE001 - a forward that raises the second time
        return ""
    if not isinstance(mine, list) or not isinstance(ref, list):
        return ""
    mine, ref = _own_calls(mine), _own_calls(ref)
    if not mine and not ref:  # a block without child blocks: no step to point at
        return ""
    for i, (m, r) in enumerate(zip(mine, ref)):
        if not (isinstance(m, dict) and isinstance(r, dict)):
            return ""
        if m.get("name") != r.get("name"):
            return (f"call {i + 1} of a child block is `{m.get('name')}` ({m.get('type')}) in yours, "
                    f"`{r.get('name')}` ({r.get('type')}) in the reference.")
        if compare(m.get("output"), r.get("output")) is not None:
            return (f"the output of `{r.get('name')}` ({r.get('type')}, call {i + 1}) already differs from the "
                    f"reference's; everything before it matches.")
    if len(mine) != len(ref):
        return f"your forward calls {len(mine)} child block(s), the reference {len(ref)}."
    return "every child block's output matches; the difference comes from what your forward does between them."


def _own_calls(calls: list[Any]) -> list[Any]:
    """The trace without the ``act`` child an ``nn.Dense(activation=...)`` runs inside itself (part of
    the Dense, not a block of the student's: its absence is the Dense's output differing)."""
    return [c for c in calls if not (isinstance(c, dict) and c.get("type") == "Activation"
                                     and str(c.get("name", "")).endswith("act"))]
