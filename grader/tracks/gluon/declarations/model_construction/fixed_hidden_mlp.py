"""model_construction/fixed_hidden_mlp (Gluon): a constant weight, a block applied twice, control flow.

``rand_weight`` comes from ``self.params.get_constant`` (never trained: ``grad_req`` 'null'); the
in-place division in the ``while`` loop cannot be recorded by autograd, so there is no gradient
check.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'constant']
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Mistake, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.specs import Spec, ex

_sizes = cases(f=width(), batch=batch())  # the input width is `features` (dense runs twice)
_DEFAULTS = ({"f": 20, "batch": 2},)


def _net(c: dict[str, Any]) -> Spec:
    return ex.FixedHiddenMLP(c["f"])


def _constant(side: Any, case: dict[str, Any], seed: int) -> Any:
    """How the parameters are kept: rand_weight's grad_req (None: no such parameter), whether every other
    one is trained (the names check judges which there are), and whether the constant lies in [0, 1)."""
    import numpy

    net = side.request("build", spec=_net(case).node, seed=seed)["handle"]
    side.request("initialize", handle=net, seed=seed)
    side.request("forward", handle=net, inputs=[normal(numpy.random.default_rng(seed), 2, case["f"])], seed=seed)
    state = side.request("state", handle=net, values=True)
    values = state.get("values", {}).get("rand_weight")
    within = values is not None and bool(((values >= 0) & (values < 1)).all())
    others = [req for name, req in state["grad_req"].items() if name != "rand_weight"]
    return {"rand_weight's grad_req": state["grad_req"].get("rand_weight"),
            "every other parameter trained": all(req == "write" for req in others), "rand_weight in [0, 1)": within}


def _constant_hints(mine: dict[str, Any], theirs: dict[str, Any], case: dict[str, Any]) -> list[str]:
    req = mine.get("rand_weight's grad_req")
    if req is None:
        return ["Your block has no parameter `rand_weight`: an array kept in a plain attribute is not a parameter "
                "(not listed, not saved). Make it in `__init__` with `self.params.get_constant('rand_weight', "
                "value)`, its value drawn from U[0, 1) with shape (features, features)."]
    if req == "write":
        return ["`self.params.get('rand_weight', ...)` makes a trainable parameter (grad_req 'write'): a fixed weight "
                "comes from `self.params.get_constant('rand_weight', value)` (grad_req 'null'), which is never "
                "updated."]
    if not mine.get("rand_weight in [0, 1)"):
        return ["`rand_weight` is a constant, but its values are not all in [0, 1): draw them with "
                "`nd.random.uniform` (U[0, 1), the default range), not from another distribution."]
    return []


def _names_hints(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    extra = [n for n in mine["names"] if n not in theirs["names"] and n.endswith(".weight")]
    if not extra or len(mine["names"]) <= len(theirs["names"]):
        return []
    return [f"Yours has more layers than the reference ({', '.join(extra)}): FixedHiddenMLP applies the same "
            "`self.dense` twice, one set of parameters shared by both uses."]


def _forward(mid: str, *, halve: bool = True, total: bool = True, again: bool = True) -> str:
    """The source of a lambda computing FixedHiddenMLP's forward on the reference's block, with ``mid`` (an
    expression of ``H = dense(X)`` and ``W = rand_weight``) in place of ``relu(dot(H, W) + 1)``; without
    the halving loop, the final sum, or the second ``dense`` when told."""
    y = f"net.dense({mid})" if again else mid
    if halve:  # while |Y|.sum() > 1: Y /= 2, as a recursive lambda
        y = f"(lambda h, Y: h(h, Y))(lambda h, Y: h(h, Y / 2) if float(Y.abs().sum().asscalar()) > 1 else Y, {y})"
    if total:
        y = f"({y}).sum()"
    return f"lambda net, X: (lambda H, W: {y})(net.dense(X), net.rand_weight.data(X.context))"


_RIGHT = "nd.relu(nd.dot(H, W) + 1)"

EXERCISE = Exercise("model_construction/fixed_hidden_mlp", "A constant parameter, a block used twice, control flow", (
    Names(points=2, build=_net, inputs=matrix("f"), cases=_sizes, defaults=_DEFAULTS, in_order=False,
          hints=_names_hints),
    Forward(points=3, build=_net, inputs=matrix("f"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output is what the forward gives without the `+ 1` in `relu(dot(X, rand_weight) + 1)`.",
                _forward("nd.relu(nd.dot(H, W))")),
        Mistake("Your output is what the forward gives without the ReLU in `relu(dot(X, rand_weight) + 1)`.",
                _forward("nd.dot(H, W) + 1")),
        Mistake("Your output is what the forward gives with `dense` applied once: the same `dense` runs again after "
                "the fixed projection.", _forward(_RIGHT, again=False)),
        Mistake("Your output is the sum of X not halved: the loop halves X (`X /= 2`) for as long as the sum of "
                "its absolute values exceeds 1.",
                _forward(_RIGHT, halve=False)),
        Mistake("Your output is X after the halving, not its sum: FixedHiddenMLP returns `X.sum()`.",
                _forward(_RIGHT, total=False)),
    )),
    Scenario(id="constant", title="rand_weight is a constant (get_constant): never trained, drawn from U[0, 1)",
             points=1, cases=cases(f=width()), steps=_constant,
             what="rand_weight's grad_req, whether the other parameters are trained, and whether the constant's "
                  "values lie in [0, 1)",
             show=lambda c: f"net = FixedHiddenMLP({c['f']})\nnet.initialize()\nnet(X)  # X of shape (2, {c['f']})\n"
                            "{n: p.grad_req for n, p in net._collect_params_with_prefix().items()}",
             hints=_constant_hints),
))


# -- known-bad submissions ------------------------------------------------------------------------

_GET_CONSTANT = """self.rand_weight = self.params.get_constant(
            'rand_weight', nd.random.uniform(shape=(features, features)))"""
_DENSE = "self.dense = nn.Dense(features, activation='relu')"
_MID = "X = nd.relu(nd.dot(X, self.rand_weight.data(X.context)) + 1)"

_NO_FORWARD_HINTS = ["without the `+ 1`", "without the ReLU", "with `dense` applied once", "not halved",
                     "not its sum"]


def _only(hint: str) -> dict[str, list[str]]:
    """The forward hints other than ``hint``: none may show."""
    return {"forward": [h for h in _NO_FORWARD_HINTS if h != hint]}


MUTANTS = (
    Mutant("trainable_rand_weight", "`self.params.get` where `get_constant` is meant: rand_weight is trained.",
           edits=[(_GET_CONSTANT, "self.rand_weight = self.params.get('rand_weight', shape=(features, features))")],
           fails={"constant": ["In [\"rand_weight's grad_req\"]: expected str 'null', got str 'write'",
                               "`self.params.get('rand_weight', ...)` makes a trainable parameter",
                               "self.params.get_constant('rand_weight'"]},
           passes=["names", "forward"]),
    Mutant("plain_array", "rand_weight is a plain array attribute, not a parameter.",
           edits=[(_GET_CONSTANT, "self.rand_weight = nd.random.uniform(shape=(features, features))"),
                  ("self.rand_weight.data(X.context)", "self.rand_weight")],
           fails={"names": ["Missing keys: rand_weight", "`rand_weight`: a parameter of the block itself",
                            "An array kept in a plain attribute is not a parameter"],
                  "forward": ["Not copied, having no counterpart in yours: rand_weight"],
                  "constant": ["Your block has no parameter `rand_weight`"]}),
    Mutant("normal_constant", "The constant drawn from N(0, 1) instead of U[0, 1).",
           edits=[("nd.random.uniform(shape=(features, features))", "nd.random.normal(shape=(features, features))")],
           fails={"constant": ["expected bool True, got bool False", "its values are not all in [0, 1)"]},
           passes=["names", "forward"], absent={"constant": ["makes a trainable parameter"]}),
    Mutant("second_dense", "A second Dense layer for the second use, instead of the same one again.",
           edits=[(_DENSE, _DENSE + "\n        self.dense2 = nn.Dense(features, activation='relu')"),
                  ("shared between both uses.\n        X = self.dense(X)",
                   "shared between both uses.\n        X = self.dense2(X)")],
           fails={"names": ["Unexpected keys: dense2.weight, dense2.bias", "applies the same `self.dense` twice"],
                  "forward": ["call 2 of a child block is `dense2` (Dense) in yours, `dense` (Dense) in the reference",
                              "Yours has parameters the reference's values did not reach: dense2.weight, dense2.bias"]},
           passes=["constant"]),
    Mutant("fixed_in_units", "`in_units=features` where the input width is to be inferred.",
           edits=[(_DENSE, "self.dense = nn.Dense(features, activation='relu', in_units=features)")],
           fails={"names": ["Shape of dense.weight: expected (1, 0), got (1, 1)", "do not give `in_units`"]},
           passes=["forward", "constant"]),
    Mutant("no_plus_one", "`relu(dot(X, rand_weight))`: the `+ 1` is missing.",
           edits=[(_MID, "X = nd.relu(nd.dot(X, self.rand_weight.data(X.context)))")],
           fails={"forward": ["without the `+ 1` in `relu(dot(X, rand_weight) + 1)`",
                              "the output of `dense` (Dense, call 2) already differs"]},
           passes=["names", "constant"], absent=_only("without the `+ 1`")),
    Mutant("dense_once", "The second `self.dense(X)` left out.",
           edits=[("shared between both uses.\n        X = self.dense(X)\n", "shared between both uses.\n")],
           fails={"forward": ["with `dense` applied once", "your forward calls 1 child block(s), the reference 2"]},
           passes=["names", "constant"], absent=_only("with `dense` applied once")),
    Mutant("no_sum", "Returns X after the halving instead of X.sum().",
           edits=[("return X.sum()", "return X")],
           fails={"forward": ["Shape mismatch: expected (1,), got (1, 1)",
                              "not its sum: FixedHiddenMLP returns `X.sum()`"]},
           passes=["names", "constant"], absent=_only("not its sum")),
    Mutant("threshold_2", "Halves while the sum of |X| exceeds 2, not 1.",
           edits=[("while X.abs().sum() > 1:", "while X.abs().sum() > 2:")],
           # X halved too little: where it was not halved at all, the `not halved` hint shows (some seeds)
           fails={"forward": ["every child block's output matches; the difference comes from what your forward does"]},
           passes=["names", "constant"], absent=_only("not halved")),
)
