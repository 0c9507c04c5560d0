"""parameters/init (Gluon): initializing in place with ``force_reinit=True``.

``init_normal(net)``: weights ~ N(0, 0.01²), biases 0; ``init_constant(net, value)``: weights =
value, biases 0; ``init_xavier_first(net)``: Xavier-uniform on ``net[0].weight`` only, the rest
untouched; ``MyInit``: U(-10, 10) with every entry of magnitude below 5 set to 0. Each runs on
networks never run (deferred shapes, settled by the forward after the call) and on networks
already initialized and run (so ``force_reinit=True`` is needed).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['init_normal', 'init_constant', 'init_xavier_first', 'my_init']
"""
from __future__ import annotations

import math
import random
from typing import Any

from grader.catalog import Exercise
from grader.checks.distribution import Constant, MaskedUniform, Normal, Unchanged, Uniform, Zero
from grader.tracks.gluon.checks import Initialization, Trial
from grader.tracks.gluon.checks.init import dense_net
from grader.tracks.gluon.specs import ex

_FORCE = ("A network that was already initialized keeps its values unless you pass `force_reinit=True`: "
          "`net.initialize(init.Normal(0.01), force_reinit=True)`.")


def _trials(call: Any, *, fresh: bool = True) -> Any:
    def make(rng: random.Random) -> list[Trial]:
        out = []
        for ran in ([False, True] if fresh else [True, True]):
            for _ in range(2):
                out.append(Trial(net=dense_net(rng), inputs=(rng.randint(2, 6), rng.randint(16, 48)), call=call,
                                 ran=ran))
        return out
    return make


def _weight_or_zero(weight: Any) -> Any:
    def law(name: str, shape: tuple[int, ...], trial: Trial) -> Any:
        return weight(name, shape) if name.endswith("weight") else Zero(hint="Biases are set to 0 here.")
    return law


def _xavier(shape: tuple[int, ...]) -> Uniform:
    fan_out, fan_in = shape
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return Uniform(-bound, bound, hint="`net[0].weight.initialize(init=init.Xavier(), force_reinit=True)`: "
                                       "Xavier-uniform, bound sqrt(6 / (fan_in + fan_out)).")


_VALUE = 0.4375  # exactly representable, not 1: a default would not pass by chance

EXERCISE = Exercise("parameters/init", "Initializing parameters: built-in and custom initializers", (
    Initialization(id="init_normal", title="init_normal: weights ~ N(0, 0.01²), biases 0", points=3,
                   trials=_trials(lambda net, X: ex.init_normal(net)),
                   law=_weight_or_zero(lambda name, shape: Normal(0.01, hint=_FORCE))),
    Initialization(id="init_constant", title="init_constant(net, value): weights = value, biases 0", points=2,
                   trials=_trials(lambda net, X: ex.init_constant(net, value=_VALUE)),
                   law=_weight_or_zero(lambda name, shape: Constant(_VALUE, hint=_FORCE))),
    Initialization(id="init_xavier_first", title="init_xavier_first: Xavier-uniform on net[0].weight, the rest "
                                                 "untouched", points=2,
                   trials=_trials(lambda net, X: ex.init_xavier_first(net), fresh=False),
                   law=lambda name, shape, trial: _xavier(shape) if name == "0.weight" else
                   Unchanged(hint="Only `net[0].weight` is initialized again; the other parameters keep their "
                                  "values.")),
    Initialization(id="my_init", title="MyInit: U(-10, 10), entries with |w| < 5 set to 0", points=2,
                   trials=_trials(lambda net, X: net.attr("initialize")(ex.MyInit(), force_reinit=True)),
                   law=_weight_or_zero(lambda name, shape: MaskedUniform(10.0, 5.0, 10.0, hint=(
                       "In `_init_weight(self, name, data)`, fill `data` in place: `data[:] = nd.random.uniform("
                       "low=-10, high=10, shape=data.shape)`, then `data *= data.abs() >= 5`.")))),
))
