"""Check kind: the gradients of a Gluon block's parameters under ``autograd.record()`` match the reference's.

Both blocks get the same parameters; each runs ``out = net(X)`` under ``autograd.record()`` and
``out.backward(head)`` with the same drawn head gradient. A parameter shared by several blocks
is listed once, and its gradient is the sum over its uses (MXNet adds them), as the
reference's is. When the student's output already differs from the reference's (the forward
check's failure), only whether a gradient reaches every parameter counts, as in the PyTorch track.

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
                raise TypeError(f"the reference's output is a {type(ref_out).__name__}; a gradient check needs "
                                "an array")
            head = normal(rng, *ref_out.shape)
            shown = pair_case.replace("out.backward(head)", f"head = <standard-normal array of shape {head.shape}>\n"
                                                              "out.backward(head)")
            mine = student_call(ctx, "backward", doing=f"`{spec}`", case=shown, handle=pair.student, inputs=args,
                                head=head, seed=seed)
            theirs = ctx.reference.request("backward", handle=pair.reference, inputs=args, head=head, seed=seed)
            if mine.get("head_mismatch"):  # an output of another shape (the forward check's failure): only
                own = normal(rng, *mine["head_mismatch"][0])  # whether gradients reach, with a head of its shape
                mine = student_call(ctx, "backward", doing=f"`{spec}`", case=shown, handle=pair.student, inputs=args,
                                    head=own, seed=seed)
            problems, hints = _compare_grads(mine, theirs, pair.placed, self.tol)
            if problems:
                note = pair.alignment_note()
                raise Failure("Compared every parameter's gradient after one backward with the same head gradient "
                              "(same parameters).\n" + "\n".join(problems[:6]) + (f"\n\n{note}" if note else ""),
                              hints=hints, case=shown)

        explore_check(self, ctx, examine)


_LEFT_RECORD = ("No gradient arrived where the reference's does, though the outputs agree: either the computation "
                "left autograd's record (`.asnumpy()` and back, `.detach()`, a new array built from the values, a "
                "parameter read outside `autograd.record()`), or your forward has a step the reference lacks whose "
                "derivative is 0 at this input (a ReLU on a value that is already 0 or less).")


def _compare_grads(mine: dict[str, Any], theirs: dict[str, Any], placed: dict[str, str],
                   tol: Tolerance) -> tuple[list[str], list[str]]:
    """What is wrong with the student's gradients, and hints. When the student's output already differs
    from the reference's (the forward check reports that), only whether the gradients reach every
    parameter counts: different values, or zeros from ReLUs a different output left dead, follow from it.

    Example:
        >>> ones, zeros = numpy.ones((1, 2), numpy.float32), numpy.zeros((1, 2), numpy.float32)
        >>> theirs = {"output": ones, "grads": {"w": ones}, "connected": True}
        >>> _compare_grads({"output": ones, "grads": {"w": zeros}, "connected": True}, theirs, {"w": "w"},
        ...                Tolerance())[0]
        ["w: the gradient is all zeros; the reference's is not. No gradient reached it."]
        >>> _compare_grads({"output": 2 * ones, "grads": {"w": zeros}, "connected": True}, theirs, {"w": "w"},
        ...                Tolerance())
        ([], [])
    """
    if not mine.get("connected", True):
        return [f"Your forward returned a {type(mine.get('output')).__name__}, not an MXNet array: there is nothing "
                "to backpropagate through."], []
    same_forward = not mine.get("head_mismatch") and compare(mine.get("output"), theirs.get("output")) is None
    problems: list[str] = []
    hints: list[str] = []
    trained = sorted(name for name, grad in theirs["grads"].items() if grad is not None)
    if trained and not any(ref in trained for ref in placed):  # nothing to compare is no pass
        return [f"None of the reference's trained parameters ({', '.join(trained[:4])}{', …' if len(trained) > 4 else ''}) "
                "has a counterpart in your block (by name, or by position with the same shape), so no gradient "
                "of yours can be compared with the reference's."], \
            ["The names check says which parameters your block registers: a block's parameters must be registered "
             "(attributes, `register_child`, `self.params.get`) for autograd to give them gradients."]
    for ref_name, student_name in placed.items():
        expected = theirs["grads"].get(ref_name)
        if expected is None:
            continue
        got = mine["grads"].get(student_name)
        if got is None:
            problems.append(f"{student_name}: no gradient (its grad_req is 'null', or it never took part)")
            continue
        diff = compare(got, expected, tol=tol, path=student_name) if same_forward else None
        if diff is None:
            continue
        if not numpy.any(got) and numpy.any(expected):
            problems.append(f"{student_name}: the gradient is all zeros; the reference's is not. No gradient "
                            "reached it.")
            hints.append(_LEFT_RECORD)
        else:
            problems.append(diff)
    return problems, list(dict.fromkeys(hints))
