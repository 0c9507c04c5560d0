"""read_write/clone (Gluon): ``clone(net, make, path)``: ``save_parameters``, then ``load_parameters`` into ``make()``.

The clone must give the same outputs, share no storage with the original (changing the
original afterwards leaves the clone alone), and leave a parameter file at ``path`` that
``load_parameters`` reads into a fresh network.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['same_outputs', 'independent', 'file']
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import batch, cases, width
from grader.tracks.gluon.checks.pair import normal, set_values
from grader.tracks.gluon.specs import ex, factory, handle, nn, then

_sizes = cases(i=width(), h=width(), o=width(), batch=batch())
_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2},)


def _net_spec(case: dict[str, Any]) -> Any:
    return then(nn.Sequential(), ("add", nn.Dense(case["h"], activation="relu"), nn.Dense(case["o"])))


def _original(side: Any, case: dict[str, Any], seed: int) -> tuple[int, numpy.ndarray]:
    X = normal(numpy.random.default_rng(seed), case["batch"], case["i"])
    net = side.request("build", spec=_net_spec(case).node, seed=seed)["handle"]
    side.request("initialize", handle=net, seed=seed)
    side.request("forward", handle=net, inputs=[X], seed=seed)
    set_values(side, net, seed)  # the same values on both sides, whatever the array API drew
    return net, X


def _clone(side: Any, case: dict[str, Any], seed: int, net: int) -> int:
    call = ex.clone(handle(net), factory(_net_spec(case), counter="make"), "clone.params")
    return int(side.request("value", spec=call.node, seed=seed, keep=True)["handle"])


def _same_outputs(side: Any, case: dict[str, Any], seed: int) -> Any:
    net, X = _original(side, case, seed)
    copy = _clone(side, case, seed, net)
    before = side.request("forward", handle=net, inputs=[X], seed=seed)["output"]
    after = side.request("forward", handle=copy, inputs=[X], seed=seed)["output"]
    return {"clone(X) == net(X)": bool(numpy.allclose(before, after, rtol=0, atol=0)), "clone(X)": after}


def _independent(side: Any, case: dict[str, Any], seed: int) -> Any:
    net, X = _original(side, case, seed)
    copy = _clone(side, case, seed, net)
    kept = side.request("forward", handle=copy, inputs=[X], seed=seed)["output"]
    zeros = {name: numpy.zeros(shape, "float32") for name, shape in side.request("state", handle=net)["shapes"].items()}
    side.request("assign", handle=net, values=zeros)
    again = side.request("forward", handle=copy, inputs=[X], seed=seed)["output"]
    return {"the clone is unchanged when the original changes": bool(numpy.array_equal(kept, again))}


def _file(side: Any, case: dict[str, Any], seed: int) -> Any:
    net, X = _original(side, case, seed)
    _clone(side, case, seed, net)
    fresh = side.request("build", spec=_net_spec(case).node, seed=seed)["handle"]
    problem = side.request("load_parameters", handle=fresh, path="clone.params").get("problem")
    if problem:
        return f"load_parameters('clone.params') refused the file ({problem})"
    return side.request("forward", handle=fresh, inputs=[X], seed=seed)["output"]


def _shown(case: dict[str, Any], tail: str) -> str:
    make = f"lambda: nn.Sequential() with nn.Dense({case['h']}, activation='relu'), nn.Dense({case['o']})"
    return (f"net = nn.Sequential()\nnet.add(nn.Dense({case['h']}, activation='relu'), nn.Dense({case['o']}))\n"
            f"net.initialize()\nnet(X)  # X of shape ({case['batch']}, {case['i']})\n"
            f"copy = clone(net, make, 'clone.params')  # make = {make}\n{tail}")


EXERCISE = Exercise("read_write/clone", "Cloning a network through its parameter file", (
    Scenario(id="same_outputs", title="the clone gives the original's outputs", points=3, cases=_sizes,
             steps=_same_outputs, defaults=_DEFAULTS, what="the clone's output",
             show=lambda c: _shown(c, "copy(X) == net(X)"),
             hints=lambda mine, theirs, c: ["Save with `net.save_parameters(path)`, then `clone = make()` and "
                                            "`clone.load_parameters(path)` (it sets the shapes itself), and return "
                                            "the clone."]),
    Scenario(id="independent", title="the clone shares no storage with the original", points=1, cases=_sizes,
             steps=_independent, defaults=_DEFAULTS, what="the clone's output after the original was zeroed",
             show=lambda c: _shown(c, "<every parameter of net set to 0>\ncopy(X)  # unchanged"),
             hints=lambda mine, theirs, c: ["A clone built from the file has arrays of its own; returning `net` "
                                            "itself (or sharing its `params`) ties the two together."]),
    Scenario(id="file", title="the file at path loads into a fresh network (load_parameters)", points=1, cases=_sizes,
             steps=_file, defaults=_DEFAULTS, what="a fresh network's output after load_parameters('clone.params')",
             show=lambda c: _shown(c, "fresh = make()\nfresh.load_parameters('clone.params')\nfresh(X)"),
             hints=lambda mine, theirs, c: ["Write the parameters with `save_parameters` (structural names), not "
                                            "`export` or `collect_params().save` (global names)."]),
))
