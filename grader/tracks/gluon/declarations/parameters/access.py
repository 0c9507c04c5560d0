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
from grader.checks.base import Failure
from grader.mutants import Mutant
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
        try:
            return side.request("value", spec=call.node, seed=seed)["value"]
        except Failure as failure:  # the student's count read values that a network never run does not hold
            if "has not been initialized" in failure.feedback:
                failure.hints = (_NO_DATA,) + tuple(h for h in failure.hints if not h.startswith(_GENERIC))
            raise
    return steps


_NO_DATA = ("The network was never initialized (and never run), so its parameters hold no values: count from "
            "the shapes (`math.prod(p.shape)`, a deferred dimension reading 0), not from `p.data()`.")
_GENERIC = "A parameter was never initialized."  # the track's hint for blocks hidden in lists: not this mistake


def _layers(case: dict[str, Any]) -> list[tuple[str, tuple[int, ...], bool]]:
    """(structural name, shape, trainable) of every parameter of the judge's network, a shared one under each
    of its names (the tied layer's come last)."""
    widths, out = case["widths"], []
    fan_in = case["i"] if case["ran"] else 0
    for n, w in enumerate(widths):
        trainable = not (case["frozen"] and n == 0)
        out += [(f"{n}.weight", (w, fan_in), trainable), (f"{n}.bias", (w,), trainable)]
        fan_in = w if case["ran"] else 0
    if case["tied"]:
        last = widths[-1]
        for n in (len(widths), len(widths) + 1):
            out += [(f"{n}.weight", (last, last), True), (f"{n}.bias", (last,), True)]
    return out


def _size(shape: tuple[int, ...]) -> int:
    return int(numpy.prod(shape)) if shape else 1


def _counts(case: dict[str, Any], trainable_only: bool) -> dict[str, int]:
    """What ``count_params`` returns on the case's network, and what known wrong versions return (only those
    whose mistake the case can show: a shared parameter, a frozen one, a deferred dimension)."""
    params = _layers(case)
    distinct = params[:-2] if case["tied"] else params
    kept = [(s, t) for _, s, t in distinct if t or not trainable_only]
    out = {"right": sum(_size(s) for s, _ in kept)}
    if case["tied"]:
        out["shared twice"] = sum(_size(s) for _, s, t in params if t or not trainable_only)
    if trainable_only:
        out["flag ignored"] = sum(_size(s) for _, s, _ in distinct)
        out["frozen only"] = sum(_size(s) for _, s, t in distinct if not t)
    if not case["ran"]:
        out["minus one"] = sum(_size(tuple(d or -1 for d in s)) for s, _ in kept)
    return out


_COUNT_HINTS = {
    "shared twice": "Your count takes the shared parameters twice, once per layer that uses them: a parameter "
                    "shared by two layers is one parameter. `_collect_params_with_prefix()` lists it under each "
                    "of its names: count each distinct Parameter object once (`collect_params()` lists it once).",
    "flag ignored": "Your count includes the parameters with `grad_req='null'`: with `trainable_only=True` (the "
                    "default) skip them (`p.grad_req != 'null'`).",
    "frozen only": "Your count takes only the parameters with `grad_req='null'`: `trainable_only=True` keeps those "
                   "whose `grad_req` is not 'null' (the test is inverted).",
    "minus one": "Your count multiplies a deferred dimension as -1 (what `p.shape` reads after `npx.set_np()`): "
                 "before the first forward such a parameter has 0 elements, so count -1 as 0 "
                 "(`math.prod(max(d, 0) for d in p.shape)`).",
}


def _count_hints(trainable_only: bool) -> Any:
    def hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
        if isinstance(mine, bool) or not isinstance(mine, (int, float)):
            return ["Return the count as a Python int (`int(...)`)."]
        counts = _counts(case, trainable_only)
        if mine < 0 and counts.get("minus one") != mine:
            return [_COUNT_HINTS["minus one"]]
        found = [k for k, v in counts.items() if k != "right" and v == mine != counts["right"]]
        if "flag ignored" in found:  # with no trainable parameter both count the frozen ones: the flag was ignored
            found = [k for k in found if k != "frozen only"]
        if len(found) > 1:  # one drawn network cannot tell these apart: say so
            return [f"Your count, {mine}, is what more than one known mistake gives on this network; one of these "
                    "is likely:"] + [_COUNT_HINTS[k] for k in found]
        found = [_COUNT_HINTS[k] for k in found]
        if found or case["ran"]:
            return found
        return ["Before the first forward a deferred dimension reads 0, so such a parameter has 0 elements "
                "(`math.prod(p.shape)`), and the network is not to be initialized or run."]
    return hints


def _shape_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if not (isinstance(mine, dict) and isinstance(theirs, dict)):
        return []
    hints, extra, missing = [], set(mine) - set(theirs), set(theirs) - set(mine)
    if any("." not in str(k) and str(k).endswith(("_weight", "_bias")) for k in extra):
        hints.append("Key the shapes by the structural names `save_parameters` writes (`0.weight`): "
                     "`net._collect_params_with_prefix()`, not the global names of `collect_params()` "
                     "(`dense0_weight`).")
    tied = {name for name, _, _ in _layers(case)[-2:]} if case["tied"] else set()
    if extra and extra <= tied:
        hints.append("A shared parameter is listed once, under its first name: `_collect_params_with_prefix()` "
                     "lists it under every name it has, so keep a name only for a Parameter object not seen before.")
    if missing and case["frozen"] and missing <= {"0.weight", "0.bias"}:
        hints.append("Every parameter has a shape, trainable or not: `param_shapes` lists the parameters with "
                     "`grad_req='null'` too.")
    if any(isinstance(v, list) for v in mine.values()):
        hints.append("Give each shape as a tuple of ints (`tuple(p.shape)`), as MXNet reports it.")
    if not extra and not missing and not case["ran"] and any(
            isinstance(v, (tuple, list)) and isinstance(theirs[k], tuple) and len(v) == len(theirs[k])
            and 0 in theirs[k] and 0 not in v for k, v in mine.items()):
        hints.append("Before the first forward a deferred dimension reads 0 (`(8, 0)`): report the shapes as "
                     "MXNet has them, without initializing or running the network.")
    return hints


