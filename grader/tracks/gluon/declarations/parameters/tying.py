"""parameters/tying (Gluon): one set of parameters used by two layers (``params=shared.params``).

``names``, ``forward`` and ``gradients`` compare with the reference (a shared parameter is listed once,
its gradient the sum of both uses); ``shared`` asks the network itself: ``net[2]`` works on the very
Parameter objects of ``net[1]`` (not a copy), and every call of ``tied_net()`` makes its own.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients', 'shared']
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import Spec, ex, handle

_sizes = cases(i=width(), batch=batch())
_DEFAULTS = ({"i": 20, "batch": 2},)

_SAME_WEIGHT = "net[2].weight is net[1].weight"
_SAME_BIAS = "net[2].bias is net[1].bias"
_OWN = "tied_net() called again gives other parameters (net_b[1].weight is not net[1].weight)"


def _sharing(side: Any, case: dict[str, Any], seed: int) -> dict[str, bool]:
    """Two networks from two calls of ``tied_net()``: which Parameter objects are the same."""
    a = handle(side.request("build", spec=ex.tied_net().node, seed=seed)["handle"])
    b = handle(side.request("build", spec=ex.tied_net().node, seed=seed)["handle"])

    def same(x: Spec, y: Spec) -> bool:
        return side.request("value", spec=x.attr("__eq__")(y).node)["value"] is True  # `is`: Parameter has no __eq__

    def layer(net: Spec, i: int) -> Spec:
        return net.attr("__getitem__")(i)

    return {_SAME_WEIGHT: same(layer(a, 2).attr("weight"), layer(a, 1).attr("weight")),
            _SAME_BIAS: same(layer(a, 2).attr("bias"), layer(a, 1).attr("bias")),
            _OWN: not same(layer(b, 1).attr("weight"), layer(a, 1).attr("weight"))}


def _sharing_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if not isinstance(mine, dict):
        return []
    hints = []
    if mine.get(_SAME_WEIGHT) is False or mine.get(_SAME_BIAS) is False:
        hints.append("`net[2]` has parameters of its own: a second `nn.Dense(8, activation='relu')` is a copy of the "
                     "layer, not the same parameters. Build it on `shared`'s: `nn.Dense(8, activation='relu', "
                     "params=shared.params)`.")
    if mine.get(_OWN) is False:
        hints.append("Two calls of `tied_net()` share their parameters: make `shared = nn.Dense(8, "
                     "activation='relu')` inside `tied_net`, not once at module level.")
    return hints


EXERCISE = Exercise("parameters/tying", "Tied parameters: one Dense's parameters in two places", (
    Names(points=2, build=lambda c: ex.tied_net(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS,
          max_examples=3),
    Forward(points=2, build=lambda c: ex.tied_net(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS,
            mistakes=(
                Mistake("Your output is that of a network without the ReLU after `net[2]`: build it with "
                        "`nn.Dense(8, activation='relu', params=shared.params)`.",
                        "lambda net, X: net[3](nd.dot(net[1](net[0](X)), net[2].weight.data().T) "
                        "+ net[2].bias.data())"),
            )),
    Gradients(points=2, build=lambda c: ex.tied_net(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS,
              title="gradients match the reference (the shared layer's is the sum of both uses)"),
    Scenario(id="shared", title="net[2] uses net[1]'s Parameter objects; each tied_net() has its own", points=1,
             cases=cases(), steps=_sharing, hints=_sharing_hints, max_examples=1, defaults=({},),
             what="which parameters are the same objects",
             show=lambda c: f"net = tied_net()\nnet_b = tied_net()\n{_SAME_WEIGHT}, {_SAME_BIAS}, "
                            "net_b[1].weight is not net[1].weight"),
))

_TIED = "nn.Dense(8, activation='relu', params=shared.params)"
_SHARED = "    shared = nn.Dense(8, activation='relu')\n"

MUTANTS = (
    Mutant("copy_not_shared", "The third layer is a new `nn.Dense(8, activation='relu')`, not built on "
                              "`shared.params`.",
           edits=[(_TIED, "nn.Dense(8, activation='relu')")],
           fails={"names": ["Unexpected keys: 2.weight, 2.bias"],
                  "forward": ["the output of `2` (Dense, call 3) already differs"],
                  "shared": ["In ['net[2].weight is net[1].weight']: expected bool True, got bool False",
                             "net = tied_net()", "a second `nn.Dense(8, activation='relu')` is a copy of the layer",
                             "params=shared.params"]},
           absent={"shared": ["module level"]}),
    Mutant("module_level_shared", "`shared` is made once at module level: every `tied_net()` shares it.",
           edits=[(_SHARED, ""), ("def tied_net()", "shared = nn.Dense(8, activation='relu')\n\n\ndef tied_net()")],
           fails={"shared": ["tied_net() called again gives other parameters", "expected bool True, got bool False",
                             "net_b = tied_net()", "not once at module level"],
                  "names": ["Shape of 1.weight: expected (8, 0), got (8, 8)"]},
           passes=["forward", "gradients"], absent={"shared": ["is a copy of the layer"]}),
    Mutant("tied_no_relu", "The third layer, built on `shared.params`, has no ReLU.",
           edits=[(_TIED, "nn.Dense(8, params=shared.params)")],
           fails={"forward": ["the output of `2` (Dense, call 3) already differs",
                              "without the ReLU after `net[2]`"]},
           passes=["names", "shared", "gradients"]),  # the output differs: gradients then only ask that they arrive
    Mutant("last_dense_8", "The output layer has 8 units, not 10.",
           edits=[("nn.Dense(10))", "nn.Dense(8))")],
           fails={"names": ["Shape of 3.weight: expected (10, 0), got (8, 0)"],
                  "forward": ["Shape mismatch: expected (1, 10), got (1, 8)"]},
           passes=["shared"]),
    Mutant("frozen_shared", "The shared layer's parameters are frozen (`grad_req='null'`): the tied layer never trains.",
           edits=[("    return net", "    shared.collect_params().setattr('grad_req', 'null')\n    return net")],
           fails={"gradients": ["1.weight: no gradient"]},
           passes=["names", "forward", "shared"]),
)
