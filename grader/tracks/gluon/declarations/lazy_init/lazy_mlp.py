"""lazy_init/lazy_mlp (Gluon): deferred initialization, then ``materialize(net, example)``.

``lazy_mlp(hidden, out_features)`` gives no input width: every weight reads ``(hidden, 0)`` until
the first forward. ``materialize(net, example)`` initializes with Xavier-uniform weights and zero
biases, sized by one forward on ``example``, and returns ``net``.

``materialize`` and ``returns_net`` run the student's ``materialize`` on lazy MLPs the judge builds
itself (the contract: any network of ``Dense`` layers), so a mistake in ``lazy_mlp`` is not counted
there again; half of ``materialize``'s networks were initialized and run before the call, which only
``force_reinit=True`` re-initializes.

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
from grader.checks.distribution import Normal, Uniform, Unchanged, Zero
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Initialization, Mistake, Names, Scenario, Trial
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.checks.init import InitMistake
from grader.tracks.gluon.checks.pair import build_sequential, normal, sequential_text
from grader.tracks.gluon.specs import Spec, array, ex, handle, nn

_sizes = cases(i=width(), h=width(), o=width(), batch=batch())
_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2},)


def _mlp(h: int, o: int) -> tuple[Spec, ...]:
    """The layers of a lazy MLP the judge builds itself (``materialize`` works on any network of Dense layers)."""
    return nn.Dense(h, activation="relu"), nn.Dense(o)


def _trials(rng: random.Random) -> list[Trial]:
    """Four judge-built lazy MLPs: two never run, two initialized and run once before (``force_reinit``)."""
    out = []
    for ran in (False, False, True, True):
        i, h, o = rng.randint(16, 64), rng.randint(32, 96), rng.randint(8, 32)
        out.append(Trial(net=_mlp(h, o), inputs=(rng.randint(1, 4), i), call=lambda net, X: ex.materialize(net, X),
                         ran=ran))
    return out


def _bound(shape: tuple[int, ...]) -> float:
    fan_out, fan_in = shape
    return math.sqrt(6.0 / (fan_in + fan_out))


def _law(name: str, shape: tuple[int, ...], trial: Trial) -> Any:
    if name.endswith("bias"):
        return Zero(hint="`materialize` leaves every bias 0: `net.initialize(init.Xavier(), force_reinit=True)` "
                         "initializes the weights with Xavier and the biases with their own initializer ('zeros').")
    bound = _bound(shape)
    return Uniform(-bound, bound, name="Xavier-uniform", hint="Xavier-uniform: `net.initialize(init=init.Xavier(), "
                   "force_reinit=True)`, then the forward on `example` (deferred shapes are settled there).")


_MISTAKES = (
    InitMistake("The networks initialized before `materialize` kept their values: without `force_reinit=True` "
                "MXNet only warns and initializes nothing. Write `net.initialize(init=init.Xavier(), "
                "force_reinit=True)`.",
                lambda name, shape, trial: Unchanged() if trial.ran else _law(name, shape, trial)),
    InitMistake("Your weights follow MXNet's default initializer, U(-0.07, 0.07): pass the initializer, "
                "`net.initialize(init=init.Xavier(), force_reinit=True)`.",
                lambda name, shape, trial: Uniform(-0.07, 0.07) if name.endswith("weight") else Zero()),
    InitMistake("Your weights look like Xavier *normal* (`rnd_type='gaussian'`): the exercise asks for "
                "Xavier-uniform, `init.Xavier()`.",
                lambda name, shape, trial: Normal(_bound(shape)) if name.endswith("weight") else None),
)


def _returns(side: Any, case: dict[str, Any], seed: int) -> Any:
    net = build_sequential(side, _mlp(case["h"], case["o"]), seed=seed)
    X = normal(numpy.random.default_rng(seed), case["batch"], case["i"])
    got = side.request("value", spec=ex.materialize(handle(net), array(X, "X")).node, seed=seed, keep=True)
    same = side.request("value", spec=handle(got["handle"]).attr("__eq__")(handle(net)).node)["value"] is True
    return {"returns the same net": same, "shapes": side.request("state", handle=net)["shapes"]}


def _returns_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if not isinstance(mine, dict):
        return []
    hints = []
    if mine.get("returns the same net") is False:
        hints.append("`materialize` returns the network it was given, the same object: end with `return net`.")
    if any(0 in shape for shape in (mine.get("shapes") or {}).values()):
        hints.append("After `materialize` a weight still has a deferred dimension (0): run one forward on "
                     "`example` (`net(example)`) after initializing; that is when the shapes are settled.")
    return hints


EXERCISE = Exercise("lazy_init/lazy_mlp", "Deferred initialization: lazy_mlp and materialize", (
    Names(points=2, id="deferred", title="lazy_mlp: deferred shapes (hidden, 0) before the first forward, then set",
          build=lambda c: ex.lazy_mlp(c["h"], c["o"]), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Initialization(id="materialize", title="materialize: Xavier-uniform weights, zero biases, sized by `example`",
                   points=3, trials=_trials, law=_law, mistakes=_MISTAKES, locate=ex.materialize),
    Forward(points=1, build=lambda c: ex.lazy_mlp(c["h"], c["o"]), inputs=matrix("i"), cases=_sizes,
            defaults=_DEFAULTS, mistakes=(
                Mistake("Your output is that of a network without the ReLU after the first Dense: "
                        "`nn.Dense(hidden, activation='relu')`.",
                        "lambda net, X: net[1](nd.dot(X, net[0].weight.data().T) + net[0].bias.data())"),
            )),
    Scenario(id="returns_net", title="materialize returns the network it initialized, its shapes settled", points=1,
             cases=_sizes, steps=_returns, what="what materialize returned and the shapes it settled",
             defaults=_DEFAULTS, hints=_returns_hints,
             show=lambda c: f"{sequential_text(_mlp(c['h'], c['o']))}\nX = <array of shape ({c['batch']}, "
                            f"{c['i']})>\nmaterialize(net, X) is net  # and the parameters' shapes after it"),
))

_DENSE_H = "nn.Dense(hidden, activation='relu')"
_INIT = "net.initialize(init=init.Xavier(), force_reinit=True)"

MUTANTS = (
    Mutant("in_units_given", "`lazy_mlp` gives the first Dense an input width (20).",
           edits=[(_DENSE_H, "nn.Dense(hidden, activation='relu', in_units=20)")],
           fails={"deferred": ["Compared the parameter shapes as built, before the first forward",
                               "Shape of 0.weight: expected (1, 0), got (1, 20)", "do not give `in_units`"],
                  "forward": ["Shape inconsistent", "no `in_units`"]},
           passes=["materialize", "returns_net"]),
    Mutant("out_features_ignored", "`lazy_mlp` always has 10 outputs.",
           edits=[("nn.Dense(out_features))", "nn.Dense(10))")],
           fails={"deferred": ["Shape of 1.weight: expected (1, 0), got (10, 0)"],
                  "forward": ["Shape mismatch: expected (1, 1), got (1, 10)"]},
           passes=["materialize", "returns_net"], absent={"deferred": ["in_units"]}),
    Mutant("no_relu", "`lazy_mlp`'s first Dense has no ReLU.",
           edits=[(_DENSE_H, "nn.Dense(hidden)")],
           fails={"forward": ["the output of `0` (Dense, call 1) already differs",
                              "without the ReLU after the first Dense"]},
           passes=["deferred", "materialize", "returns_net"]),
    Mutant("no_force_reinit", "`materialize` leaves out `force_reinit=True`.",
           edits=[(_INIT, "net.initialize(init=init.Xavier())")],
           fails={"materialize": ["Ran `materialize(net, X)` on 4 networks", "2 already initialized and run once",
                                  "KS test against U(low, high) of each tensor (Xavier-uniform)",
                                  "The networks initialized before `materialize` kept their values"]},
           passes=["deferred", "forward", "returns_net"], absent={"materialize": ["default initializer"]},
           line_of={"materialize": "def materialize"}),
    Mutant("default_init", "`materialize` initializes with MXNet's default initializer.",
           edits=[(_INIT, "net.initialize(force_reinit=True)")],
           fails={"materialize": ["KS test against U(low, high) of each tensor (Xavier-uniform)",
                                  "MXNet's default initializer, U(-0.07, 0.07)"]},
           passes=["deferred", "forward", "returns_net"], absent={"materialize": ["kept their values"]}),
    Mutant("xavier_gaussian", "`materialize` draws Xavier-normal weights.",
           edits=[(_INIT, "net.initialize(init=init.Xavier(rnd_type='gaussian'), force_reinit=True)")],
           fails={"materialize": ["lie outside these bounds", "look like Xavier *normal*"]},
           passes=["deferred", "forward", "returns_net"]),
    Mutant("no_forward", "`materialize` initializes but never runs `example` through the network.",
           edits=[("    net(example)\n", "")],
           fails={"returns_net": ["In ['shapes']['0.weight'][1]: expected int", "got int 0",
                                  "run one forward on `example`"]},
           passes=["deferred", "forward", "materialize"], absent={"returns_net": ["return net"]}),
    Mutant("returns_none", "`materialize` returns nothing.",
           edits=[("    net(example)\n    return net", "    net(example)")],
           fails={"returns_net": ["In ['returns the same net']: expected bool True, got bool False",
                                  "end with `return net`"]},
           passes=["deferred", "forward", "materialize"], absent={"returns_net": ["run one forward"]}),
)