EXERCISE = Exercise("parameters/access", "Reading parameters: names, shapes and counts", (
    Scenario(id="param_shapes", title="param_shapes(net): structural names to shapes, deferred dimensions 0",
             points=3, cases=_nets, steps=_shapes, defaults=_DEFAULTS, what="param_shapes(net)",
             show=lambda c: _shown(c, "param_shapes(net)"),
             hints=_shape_hints),
    Scenario(id="count_params", title="count_params(net): trainable elements, each distinct parameter once",
             points=2, cases=_nets, steps=_count(None), defaults=_DEFAULTS, what="count_params(net)",
             show=lambda c: _shown(c, "count_params(net)"), hints=_count_hints(True)),
    Scenario(id="count_all", title="count_params(net, trainable_only=False): every element, grad_req 'null' included",
             points=1, cases=_nets, steps=_count(False), defaults=_DEFAULTS,
             what="count_params(net, trainable_only=False)",
             show=lambda c: _shown(c, "count_params(net, trainable_only=False)"), hints=_count_hints(False)),
))

_WALK = "for name, param in net._collect_params_with_prefix().items():"
_SHAPE = "return tuple(max(int(d), 0) for d in (param.shape or ()))"
_SHAPES = "return {name: _shape(param) for name, param in _distinct_params(net)}"
_COUNTED = "for _, param in _distinct_params(net)\n               if param.grad_req != 'null' or not trainable_only)"

MUTANTS = (
    Mutant("global_names", "`param_shapes` keys by `collect_params()`'s global names (`dense0_weight`).",
           edits=[(_WALK, "for name, param in net.collect_params().items():")],
           fails={"param_shapes": ["Compared param_shapes(net) with the reference's", "keys differ: missing [",
                                   "unexpected ['dense", "`net._collect_params_with_prefix()`, not the global names "
                                   "of `collect_params()` (`dense0_weight`)"]},
           passes=["count_params", "count_all"]),
    Mutant("shapes_as_lists", "`param_shapes` gives lists, not tuples.",
           edits=[(_SHAPE, "return [max(int(d), 0) for d in (param.shape or ())]")],
           fails={"param_shapes": ["expected a tuple, got list", "Give each shape as a tuple of ints"]},
           passes=["count_params", "count_all"], absent={"param_shapes": ["global names"]}),
    Mutant("shapes_shared_twice", "`param_shapes` lists a shared parameter under both of its names.",
           edits=[(_SHAPES, "return {name: _shape(param)\n"
                            "            for name, param in net._collect_params_with_prefix().items()}")],
           fails={"param_shapes": ["keys differ: missing none, unexpected ['", "params=square.params",
                                   "A shared parameter is listed once, under its first name"]},
           passes=["count_params", "count_all"], absent={"param_shapes": ["global names"]}),
    Mutant("shapes_skip_frozen", "`param_shapes` leaves out the parameters with `grad_req='null'`.",
           edits=[(_SHAPES, "return {name: _shape(param) for name, param in _distinct_params(net)\n"
                            "            if param.grad_req != 'null'}")],
           fails={"param_shapes": ["keys differ: missing ['0.bias', '0.weight'], unexpected none",
                                   "net[0].collect_params().setattr('grad_req', 'null')",
                                   "lists the parameters with `grad_req='null'` too"]},
           passes=["count_params", "count_all"], absent={"param_shapes": ["global names"]}),
    Mutant("count_shared_twice", "`count_params` counts a shared parameter once per name.",
           edits=[(_COUNTED, "for param in net._collect_params_with_prefix().values()\n"
                             "               if param.grad_req != 'null' or not trainable_only)")],
           fails={"count_params": ["Compared count_params(net) with the reference's", "params=square.params",
                                   "Your count takes the shared parameters twice"],
                  "count_all": ["Compared count_params(net, trainable_only=False)",
                                "Your count takes the shared parameters twice"]},
           passes=["param_shapes"], absent={"count_params": ["grad_req"]}),
    Mutant("count_ignores_flag", "`count_params` ignores `trainable_only`.",
           edits=[(" if param.grad_req != 'null' or not trainable_only)", ")")],
           fails={"count_params": ["setattr('grad_req', 'null')", "Your count includes the parameters with "
                                   "`grad_req='null'`"]},
           passes=["param_shapes", "count_all"], absent={"count_params": ["inverted", "shared parameters twice"]}),
    Mutant("count_flag_inverted", "`count_params` counts only the frozen parameters when `trainable_only`.",
           edits=[("param.grad_req != 'null' or not trainable_only", "param.grad_req == 'null' or not trainable_only")],
           fails={"count_params": ["Your count takes only the parameters with `grad_req='null'`", "inverted"]},
           passes=["param_shapes", "count_all"]),
    Mutant("count_reads_data", "`count_params` reads `param.data().size`, which raises before the first forward.",
           edits=[("math.prod(_shape(param))", "param.data().size")],
           fails={"count_params": ["Calling `count_params(net)` raised RuntimeError", "has not been initialized",
                                   "count from the shapes (`math.prod(p.shape)`"],
                  "count_all": ["count from the shapes (`math.prod(p.shape)`"]},
           passes=["param_shapes"], absent={"count_params": ["plain Python list"]},
           line_of={"count_params": "param.data().size"}),
)
