"""Check kind: gradients reach every parameter and equal the reference's.

A module used twice must receive the sum of both uses' gradients; comparing
against the reference (which shares the module) checks exactly that.

Example declaration::

    Gradients(points=2, build=lambda c: ex.MLP(c["i"], 8, 3),
              inputs=lambda c, g: [randn(g, c["batch"], c["i"])], cases=sizes)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch
from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure
from grader.checks.explore import explore_check
from grader.tracks.pytorch.checks.pair import build_pair, describe_inputs, forward_location, student_call
from grader.tracks.pytorch.compare import Tolerance, compare
from grader.tracks.pytorch.worker.specs import Spec

__all__ = ["Gradients"]

_NO_GRAD_HINT = ("No gradient reached this parameter: the computation that uses it is cut off from "
                 "autograd. Look for `.data`, `.detach()`, `torch.no_grad()`, `.item()` or a new tensor "
                 "built from its values inside `forward`, and use the parameter itself.")


@dataclass(frozen=True)
class Gradients:
    """Backward of ``(output * upstream).sum()``: every parameter gets a gradient, equal to
    the reference's. When the forward output itself differs (the forward check's
    business), only that gradients reach every parameter is checked here.

    Example:
        >>> from grader.tracks.pytorch.worker.specs import nn
        >>> check = Gradients(points=2, build=lambda c: nn.Linear(c["i"], 3),
        ...                   inputs=lambda c, g: [torch.randn(2, c["i"], generator=g)],
        ...                   cases=st.fixed_dictionaries({"i": st.integers(1, 4)}))
        >>> check.id, check.points, check.title
        ('gradients', 2, 'gradients reach every parameter and match the reference')
        >>> check.tol == Tolerance(rtol=1e-4, atol=1e-5), check.max_examples
        (True, 8)
    """

    build: Callable[[dict[str, Any]], Spec]
    inputs: Callable[[dict[str, Any], torch.Generator], list[Any]]
    cases: st.SearchStrategy[dict[str, Any]]
    points: float = 1.0
    id: str = "gradients"
    title: str = "gradients reach every parameter and match the reference"
    tol: Tolerance | None = Tolerance(rtol=1e-4, atol=1e-5)
    max_examples: int = 8
    arg_names: tuple[str, ...] = ("X",)
    hints: tuple[str, ...] = ()
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        def examine(case: dict[str, Any], seed: int) -> None:
            spec = self.build(case)
            gen = torch.Generator().manual_seed(seed)
            args = self.inputs(case, gen)
            shown = f"net = {spec}\n{describe_inputs(args, self.arg_names)}"
            call = f"net({', '.join(self.arg_names[:len(args)])})"
            pair = build_pair(ctx, spec, seed=seed, align=True, dry_run=(args, {}))
            ref_shape = ctx.reference.request("forward", handle=pair.reference, args=args)["output"]
            upstream = torch.randn(ref_shape.shape, generator=gen) if isinstance(ref_shape, torch.Tensor) else None
            ref = ctx.reference.request("backward", handle=pair.reference, args=args, upstream=upstream)
            mine = student_call(ctx, "backward", doing=f"`{spec}`", case=f"{shown}\n{call}",
                                handle=pair.student, args=args, upstream=upstream)
            same_forward = compare(mine.get("output"), ref["output"]) is None
            problems, hints = _compare_grads(mine, ref, pair.placed, self.tol, values=same_forward)
            if not problems:
                return
            if len(problems) > 3:
                problems = problems[:3] + [f"… and {len(problems) - 3} more parameter(s) differ."]
            where = forward_location(ctx, pair.student, doing=f"`{spec}`")
            up = "" if upstream is None else f" with an upstream gradient of shape {tuple(upstream.shape)}"
            text = (f"Backpropagated through {call}{up} and compared each parameter's .grad with the "
                    f"reference's.\n" + "\n".join(problems))
            raise Failure(text, hints=list(hints) + list(self.hints) if hints else list(self.hints),
                          location=where, case=f"{shown}\n{call}")

        explore_check(self, ctx, examine)


def _compare_grads(mine: dict[str, Any], ref: dict[str, Any], placed: dict[str, str],
                   tol: Tolerance | None, *, values: bool = True) -> tuple[list[str], list[str]]:
    """Problems with the student's gradients. With ``values=False`` (the forward output
    already differs, which the forward check reports) only reachability is checked."""
    problems: list[str] = []
    hints: list[str] = []
    if not isinstance(mine.get("output"), torch.Tensor):
        return ["forward did not return a Tensor, so nothing can be backpropagated."], []
    if not mine.get("connected") and ref.get("connected"):
        problems.append("The output does not require grad: it is not connected to any parameter.")
        hints.append(_NO_GRAD_HINT)
        return problems, hints
    for name, expected in ref["grads"].items():
        if expected is None:
            continue
        target = placed.get(name)
        if target is None:
            problems.append(f"{name}: no counterpart in your module.")
            continue
        got = mine["grads"].get(target)
        if got is None:
            problems.append(f"{target}: no gradient (its .grad is None).")
            hints.append(_NO_GRAD_HINT)
            continue
        diff = compare(got, expected, tol=tol, path=f"the gradient of {target}") if values else None
        if diff:
            problems.append(diff)
    return problems, hints
