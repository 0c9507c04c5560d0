"""custom_layers/centered (Gluon): a layer without parameters, ``X - X.mean()``.

``input_gradient`` records the layer with ``autograd`` and compares the gradient that reaches ``X``
(``head - head.mean()`` for a head gradient ``head``): a mean taken out of the record
(``X.mean().asscalar()``, ``.asnumpy()``) is a constant to autograd and loses its part. An output
that differs from the reference's is the ``forward`` check's failure alone: this check then
compares nothing.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['forward', 'no_parameters', 'input_gradient']
"""
from __future__ import annotations

from typing import Any

import numpy
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.checks.base import Failure
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Mistake, Names, Scenario
from grader.tracks.gluon.checks.draw import cases, images, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.compare import Tolerance, compare
from grader.tracks.gluon.specs import ex

_sizes = cases(a=width(1, 5), b=width(1, 5), c=st.sampled_from([1, 2, 3]))
_DEFAULTS = ({"a": 2, "b": 5, "c": 1},)
_GRAD_TOL = Tolerance(rtol=1e-4, atol=1e-5)
_ALL_ENTRIES = "the exercise subtracts the mean of all entries, one scalar (`X.mean()`, no `axis`)."


def _input_gradient(side: Any, case: dict[str, Any], seed: int) -> dict[str, Any]:
    """``out = layer(X)`` recorded, ``out.backward(head)``: the output and the gradient of X."""
    rng = numpy.random.default_rng(seed)
    X = normal(rng, case["a"], case["b"], case["c"])
    head = normal(rng, case["a"], case["b"], case["c"])
    layer = side.request("build", spec=ex.CenteredLayer().node, seed=seed)["handle"]
    try:
        answer = side.request("backward", handle=layer, inputs=[X], head=head, input_grads=True, seed=seed)
    except Failure as failure:
        if "inplace operations" in failure.feedback.lower():
            failure.hints = ("`X -= ...` (or `X[:] = ...`) changes the caller's array in place, which autograd "
                             "cannot record: return a new array, `X - X.mean()`.",) + failure.hints
        raise
    return {"output": answer["output"], "gradient of X": (answer.get("input_grads") or [None])[0]}


def _judge(mine: Any, theirs: Any, case: dict[str, Any]) -> str | None:
    if compare(mine["output"], theirs["output"]) is not None:
        return None  # a wrong output is the forward check's failure
    return compare(mine["gradient of X"], theirs["gradient of X"], tol=_GRAD_TOL, path="the gradient of X")


def _gradient_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    got, want = mine.get("gradient of X"), theirs.get("gradient of X")
    if not (isinstance(got, numpy.ndarray) and isinstance(want, numpy.ndarray)) or got.shape != want.shape:
        return []
    gap = got.astype(numpy.float64) - want.astype(numpy.float64)
    if gap.size and numpy.ptp(gap) < 1e-4 and abs(float(gap.mean())) > 1e-4:
        return ["Your gradient is the reference's plus the same amount everywhere: the mean's part (-head.mean()) "
                "is missing, so autograd saw the mean as a constant. Keep it an array in the record: "
                "`X - X.mean()`, not `X.mean().asscalar()`, `.item()`, `float(...)` or `.asnumpy()`."]
    return []


