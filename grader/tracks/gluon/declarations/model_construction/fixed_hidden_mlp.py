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
from grader.tracks.gluon.checks import Forward, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.specs import Spec, ex

_sizes = cases(f=width(), batch=batch())  # the input width is `features` (dense runs twice)
_DEFAULTS = ({"f": 20, "batch": 2},)


def _net(c: dict[str, Any]) -> Spec:
    return ex.FixedHiddenMLP(c["f"])


def _constant(side: Any, case: dict[str, Any], seed: int) -> Any:
    """How the parameters are kept: which are trained (grad_req), and whether the constant lies in [0, 1)."""
    import numpy

    net = side.request("build", spec=_net(case).node, seed=seed)["handle"]
    side.request("initialize", handle=net, seed=seed)
    side.request("forward", handle=net, inputs=[normal(numpy.random.default_rng(seed), 2, case["f"])], seed=seed)
    state = side.request("state", handle=net, values=True)
    values = state.get("values", {}).get("rand_weight")
    within = values is not None and bool(((values >= 0) & (values < 1)).all())
    return {"grad_req": dict(state["grad_req"]), "rand_weight in [0, 1)": within}


EXERCISE = Exercise("model_construction/fixed_hidden_mlp", "A constant parameter, a block used twice, control flow", (
    Names(points=2, build=_net, inputs=matrix("f"), cases=_sizes, defaults=_DEFAULTS, in_order=False),
    Forward(points=3, build=_net, inputs=matrix("f"), cases=_sizes, defaults=_DEFAULTS),
    Scenario(id="constant", title="rand_weight is a constant (get_constant): never trained, drawn from U[0, 1)",
             points=1, cases=cases(f=width()), steps=_constant,
             what="which parameters are trained (their grad_req) and the constant's values",
             show=lambda c: f"net = FixedHiddenMLP({c['f']})\nnet.initialize()\nnet(X)  # X of shape (2, {c['f']})\n"
                            "{n: p.grad_req for n, p in net._collect_params_with_prefix().items()}",
             hints=lambda mine, theirs, c: [
                 "`self.params.get('rand_weight', ...)` makes a trainable parameter (grad_req 'write'): a fixed "
                 "weight comes from `self.params.get_constant('rand_weight', nd.random.uniform(shape=(features, "
                 "features)))`, which is never updated."] if mine.get("grad_req", {}).get("rand_weight") == "write"
             else []),
))
