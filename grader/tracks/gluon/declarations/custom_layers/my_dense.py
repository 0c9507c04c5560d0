"""custom_layers/my_dense (Gluon): a dense layer with parameters of its own (``self.params.get``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients', 'context']
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.catalog import Exercise
from grader.checks.base import Failure
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.checks.pair import normal, set_values
from grader.tracks.gluon.compare import compare
from grader.tracks.gluon.specs import Spec, ex

_sizes = cases(i=width(), u=width(), batch=batch())
_DEFAULTS = ({"i": 5, "u": 3, "batch": 2},)


def _layer(c: dict[str, Any]) -> Spec:
    return ex.MyDense(c["u"], c["i"])


_CONTEXT_HINT = ("Read each parameter on the input's context: `self.weight.data(X.context)` (`X.ctx` with "
                 "mxnet.np); a bare `data()` asks for the default context, cpu(0), which holds no copy here.")
_SAME = "the output with X on cpu(1) equals the output on cpu(0)"


def _on_second_context(side: Any, case: dict[str, Any], seed: int) -> Any:
    """The layer run on cpu(0), then with its parameters on cpu(1) and cpu(2) and X on cpu(1): the layer must
    read the copy on X's context (``data(X.context)``); a bare ``data()`` asks for cpu(0), which holds none.
    Each side compares its two outputs (a wrong output is the forward check's failure, not this one's)."""
    layer = side.request("build", spec=_layer(case).node, seed=seed)["handle"]
    side.request("initialize", handle=layer, seed=seed)
    X = normal(numpy.random.default_rng(seed), case["batch"], case["i"])
    side.request("forward", handle=layer, inputs=[X], seed=seed)
    set_values(side, layer, seed)  # the same values on both sides, by position
    here = side.request("forward", handle=layer, inputs=[X], seed=seed)["output"]
    try:
        answer = side.request("forward_on", handle=layer, inputs=[X], ctx="cpu(1)", param_ctx=["cpu(1)", "cpu(2)"],
                              seed=seed)
    except Failure as failure:
        if "was not initialized on context" in failure.feedback:
            failure.hints = (_CONTEXT_HINT,) + failure.hints
        raise
    return {_SAME: compare(answer["output"], here) is None, "output context": answer["output_ctx"]}


EXERCISE = Exercise("custom_layers/my_dense", "MyDense: weight (in_units, units), bias (units,), ReLU", (
    Names(points=2, build=_layer, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=3, build=_layer, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output equals `dot(X, weight) + bias` without the ReLU.",
                "lambda net, X: nd.dot(X, net.weight.data()) + net.bias.data()"),
        Mistake("Your output leaves out the bias: `relu(dot(X, weight))`.",
                "lambda net, X: nd.relu(nd.dot(X, net.weight.data()))"),
    )),
    Gradients(points=1, build=_layer, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Scenario(id="context", title="the parameters are read on X's context (data(X.context))", points=1,
             cases=_sizes, steps=_on_second_context, defaults=_DEFAULTS, max_examples=3,
             what="the output with the parameters on cpu(1) and cpu(2) and X on cpu(1)",
             show=lambda c: (f"layer = MyDense({c['u']}, {c['i']})\nlayer.initialize()\n"
                             f"X = <standard-normal array of shape ({c['batch']}, {c['i']})>\n"
                             "layer(X)  # on cpu(0), then:\n"
                             "layer.collect_params().reset_ctx([mx.cpu(1), mx.cpu(2)])\n"
                             "layer(X.as_in_context(mx.cpu(1)))"),
             hints=lambda mine, theirs, c: [_CONTEXT_HINT]),
))

MUTANTS = (
    Mutant("transposed_weight", "The weight is declared (units, in_units).",
           edits=[("shape=(in_units, units)", "shape=(units, in_units)"),
                  ("nd.dot(X, self.weight.data(X.context))", "nd.dot(X, self.weight.data(X.context).T)")],
           fails={"names": ["Compared the parameter shapes as built", "Shape of weight: expected (1, 2), got (2, 1)"],
                  "forward": [""]}, passes=["context"]),
    Mutant("no_relu", "No ReLU on the output.",
           edits=[("return nd.relu(linear)", "return linear")],
           fails={"forward": ["Compared the output of net(X) with the reference's (same parameters)",
                              "Your output equals `dot(X, weight) + bias` without the ReLU"]},
           passes=["names", "context"], absent={"forward": ["leaves out the bias"]},
           line_of={"forward": "def forward"}),
    Mutant("no_bias", "The bias is declared but never added.",
           edits=[(" + self.bias.data(X.context)", "")],
           fails={"forward": ["Your output leaves out the bias"]},
           passes=["names", "context", "gradients"], absent={"forward": ["without the ReLU"]}),
    Mutant("detached_weight", "The weight is read through `.detach()`: the output is right, no gradient reaches it.",
           edits=[("nd.dot(X, self.weight.data(X.context))", "nd.dot(X, self.weight.data(X.context).detach())")],
           fails={"gradients": ["weight: the gradient is all zeros; the reference's is not", "left autograd's record"]},
           passes=["names", "forward", "context"]),
    Mutant("default_context", "The parameters are read with `data()`, on the default context.",
           edits=[("self.weight.data(X.context)", "self.weight.data()"),
                  ("self.bias.data(X.context)", "self.bias.data()")],
           fails={"context": ["raised RuntimeError", "was not initialized on context cpu(0)",
                              "layer.collect_params().reset_ctx([mx.cpu(1), mx.cpu(2)])",
                              "`self.weight.data(X.context)`"]},
           passes=["names", "forward", "gradients"], line_of={"context": "self.weight.data()"}),
    Mutant("attribute_W", "The weight is kept as `self.W`.",
           edits=[("self.weight = self.params.get(", "self.W = self.params.get("),
                  ("self.weight.data(X.context)", "self.W.data(X.context)")],
           fails={"names": ["Missing keys: weight", "Unexpected keys: W"]},
           passes=["forward", "gradients", "context"]),
    Mutant("arguments_swapped", "`MyDense(in_units, units)`: the arguments in the other order.",
           edits=[("def __init__(self, units: int, in_units: int", "def __init__(self, in_units: int, units: int")],
           fails={"names": ["Shape of weight: expected (1, 2), got (2, 1)", "Shape of bias: expected (2,), got (1,)"],
                  "forward": ["dot shape error"], "gradients": [""], "context": [""]}),
    Mutant("detached_bias", "The bias is read through NumPy, out of autograd's record.",
           edits=[("self.bias.data(X.context)", "nd.array(self.bias.data(X.context).asnumpy(), ctx=X.context)")],
           fails={"gradients": ["bias: the gradient is all zeros; the reference's is not. No gradient reached it",
                                "the computation left autograd's record (`.asnumpy()` and back"]},
           passes=["names", "forward", "context"]),
)