EXERCISE = Exercise("custom_layers/centered", "CenteredLayer: X - X.mean()", (
    Forward(points=3, build=lambda c: ex.CenteredLayer(), inputs=images("a", "b", "c"), cases=_sizes,
            defaults=_DEFAULTS, mistakes=(
                Mistake("Your output subtracts the mean over axis 1 (`axis=1`); " + _ALL_ENTRIES,
                        "lambda net, X: None if X.shape[1] == 1 else X - X.mean(axis=1, keepdims=True)"),
                Mistake("Your output subtracts the mean over axis 0, the batch (`axis=0`); " + _ALL_ENTRIES,
                        "lambda net, X: None if X.shape[0] == 1 else X - X.mean(axis=0, keepdims=True)"),
                Mistake("Your output subtracts the mean over the last axis (`axis=-1`); " + _ALL_ENTRIES,
                        "lambda net, X: None if X.shape[-1] == 1 else X - X.mean(axis=-1, keepdims=True)"),
                Mistake("Your output is all zeros: every entry had its own mean subtracted, as a mean over an axis "
                        "of length 1 here does (`X.mean(axis=...)`); " + _ALL_ENTRIES,
                        "lambda net, X: X * 0 if X.size > 1 else None"),
                Mistake("Your output subtracts the sum divided by the batch size (`X.sum() / X.shape[0]`); "
                        + _ALL_ENTRIES, "lambda net, X: None if X.shape[0] == X.size else X - X.sum() / X.shape[0]"),
            )),
    Names(points=1, id="no_parameters", title="the layer has no parameters", build=lambda c: ex.CenteredLayer(),
          inputs=images("a", "b", "c"), cases=_sizes, defaults=_DEFAULTS, max_examples=2),
    Scenario(id="input_gradient", title="the gradient reaches X through the mean (autograd records X.mean())",
             points=1, cases=_sizes, steps=_input_gradient, judge=_judge, hints=_gradient_hints, max_examples=4,
             defaults=_DEFAULTS, what="the gradient of X after one recorded forward and backward",
             doing="`layer(X)` under `autograd.record()`",
             show=lambda c: (f"layer = CenteredLayer()\nX = <standard-normal array of shape ({c['a']}, {c['b']}, "
                             f"{c['c']})>\nX.attach_grad()\nwith autograd.record():\n    out = layer(X)\n"
                             f"out.backward(head)  # head: standard-normal, shape ({c['a']}, {c['b']}, {c['c']})\n"
                             "X.grad")),
))

_FORWARD = "return X - X.mean()"

MUTANTS = (
    Mutant("row_mean", "Subtracts the mean over axis 1.",
           edits=[(_FORWARD, "return X - X.mean(axis=1, keepdims=True)")],
           fails={"forward": ["Compared the output of net(X) with the reference's", "net = CenteredLayer()",
                              "# shape (1, 1, 2)", "Your output is all zeros", "the mean of all entries"]},
           passes=["no_parameters", "input_gradient"], line_of={"forward": "def forward"}),
    Mutant("batch_mean", "Subtracts the mean over axis 0.",
           edits=[(_FORWARD, "return X - X.mean(axis=0, keepdims=True)")],
           fails={"forward": ["Your output is all zeros", "the mean of all entries"]},
           passes=["no_parameters", "input_gradient"]),
    Mutant("last_axis_mean", "Subtracts the mean over the last axis.",
           edits=[(_FORWARD, "return X - X.mean(axis=-1, keepdims=True)")],
           # the shrunk case may have a last axis of length 1, where the all-zeros hint is the true one
           fails={"forward": ["the mean of all entries"]},
           passes=["no_parameters", "input_gradient"]),
    Mutant("sum_over_batch", "Subtracts the sum divided by the batch size.",
           edits=[(_FORWARD, "return X - X.sum() / X.shape[0]")],
           fails={"forward": ["the sum divided by the batch size"]},
           passes=["no_parameters", "input_gradient"], absent={"forward": ["all zeros"]}),
    Mutant("asscalar_mean", "Takes the mean out of autograd's record with `.asscalar()`.",
           edits=[(_FORWARD, "return X - X.mean().asscalar()")],
           fails={"input_gradient": ["Compared the gradient of X after one recorded forward and backward",
                                     "In the gradient of X: Arrays are not close", "X.attach_grad()",
                                     "the mean's part (-head.mean()) is missing", "not `X.mean().asscalar()`"]},
           passes=["forward", "no_parameters"]),
    Mutant("in_place", "Subtracts the mean in place, `X -= X.mean()`.",
           edits=[(_FORWARD, "X -= X.mean()\n        return X")],
           fails={"input_gradient": ["Running forward on `layer(X)` under `autograd.record()` raised MXNetError",
                                     "changes the caller's array in place, which autograd cannot record"]},
           passes=["no_parameters"], line_of={"input_gradient": "X -= X.mean()"}),
    Mutant("scale_parameter", "Declares a parameter `scale` it never uses.",
           edits=[("        super().__init__(**kwargs)\n",
                   "        super().__init__(**kwargs)\n        self.scale = self.params.get('scale', shape=(1,))\n")],
           fails={"no_parameters": ["Unexpected keys: scale", "Expected keys: (none)"]},
           passes=["forward", "input_gradient"]),
)
