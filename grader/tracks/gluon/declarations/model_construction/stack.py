"""model_construction/stack (Gluon): ``stack(make_block, n)``, an nn.Sequential of n independent blocks.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'independent']
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import Spec, ex, factory, nn

_sizes = cases(w=width(), n=width(1, 4), batch=batch())
_DEFAULTS = ({"w": 8, "n": 3, "batch": 2},)


def _net(c: dict[str, Any]) -> Spec:
    return ex.stack(factory(nn.Dense(c["w"], activation="relu"), counter="make_block"), c["n"])


def _made(side: Any) -> int:
    return int(side.request("counters").get("counters", {}).get("make_block", 0))


def _independent(side: Any, case: dict[str, Any], seed: int) -> Any:
    student = getattr(side, "student", False)
    before = _made(side) if student else 0
    net = side.request("build", spec=_net(case).node, seed=seed)
    state = side.request("state", handle=net["handle"])
    # the reference makes n blocks by contract; asking its session would not replay (a count is a state)
    calls = _made(side) - before if student else case["n"]
    return {"make_block() calls": calls, "distinct parameters": len(state["names"]), "type": net["type"]}


EXERCISE = Exercise("model_construction/stack", "stack(make_block, n): n independent blocks", (
    Names(points=1, build=_net, inputs=matrix("w"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=2, build=_net, inputs=matrix("w"), cases=_sizes, defaults=_DEFAULTS),
    Scenario(id="independent", title="n calls of make_block(): n blocks with parameters of their own", points=2,
             cases=_sizes, steps=_independent, what="how the blocks were made",
             show=lambda c: f"net = stack(lambda: nn.Dense({c['w']}, activation='relu'), {c['n']})",
             hints=lambda mine, theirs, c: ["Call `make_block()` once per block: adding the same block n times "
                                            "shares one set of parameters."]
             if mine.get("make_block() calls") != theirs.get("make_block() calls") else []),
))
