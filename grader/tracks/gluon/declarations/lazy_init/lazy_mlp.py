"""lazy_init/lazy_mlp (Gluon): deferred initialization, then ``materialize(net, example)``.

``lazy_mlp(hidden, out_features)`` gives no input width: every weight reads ``(hidden, 0)`` until
the first forward. ``materialize(net, example)`` initializes with Xavier-uniform weights and zero
biases, sized by one forward on ``example``, and returns ``net``.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['deferred', 'materialize', 'forward', 'returns_net']
"""
from __future__ import annotations

import math
import random
from typing import Any

import numpy

from grader.catalog import Exercise
from grader.checks.distribution import Uniform, Zero
from grader.tracks.gluon.checks import Forward, Initialization, Names, Scenario, Trial
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.specs import array, ex, handle

_sizes = cases(i=width(), h=width(), o=width(), batch=batch())
_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2},)


def _trials(rng: random.Random) -> list[Trial]:
    out = []
    for _ in range(3):
        i, h, o = rng.randint(16, 64), rng.randint(32, 96), rng.randint(8, 32)
        out.append(Trial(net=ex.lazy_mlp(h, o), inputs=(rng.randint(1, 4), i), call=lambda net, X: ex.materialize(net, X)))
    return out


def _law(name: str, shape: tuple[int, ...], trial: Trial) -> Any:
    if name.endswith("bias"):
        return Zero(hint="`materialize` sets every bias to 0 (`init.Zero()` for the biases, or Xavier on the "
                         "weights only: Gluon initializes biases to 0 unless told otherwise).")
    fan_out, fan_in = shape
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return Uniform(-bound, bound, hint="Xavier-uniform: `net.initialize(init.Xavier())` before the forward on "
                                       "`example` (deferred shapes are settled there).")


def _returns(side: Any, case: dict[str, Any], seed: int) -> Any:
    net = side.request("build", spec=ex.lazy_mlp(case["h"], case["o"]).node, seed=seed)["handle"]
    X = normal(numpy.random.default_rng(seed), case["batch"], case["i"])
    got = side.request("value", spec=ex.materialize(handle(net), array(X, "X")).node, seed=seed, keep=True)
    same = side.request("value", spec=handle(got["handle"]).attr("__eq__")(handle(net)).node)["value"] is True
    return {"returns the same net": same, "shapes": side.request("state", handle=net)["shapes"]}


EXERCISE = Exercise("lazy_init/lazy_mlp", "Deferred initialization: lazy_mlp and materialize", (
    Names(points=2, id="deferred", title="lazy_mlp: deferred shapes (hidden, 0) before the first forward, then set",
          build=lambda c: ex.lazy_mlp(c["h"], c["o"]), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Initialization(id="materialize", title="materialize: Xavier-uniform weights, zero biases, sized by `example`",
                   points=3, trials=_trials, law=_law),
    Forward(points=1, build=lambda c: ex.lazy_mlp(c["h"], c["o"]), inputs=matrix("i"), cases=_sizes,
            defaults=_DEFAULTS),
    Scenario(id="returns_net", title="materialize returns the network it initialized", points=1, cases=_sizes,
             steps=_returns, what="what materialize returned and the shapes it settled", defaults=_DEFAULTS,
             show=lambda c: f"net = lazy_mlp({c['h']}, {c['o']})\nX = <array of shape ({c['batch']}, {c['i']})>\n"
                            "materialize(net, X) is net"),
))
