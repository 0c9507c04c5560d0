"""model_construction/stack (Gluon): ``stack(make_block, n)``, an nn.Sequential of n independent blocks.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'independent']
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Mistake, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.compare import compare
from grader.tracks.gluon.specs import Spec, ex, factory, nn

_sizes = cases(w=width(), n=width(1, 4), batch=batch())
_DEFAULTS = ({"w": 8, "n": 3, "batch": 2},)


def _net(c: dict[str, Any]) -> Spec:
    return ex.stack(factory(nn.Dense(c["w"], activation="relu"), counter="make_block"), c["n"])


def _calls(side: Any) -> int:
    """How many times this side's worker has called the ``make_block`` factory so far (all checks together)."""
    return int(side.request("counters").get("counters", {}).get("make_block", 0))


#: what is compared; the factory's calls are counted on the student's side only, for the hints (a
#: recorded reference answers every ``counters`` request alike, so it cannot count a difference)
_OBSERVED = ("type", "blocks", "distinct parameters")


def _independent(side: Any, case: dict[str, Any], seed: int) -> dict[str, Any]:
    """What one ``stack(make_block, n)`` returned: its type, its number of blocks and of distinct parameters;
    on the student's side also the factory's calls during it."""
    student = getattr(side, "student", False)
    before = _calls(side) if student else 0
    net = side.request("build", spec=_net(case).node, seed=seed)
    state = side.request("state", handle=net["handle"]) if net["is_block"] else None
    seen = {"type": net["type"], "blocks": len(state["children"]) if state else None,
            "distinct parameters": len(state["names"]) if state else None}
    if student:
        seen["make_block() calls"] = _calls(side) - before
    return seen


def _independent_judge(mine: dict[str, Any], theirs: dict[str, Any], case: dict[str, Any]) -> str | None:
    return compare({k: mine[k] for k in _OBSERVED}, {k: theirs[k] for k in _OBSERVED})


def _independent_hints(mine: dict[str, Any], theirs: dict[str, Any], case: dict[str, Any]) -> list[str]:
    n, calls = case["n"], mine.get("make_block() calls", case["n"])
    if mine["type"] != theirs["type"]:
        return [f"`stack` returns an nn.Sequential holding the blocks; yours returned a {mine['type']}."]
    if calls == 1 and n > 1:
        return ["Call `make_block()` once per block: adding the same block n times shares one set of parameters."]
    if calls != n:
        return [f"`make_block()` ran {calls} time(s) for n = {n}: call it once per block, n times."]
    if (mine["distinct parameters"] or 0) < theirs["distinct parameters"]:
        return ["`make_block()` ran n times, but the nn.Sequential you return holds fewer parameters: some of the "
                "blocks made never reached it (one nn.Sequential, made before the loop, gets every block)."]
    return []


def _names_hints(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    if not set(mine["names"]) < set(theirs["names"]):
        return []
    return ["Fewer parameters than the reference's: either a block is in your nn.Sequential more than once (one set "
            "of parameters, listed once) or fewer than n blocks were added (the independent check says how yours "
            "were made)."]


#: applies ``net[0]`` ``len(net)`` times, and the first ``len(net) - 1`` blocks (recursive lambdas)
_FIRST_N_TIMES = "lambda net, X: (lambda h: h(h, X, len(net)))(lambda h, Y, k: h(h, net[0](Y), k - 1) if k else Y)"
_ALL_BUT_LAST = ("lambda net, X: (lambda h: h(h, X, 0))(lambda h, Y, i: h(h, net[i](Y), i + 1) if i < len(net) - 1 "
                 "else Y)")

EXERCISE = Exercise("model_construction/stack", "stack(make_block, n): n independent blocks", (
    Names(points=1, build=_net, inputs=matrix("w"), cases=_sizes, defaults=_DEFAULTS, hints=_names_hints),
    Forward(points=2, build=_net, inputs=matrix("w"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output is the first block applied n times: one block added n times shares its parameters.",
                _FIRST_N_TIMES),
        Mistake("Your output is that of the first n - 1 blocks: your nn.Sequential runs one block fewer than n.",
                _ALL_BUT_LAST),
    )),
    Scenario(id="independent", title="n calls of make_block(): n blocks with parameters of their own", points=2,
             cases=_sizes, steps=_independent, judge=_independent_judge,
             what="what stack returned (its type, blocks and distinct parameters)",
             show=lambda c: f"net = stack(lambda: nn.Dense({c['w']}, activation='relu'), {c['n']})",
             hints=_independent_hints),
))


# -- known-bad submissions ------------------------------------------------------------------------

_LOOP = "    net = nn.Sequential()\n    for _ in range(n):\n        net.add(make_block())\n"

_FEWER = "Fewer parameters than the reference's: either a block is in your nn.Sequential more than once"
_SHARED = "Your output is the first block applied n times"
_ONE_FEWER = "Your output is that of the first n - 1 blocks"
_FUNCTION = "`net.add(make_block)` instead of `net.add(make_block())`"

MUTANTS = (
    Mutant("one_instance", "One block made and added n times: one set of parameters.",
           edits=[(_LOOP, "    net = nn.Sequential()\n    block = make_block()\n    for _ in range(n):\n"
                          "        net.add(block)\n")],
           fails={"independent": ["In ['distinct parameters']: expected int 4, got int 2",
                                  "Call `make_block()` once per block: adding the same block n times shares"],
                  "names": ["Missing keys: 1.weight, 1.bias", _FEWER],
                  "forward": [_SHARED, "call 2 of a child block is `0` (Dense) in yours, `1` (Dense) in the reference",
                              "Not copied, having no counterpart in yours: 1.weight, 1.bias"]}),
    Mutant("off_by_one", "n - 1 blocks.",
           edits=[("range(n)", "range(n - 1)")],
           fails={"independent": ["In ['blocks']: expected int 1, got int 0",
                                  "`make_block()` ran 0 time(s) for n = 1"],
                  "names": ["Your keys:     (none)", _FEWER],
                  "forward": [_ONE_FEWER, "your forward calls 0 child block(s), the reference 1"]},
           absent={"independent": ["shares one set of parameters"], "forward": [_SHARED]}),
    Mutant("returns_list", "Returns a list of the blocks, not an nn.Sequential.",
           edits=[("    return net\n", "    return list(net)\n")],
           fails={"names": ["returned a list, expected a Gluon Block (nn.Block)"],
                  "forward": ["returned a list, expected a Gluon Block (nn.Block)"],
                  "independent": ["yours returned a list"]}),
    Mutant("sequential_in_loop", "A new nn.Sequential made at every step: only the last block is returned.",
           edits=[(_LOOP, "    for _ in range(n):\n        net = nn.Sequential()\n        net.add(make_block())\n")],
           fails={"names": ["Missing keys: 1.weight, 1.bias", _FEWER],
                  "forward": ["your forward calls 1 child block(s), the reference 2"],
                  "independent": ["In ['blocks']: expected int 2, got int 1",
                                  "some of the blocks made never reached it"]},
           absent={"independent": ["shares one set of parameters"], "forward": [_SHARED]}),
    Mutant("factory_not_called", "`net.add(make_block)`: the factory itself added, never called.",
           edits=[("net.add(make_block())", "net.add(make_block)")],
           fails={c: ["'function' object has no attribute", _FUNCTION] for c in ("names", "forward", "independent")}),
)
