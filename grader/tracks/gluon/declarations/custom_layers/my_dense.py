"""custom_layers/my_dense (Gluon): a dense layer with parameters of its own (``self.params.get``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients']
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import Spec, ex

_sizes = cases(i=width(), u=width(), batch=batch())
_DEFAULTS = ({"i": 5, "u": 3, "batch": 2},)


def _layer(c: dict[str, Any]) -> Spec:
    return ex.MyDense(c["u"], c["i"])


EXERCISE = Exercise("custom_layers/my_dense", "MyDense: weight (in_units, units), bias (units,), ReLU", (
    Names(points=2, build=_layer, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=3, build=_layer, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output equals `dot(X, weight) + bias` without the ReLU.",
                "lambda net, X: nd.dot(X, net.weight.data()) + net.bias.data()"),
        Mistake("Your output leaves out the bias: `relu(dot(X, weight))`.",
                "lambda net, X: nd.relu(nd.dot(X, net.weight.data()))"),
    )),
    Gradients(points=1, build=_layer, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))
