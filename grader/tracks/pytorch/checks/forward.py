"""Check kind: forward outputs against the reference, with the same parameters.

Example declaration::

    Forward(points=3, build=lambda c: ex.MLP(c["i"], c["h"], c["o"]),
            inputs=lambda c, g: [randn(g, c["batch"], c["i"])], cases=sizes,
            mistakes=(Mistake("no ReLU", lambda m, X: m.output(m.hidden(X))),))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure, GraderFault, StudentError
from grader.tracks.pytorch.checks.diverge import Divergence, first_divergence, module_names
from grader.checks.explore import explore_check
from grader.checks.figures import difference_figure
from grader.tracks.pytorch.checks.pair import build_pair, describe_inputs, forward_location, inputs_changed_failure, student_call
from grader.tracks.pytorch.compare import Tolerance, compare
from grader.tracks.pytorch.worker.specs import Spec

__all__ = ["Forward", "Mistake"]


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: if the student's output equals ``output(reference, *args)``,
    the hint is shown. ``output`` runs on the live reference object in the judge."""

    hint: str
    output: Callable[..., Any]


@dataclass(frozen=True)
class Forward:
    """The student's object's output equals the reference's, on drawn cases.

    Example:
        >>> from grader.tracks.pytorch.worker.specs import nn
        >>> check = Forward(points=3, build=lambda c: nn.Linear(c["i"], 2),
        ...                 inputs=lambda c, g: [torch.randn(4, c["i"], generator=g)],
        ...                 cases=st.fixed_dictionaries({"i": st.integers(1, 5)}),
        ...                 mistakes=(Mistake("no bias", lambda m, X: X @ m.weight.T),))
        >>> check.id, check.points, check.max_examples, check.title
        ('forward', 3, 15, 'forward matches the reference on drawn shapes and values')
        >>> str(check.build({"i": 4})), check.mistakes[0].hint
        ('nn.Linear(4, 2)', 'no bias')
    """

    build: Callable[[dict[str, Any]], Spec]
    inputs: Callable[[dict[str, Any], torch.Generator], list[Any]]
    cases: st.SearchStrategy[dict[str, Any]]
    points: float = 1.0
    id: str = "forward"
    title: str = "forward matches the reference on drawn shapes and values"
    mistakes: tuple[Mistake, ...] = ()
    tol: Tolerance | None = None
    max_examples: int = 15
    arg_names: tuple[str, ...] = ("X",)
    align: bool = True
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        def examine(case: dict[str, Any], seed: int) -> None:
            spec = self.build(case)
            gen = torch.Generator().manual_seed(seed)
            args = self.inputs(case, gen)
            kwargs = self.kwargs(case) if self.kwargs else {}
            shown = f"net = {spec}\n{describe_inputs(args, self.arg_names)}" + \
                (f"\nkeyword arguments: {kwargs}" if kwargs else "")
            call = f"net({', '.join(self.arg_names[:len(args)])}{', **kwargs' if kwargs else ''})"
            pair = build_pair(ctx, spec, seed=seed, align=self.align, dry_run=(args, kwargs))
            answer = student_call(ctx, "forward", doing=f"`{spec}`", case=f"{shown}\n{call}",
                                  handle=pair.student, args=args, kwargs=kwargs)
            out = answer["output"]
            if answer.get("changed_inputs"):
                raise inputs_changed_failure(ctx, answer["changed_inputs"], pair.student, self.arg_names, spec,
                                             case=f"{shown}\n{call}")
            expected = ctx.reference.request("forward", handle=pair.reference, args=args, kwargs=kwargs)["output"]
            if ctx.recording:  # a replay needs the known mistakes' outputs of every case, failing or not
                for i, mistake in enumerate(self.mistakes):
                    _mistake_output(ctx, i, mistake, pair.reference, args, kwargs)
                ctx.reference.request("trace", handle=pair.reference, args=args, kwargs=kwargs)
            diff = compare(out, expected, tol=self.tol)
            if diff is None:
                return
            hints = [m.hint for i, m in enumerate(self.mistakes)
                     if _matches(ctx, i, m, pair.reference, args, kwargs, out, self.tol)]
            note = pair.alignment_note()
            where = forward_location(ctx, pair.student, doing=f"`{spec}`")
            same = " (same parameters)" if pair.placed else ""
            text = f"Compared the output of {call} with the reference's{same}.\n{diff}"
            divergence = _divergence(ctx, pair, args, kwargs)
            if divergence is not None:
                text += f"\n\nWhere it diverges: {divergence.text}"
                frame = divergence.frame
                if frame and frame.get("file") and frame.get("line"):
                    where = {"file": frame["file"], "line": frame["line"]}
            if note:
                text += f"\n\n{note}"
            raise Failure(text, hints=hints, location=where, case=f"{shown}\n{call}",
                          figure=difference_figure(expected, out))

        explore_check(self, ctx, examine)


def _divergence(ctx: CheckContext, pair: Any, args: list[Any], kwargs: dict[str, Any]) -> Divergence | None:
    """Where the student's forward first departs from the reference's (None when the traces cannot tell)."""
    try:
        ref = ctx.reference.request("trace", handle=pair.reference, args=args, kwargs=kwargs)["calls"]
        if not ref:
            return None
        mine = ctx.student.request("trace", handle=pair.student, args=args, kwargs=kwargs)["calls"]
    except (StudentError, GraderFault):  # a forward that raises the second time, a replay without traces
        return None
    if not isinstance(mine, list) or not all(isinstance(c, dict) and "name" in c for c in mine):
        return None
    try:
        return first_divergence(mine, ref, module_names(pair.placed))
    except Exception:  # noqa: BLE001 - an extra sentence of feedback must never decide a verdict
        return None


def _mistake_output(ctx: CheckContext, index: int, mistake: Mistake, handle: int, args: list[Any],
                    kwargs: dict[str, Any]) -> Any:
    """What the known mistake would output here (None when it cannot even run)."""
    def wrong(module: Any) -> Any:
        try:
            with torch.no_grad():
                return mistake.output(module, *args, **kwargs)
        except Exception:  # noqa: BLE001 - a mistake that cannot run does not match
            return None

    return ctx.reference.derive(handle, f"mistake {index}", wrong, inputs=[args, kwargs])


def _matches(ctx: CheckContext, index: int, mistake: Mistake, handle: int, args: list[Any], kwargs: dict[str, Any],
             actual: Any, tol: Tolerance | None) -> bool:
    try:
        wrong = _mistake_output(ctx, index, mistake, handle, args, kwargs)
    except GraderFault:  # a replay without this value: no hint rather than a wrong one
        return False
    return wrong is not None and compare(actual, wrong, tol=tol) is None
