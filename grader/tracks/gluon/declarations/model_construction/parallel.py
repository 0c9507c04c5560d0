"""model_construction/parallel (Gluon): two blocks side by side, outputs concatenated on ``axis``.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients']
"""
from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import Spec, ex, nn

_sizes = cases(i=width(), a=width(), b=width(), batch=batch(), axis=st.sampled_from([1, 0]))
_DEFAULTS = ({"i": 20, "a": 8, "b": 16, "batch": 2, "axis": 1},)


def _net(c: dict[str, Any]) -> Spec:
    second = c["a"] if c["axis"] == 0 else c["b"]  # on axis 0 both outputs need the same width
    kwargs = {} if c["axis"] == 1 else {"axis": c["axis"]}
    return ex.Parallel(nn.Dense(c["a"]), nn.Dense(second), **kwargs)


EXERCISE = Exercise("model_construction/parallel", "Two blocks in parallel", (
    Names(points=1, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=3, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output concatenates on axis 1 whatever `axis` the block was given.",
                "lambda net, X: nd.concat(net.net1(X), net.net2(X), dim=1)"),
        Mistake("Your output puts `net2`'s output first.",
                "lambda net, X: nd.concat(net.net2(X), net.net1(X), dim=net.axis)"),
    )),
    Gradients(points=1, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))
