"""Check kind: the gradients of a Gluon block's parameters under ``autograd.record()`` match the reference's.

Both blocks get the same parameters; each runs ``out = net(X)`` under ``autograd.record()`` and
``out.backward(head)`` with the same drawn head gradient. A parameter shared by several blocks
is listed once, and its gradient is the sum over its uses (MXNet adds them), as the
reference's is.

Example declaration::

    Gradients(points=1, build=lambda c: ex.MLP(c["h"], c["o"]), inputs=matrix("i"), cases=sizes)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy
from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure
from grader.checks.explore import explore_check
from grader.tracks.gluon.checks.forward import Inputs
from grader.tracks.gluon.checks.pair import build_pair, normal, show_case, student_call
from grader.tracks.gluon.compare import Tolerance, compare
from grader.tracks.gluon.specs import Spec

__all__ = ["Gradients"]


@dataclass(frozen=True)
class Gradients:
    """Every parameter's gradient equals the reference's, for one backward with a drawn head gradient.

    Example:
        >>> from grader.tracks.gluon.specs import nn
        >>> from grader.tracks.gluon.checks.draw import cases, matrix, width
        >>> Gradients(build=lambda c: nn.Dense(2), inputs=matrix("i"), cases=cases(i=width())).id
        'gradients'
    """

    build: Callable[[dict[str, Any]], Spec]
    inputs: Inputs
    cases: st.SearchStrategy[dict[str, Any]]
    points: float = 1.0
    id: str = "gradients"
    title: str = "gradients under autograd.record() match the reference"
    tol: Tolerance = Tolerance(rtol=1e-4, atol=1e-5)
    max_examples: int = 6
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        def examine(case: dict[str, Any], seed: int) -> None:
            spec = self.build(case)
            rng = numpy.random.default_rng(seed)
            args = self.inputs(case, rng)
            pair_case = show_case(spec, args, "with autograd.record():\n    out = net(X)\nout.backward(head)")
            pair = build_pair(ctx, spec, seed=seed, inputs=args, case=pair_case)
            ref_out = ctx.reference.request("forward", handle=pair.reference, inputs=args, seed=seed)["output"]
            if not isinstance(ref_out, numpy.ndarray):
                raise TypeError(f"the reference's output is a {type(ref_out).__name__}; a gradient check needs an array")
            head = normal(rng, *ref_out.shape)
            shown = pair_case.replace("out.backward(head)", f"head = <standard-normal array of shape {head.shape}>\n"
                                                              "out.backward(head)")
            mine = student_call(ctx, "backward", doing=f"`{spec}`", case=shown, handle=pair.student, inputs=args,
                                head=head, seed=seed)
            theirs = ctx.reference.request("backward", handle=pair.reference, inputs=args, head=head, seed=seed)
            problems, hints = [], []
            for ref_name, student_name in pair.placed.items():
                expected = theirs["grads"].get(ref_name)
                if expected is None:
                    continue
                got = mine["grads"].get(student_name)
                if got is None:
                    problems.append(f"{student_name}: no gradient (its grad_req is 'null', or it never took part)")
                    continue
                diff = compare(got, expected, tol=self.tol, path=student_name)
                if diff is None:
                    continue
                if not numpy.any(got) and numpy.any(expected):
                    problems.append(f"{student_name}: the gradient is all zeros; the reference's is not. No gradient "
                                    "reached it.")
                    hints.append("A gradient that never arrives: the computation left autograd's record (`.asnumpy()` "
                                 "and back, `.detach()`, a new array built from the values), or the parameter was read "
                                 "outside `autograd.record()`.")
                else:
                    problems.append(diff)
            if problems:
                note = pair.alignment_note()
                raise Failure("Compared every parameter's gradient after one backward with the same head gradient "
                              "(same parameters).\n" + "\n".join(problems[:6]) + (f"\n\n{note}" if note else ""),
                              hints=hints, case=shown)

        explore_check(self, ctx, examine)
