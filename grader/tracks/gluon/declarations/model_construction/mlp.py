"""model_construction/mlp (Gluon): a multilayer perceptron as an nn.Block subclass.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/mlp', ['names', 'forward', 'gradients'])
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import Spec, ex

_sizes = cases(i=width(), h=width(), o=width(), batch=batch())
_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2},)


def _mlp(c: dict[str, Any]) -> Spec:
    return ex.MLP(c["h"], c["o"])


#: ``hidden`` without its ReLU: the dense layer's own affine map
_NO_RELU = ("lambda net, X: net.output(nd.FullyConnected(X, net.hidden.weight.data(), net.hidden.bias.data(), "
            "num_hidden=net.hidden.weight.shape[0], flatten=True))")

EXERCISE = Exercise("model_construction/mlp", "A multilayer perceptron as an nn.Block subclass", (
    Names(points=2, build=_mlp, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=3, build=_mlp, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output equals `output(hidden(X))` without the ReLU: `hidden` is "
                "`nn.Dense(hidden, activation='relu')`.", _NO_RELU),
        Mistake("Your output equals `relu(output(hidden(X)))`: there is no ReLU after `output`.",
                "lambda net, X: nd.relu(net(X))"),
    )),
    Gradients(points=1, build=_mlp, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))
