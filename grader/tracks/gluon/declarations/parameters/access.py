"""parameters/access (Gluon): ``param_shapes(net)`` and ``count_params(net, trainable_only=True)``.

The networks are the judge's (``nn.Dense`` layers, one of them with a parameter set to
``grad_req='null'``, another shared), before and after their first forward: a deferred
dimension reads 0 before it, and a shared parameter counts once.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['param_shapes', 'count_params', 'count_all']
"""
from __future__ import annotations

from typing import Any

import numpy
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import cases, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.specs import ex, handle, nn

_nets = cases(i=width(), widths=st.lists(width(), min_size=1, max_size=3), ran=st.booleans(),
              frozen=st.booleans(), tied=st.booleans())
_DEFAULTS = ({"i": 20, "widths": [256, 10], "ran": False, "frozen": False, "tied": False},
             {"i": 20, "widths": [256, 10], "ran": True, "frozen": True, "tied": True})


def _network(side: Any, case: dict[str, Any], seed: int) -> int:
    """``nn.Sequential`` of Dense layers; ``tied`` adds one more layer sharing the last's parameters (a square
    one), ``frozen`` sets the first layer's grad_req to 'null'; ``ran``: initialized and run once."""
    widths = case["widths"]
    net = side.request("build", spec=nn.Sequential().node, seed=seed)["handle"]
    layers = []
    for w in widths:
        layers.append(side.request("build", spec=nn.Dense(w).node, seed=seed)["handle"])
    if case["tied"]:
        last = widths[-1]
        square = side.request("build", spec=nn.Dense(last, in_units=last).node, seed=seed)["handle"]
        layers.append(square)
        layers.append(side.request("build", spec=nn.Dense(last, in_units=last, params=handle(square).attr("params"))
                                   .node, seed=seed)["handle"])
    side.request("value", spec=handle(net).attr("add")(*[handle(h) for h in layers]).node, seed=seed)
    if case["frozen"]:
        side.request("value", spec=handle(layers[0]).attr("collect_params")().attr("setattr")("grad_req", "null")
                     .node, seed=seed)
    if case["ran"]:
        side.request("initialize", handle=net, seed=seed)
        side.request("forward", handle=net, inputs=[normal(numpy.random.default_rng(seed), 2, case["i"])], seed=seed)
    return net


def _shown(case: dict[str, Any], call: str) -> str:
    lines = ["net = nn.Sequential()", "net.add(" + ", ".join(f"nn.Dense({w})" for w in case["widths"]) + ")"]
    if case["tied"]:
        w = case["widths"][-1]
        lines.append(f"square = nn.Dense({w}, in_units={w})\nnet.add(square, nn.Dense({w}, in_units={w}, "
                     "params=square.params))")
    if case["frozen"]:
        lines.append("net[0].collect_params().setattr('grad_req', 'null')")
    if case["ran"]:
        lines.append(f"net.initialize()\nnet(X)  # X of shape (2, {case['i']})")
    return "\n".join(lines + [call])


def _shapes(side: Any, case: dict[str, Any], seed: int) -> Any:
    net = _network(side, case, seed)
    shapes = side.request("value", spec=ex.param_shapes(handle(net)).node, seed=seed)["value"]
    if isinstance(shapes, dict):  # mxnet.np reports a deferred dimension as -1, which counts as 0
        shapes = {k: tuple(0 if d == -1 else d for d in v) if isinstance(v, tuple) else v for k, v in shapes.items()}
    return shapes


def _count(trainable_only: bool | None) -> Any:
    def steps(side: Any, case: dict[str, Any], seed: int) -> Any:
        net = _network(side, case, seed)
        call = ex.count_params(handle(net)) if trainable_only is None else \
            ex.count_params(handle(net), trainable_only=trainable_only)
        return side.request("value", spec=call.node, seed=seed)["value"]
    return steps


def _count_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    hints = []
    if case["tied"]:
        hints.append("A parameter shared by two layers is one parameter: count each distinct parameter once "
                     "(`_collect_params_with_prefix()` lists it once; `collect_params()` too).")
    if not case["ran"]:
        hints.append("Before the first forward a deferred dimension reads 0, so such a parameter has 0 elements "
                     "(`numpy.prod(p.shape)`), without initializing it.")
    return hints


EXERCISE = Exercise("parameters/access", "Reading parameters: names, shapes and counts", (
    Scenario(id="param_shapes", title="param_shapes(net): structural names to shapes, deferred dimensions 0",
             points=3, cases=_nets, steps=_shapes, defaults=_DEFAULTS, what="param_shapes(net)",
             show=lambda c: _shown(c, "param_shapes(net)"),
             hints=lambda mine, theirs, c: (["Key the shapes by the structural names `save_parameters` writes "
                                             "(`0.weight`): `net._collect_params_with_prefix()`, not the global "
                                             "names of `collect_params()` (`dense0_weight`)."]
                                            if isinstance(mine, dict) and isinstance(theirs, dict)
                                            and set(mine) != set(theirs) else [])),
    Scenario(id="count_params", title="count_params(net): trainable elements, each distinct parameter once",
             points=2, cases=_nets, steps=_count(None), defaults=_DEFAULTS, what="count_params(net)",
             show=lambda c: _shown(c, "count_params(net)"), hints=_count_hints),
    Scenario(id="count_all", title="count_params(net, trainable_only=False): every element, grad_req 'null' included",
             points=1, cases=_nets, steps=_count(False), defaults=_DEFAULTS,
             what="count_params(net, trainable_only=False)",
             show=lambda c: _shown(c, "count_params(net, trainable_only=False)"), hints=_count_hints),
))
