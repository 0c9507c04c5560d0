"""read_write/clone (Gluon): ``clone(net, make, path)``: ``save_parameters``, then ``load_parameters`` into ``make()``.

The clone must give the same outputs, share no storage with the original (changing the
original afterwards leaves the clone alone), and leave a parameter file at ``path`` that
``load_parameters`` reads into a fresh network: MXNet's ``nd.load`` reads it, in a worker that never
ran the student's code, and finds the parameters under their structural names (``0.weight``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['same_outputs', 'independent', 'file']
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import batch, cases, width
from grader.tracks.gluon.checks.pair import normal, set_values
from grader.tracks.gluon.checks.scenario import Refused, mxnet_problem
from grader.tracks.gluon.compare import compare
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


_CLONE_CALL = "`clone(net, make, 'clone.params')`"


def _clone(side: Any, case: dict[str, Any], seed: int, net: int) -> int:
    call = ex.clone(handle(net), factory(_net_spec(case), counter="make"), "clone.params")
    return int(side.request("value", spec=call.node, seed=seed, keep=True, doing=_CLONE_CALL)["handle"])


def _same_outputs(side: Any, case: dict[str, Any], seed: int) -> Any:
    net, X = _original(side, case, seed)
    copy = _clone(side, case, seed, net)
    before = side.request("forward", handle=net, inputs=[X], seed=seed)["output"]
    after = side.request("forward", handle=copy, inputs=[X], seed=seed, doing="`copy(X)`")["output"]
    differs = compare(after, before)
    return Refused(f"`copy(X)` differs from `net(X)`:\n{differs}") if differs else after


def _independent(side: Any, case: dict[str, Any], seed: int) -> Any:
    net, X = _original(side, case, seed)
    copy = _clone(side, case, seed, net)
    kept = side.request("forward", handle=copy, inputs=[X], seed=seed, doing="`copy(X)`")["output"]
    zeros = {name: numpy.zeros(shape, "float32") for name, shape in side.request("state", handle=net)["shapes"].items()}
    side.request("assign", handle=net, values=zeros)
    again = side.request("forward", handle=copy, inputs=[X], seed=seed, doing="`copy(X)`")["output"]
    if not numpy.array_equal(kept, again):
        return Refused("After every parameter of `net` was set to 0, `copy(X)` changed: the clone shares its "
                       "parameters with `net`.")
    return "copy(X) unchanged"


def _file(side: Any, case: dict[str, Any], seed: int) -> Any:
    """What MXNet's ``nd.load`` reads from the file, in a worker that never ran the student's code: the
    parameters by structural name (what ``load_parameters`` puts into a fresh network)."""
    net, X = _original(side, case, seed)
    _clone(side, case, seed, net)
    read = side.request("safe_load", path="clone.params")
    problem = read.get("problem")
    if problem and "No such file" in problem:
        return Refused(f"{_CLONE_CALL} left no file at 'clone.params' (MXNet: \"{mxnet_problem(problem)}\").")
    if problem:
        return Refused(f"nd.load cannot read the file {_CLONE_CALL} wrote at 'clone.params' (MXNet: "
                       f"\"{mxnet_problem(problem)}\").")
    return read["value"]


_GLOBAL_NAMES = ("`collect_params().save` writes global names (`dense0_weight`), which a network built later by "
                 "`make()` does not have (its layers are numbered on): write the file with `net.save_parameters(path)` "
                 "and read it with `load_parameters(path)`, which use structural names (`0.weight`).")


def _error_hints(text: str, case: dict[str, Any]) -> list[str]:
    return [_GLOBAL_NAMES] if "is missing in file" in text and "prefix" in text else []


def _shown(case: dict[str, Any], tail: str) -> str:
    make = f"lambda: nn.Sequential() with nn.Dense({case['h']}, activation='relu'), nn.Dense({case['o']})"
    return (f"net = nn.Sequential()\nnet.add(nn.Dense({case['h']}, activation='relu'), nn.Dense({case['o']}))\n"
            f"net.initialize()\nnet(X)  # X of shape ({case['batch']}, {case['i']})\n"
            f"copy = clone(net, make, 'clone.params')  # make = {make}\n{tail}")


EXERCISE = Exercise("read_write/clone", "Cloning a network through its parameter file", (
    Scenario(id="same_outputs", title="the clone gives the original's outputs", points=3, cases=_sizes,
             steps=_same_outputs, defaults=_DEFAULTS, what="the clone's output",
             show=lambda c: _shown(c, "copy(X) == net(X)"),
             error_hints=_error_hints,
             hints=lambda mine, theirs, c: ["Save with `net.save_parameters(path)`, then `clone = make()` and "
                                            "`clone.load_parameters(path)` (it sets the shapes itself), and return "
                                            "the clone."]),
    Scenario(id="independent", title="the clone shares no storage with the original", points=1, cases=_sizes,
             steps=_independent, defaults=_DEFAULTS, what="the clone's output after the original was zeroed",
             show=lambda c: _shown(c, "<every parameter of net set to 0>\ncopy(X)  # unchanged"),
             error_hints=_error_hints,
             hints=lambda mine, theirs, c: ["A clone built from the file has arrays of its own; returning `net` "
                                            "itself (or sharing its `params`) ties the two together: return the "
                                            "model `make()` built, after `load_parameters(path)`."]),
    Scenario(id="file", title="the file at path holds the parameters by structural name (what load_parameters reads)",
             points=1, cases=_sizes, steps=_file, defaults=_DEFAULTS,
             what="the parameters nd.load reads from 'clone.params'",
             show=lambda c: _shown(c, "nd.load('clone.params')  # {'0.weight': ..., '0.bias': ..., '1.weight': ...}"),
             error_hints=_error_hints,
             hints=lambda mine, theirs, c: ["Write the parameters to `path` itself with `net.save_parameters(path)` "
                                            "(structural names), not `export` or `collect_params().save` (global "
                                            "names); a copy made without the file (`copy.deepcopy`) leaves none."]),
))

_SAVE = "    net.save_parameters(path)\n"
_LOAD = "    model.load_parameters(path)\n"

MUTANTS = (
    Mutant("returns_net", "`clone` returns `net` itself, not the model it loaded.",
           edits=[("    return model", "    return net")],
           fails={"independent": ["After every parameter of `net` was set to 0, `copy(X)` changed",
                                  "shares its parameters with `net`", "<every parameter of net set to 0>"]},
           passes=["same_outputs", "file"]),
    Mutant("fresh_init", "`clone` initializes the new model instead of loading the file into it.",
           edits=[(_LOAD, "    model.initialize()\n")],
           fails={"same_outputs": ["`copy(X)` differs from `net(X)`", "Arrays are not close!",
                                   "`clone.load_parameters(path)`"]}, passes=["independent", "file"]),
    Mutant("other_file", "`clone` writes and reads `path + '.tmp'`, not `path`.",
           edits=[(_SAVE, "    net.save_parameters(path + '.tmp')\n"),
                  (_LOAD, "    model.load_parameters(path + '.tmp')\n")],
           fails={"file": ["`clone(net, make, 'clone.params')` left no file at 'clone.params'",
                           "No such file or directory", "nd.load('clone.params')"]},
           passes=["same_outputs", "independent"]),
    Mutant("deepcopy", "`clone` is a `copy.deepcopy(net)`: no parameter file is written.",
           edits=[("import os\n", "import copy\nimport os\n"),
                  (_SAVE + "    model = make()\n" + _LOAD, "    model = copy.deepcopy(net)\n")],
           fails={"file": ["left no file at 'clone.params'", "`copy.deepcopy`"]},
           passes=["same_outputs", "independent"]),
    Mutant("global_names", "`clone` saves and loads with `collect_params()` (global names such as `dense0_weight`).",
           edits=[(_SAVE, "    net.collect_params().save(path)\n"), (_LOAD, "    model.collect_params().load(path)\n")],
           fails={c: ["Calling `clone(net, make, 'clone.params')` raised AssertionError", "is missing in file",
                      "`collect_params().save` writes global names"] for c in ("same_outputs", "independent", "file")}),
)
