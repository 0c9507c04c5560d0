"""custom_layers/my_dense (Gluon): a dense layer with parameters of its own (``self.params.get``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients', 'context']
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.checks.pair import normal, set_values
from grader.tracks.gluon.specs import Spec, ex

_sizes = cases(i=width(), u=width(), batch=batch())
_DEFAULTS = ({"i": 5, "u": 3, "batch": 2},)


def _layer(c: dict[str, Any]) -> Spec:
    return ex.MyDense(c["u"], c["i"])


def _on_second_context(side: Any, case: dict[str, Any], seed: int) -> Any:
    """The layer's parameters on cpu(1) and cpu(2), X on cpu(1): the layer must read the copy on X's
    context (``data(X.context)``); a bare ``data()`` asks for cpu(0), which holds none."""
    layer = side.request("build", spec=_layer(case).node, seed=seed)["handle"]
    side.request("initialize", handle=layer, seed=seed)
    X = normal(numpy.random.default_rng(seed), case["batch"], case["i"])
    side.request("forward", handle=layer, inputs=[X], seed=seed)
    set_values(side, layer, seed)  # the same values on both sides, by position
    answer = side.request("forward_on", handle=layer, inputs=[X], ctx="cpu(1)", param_ctx=["cpu(1)", "cpu(2)"],
                          seed=seed)
    return {"output": answer["output"], "output context": answer["output_ctx"]}


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
             show=lambda c: (f"layer = MyDense({c['u']}, {c['i']})\nlayer.initialize(ctx=[mx.cpu(1), mx.cpu(2)])\n"
                             f"X = <standard-normal array of shape ({c['batch']}, {c['i']})>.as_in_context(mx.cpu(1))\n"
                             "layer(X)"),
             hints=lambda mine, theirs, c: ["Read each parameter on the input's context: `self.weight.data(X.context)` "
                                            "(`X.ctx` with mxnet.np)."]),
))
