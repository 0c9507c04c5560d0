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

from dataclasses import dataclass

import numpy

from grader.catalog import Exercise
from grader.checks.distribution import Constant, Law, MaskedUniform, Normal, Unchanged, Uniform, Zero
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Initialization, Trial
from grader.tracks.gluon.checks.init import InitMistake, dense_net
from grader.tracks.gluon.specs import ex


def _trials(call: Any, *, fresh: bool = True) -> Any:
    """Four networks of three Dense layers: two never run and two initialized and run (``fresh``), or four
    initialized and run."""
    def make(rng: random.Random) -> list[Trial]:
        out = []
        for ran in ([False, True] if fresh else [True, True]):
            for _ in range(2):
                out.append(Trial(net=dense_net(rng), inputs=(rng.randint(2, 6), rng.randint(16, 48)), call=call,
                                 ran=ran))
        return out
    return make


_BIAS_ZERO = ("Biases are 0 here: a `Dense` bias has its own initializer ('zeros'), which `net.initialize(init, "
              "force_reinit=True)` leaves alone.")


def _weight_or_zero(weight: Any) -> Any:
    def law(name: str, shape: tuple[int, ...], trial: Trial) -> Any:
        return weight(name, shape) if name.endswith("weight") else Zero(hint=_BIAS_ZERO)
    return law


def _weights(weight: Any, bias: Any = None) -> Any:
    """A mistake's law: ``weight(shape)`` on the weights, ``bias`` (a law or None) on the biases."""
    return lambda name, shape, trial: weight(shape) if name.endswith("weight") else bias


def _kept(law: Any) -> Any:
    """A mistake's law: the networks initialized before keep their values, the others follow ``law``
    (``force_reinit=True`` left out)."""
    return lambda name, shape, trial: Unchanged() if trial.ran else law(name, shape, trial)


def _force(call: str) -> str:
    return (f"The networks initialized before your call kept their values: without `force_reinit=True` MXNet only "
            f"warns and initializes nothing. Write `{call}`.")


def _xavier_bound(shape: tuple[int, ...]) -> float:
    fan_out, fan_in = shape
    return math.sqrt(6.0 / (fan_in + fan_out))


def _xavier(shape: tuple[int, ...]) -> Uniform:
    bound = _xavier_bound(shape)
    return Uniform(-bound, bound, name="Xavier-uniform", hint="`net[0].weight.initialize(init=init.Xavier(), "
                   "force_reinit=True)`: Xavier-uniform, bound sqrt(6 / (fan_in + fan_out)).")


@dataclass(frozen=True)
class _Support(Law):
    """A known mistake's matcher (never a verdict): every entry is 0 or in ``[lo, hi]``, and the fraction of
    zeros of each tensor is within 0.1 of ``zeros``."""

    lo: float
    hi: float
    zeros: float

    def label(self) -> str:
        return f"0 or in [{self.lo:g}, {self.hi:g}], a fraction {self.zeros:g} of zeros"

    def exact(self, x: numpy.ndarray, before: numpy.ndarray | None) -> str | None:
        inside = (x == 0) | ((x >= self.lo) & (x <= self.hi))
        if not inside.all() or abs(float((x == 0).mean()) - self.zeros) > 0.1:
            return "it does not"
        return None


_VALUE = 0.4375  # exactly representable, not 1: a default would not pass by chance
_DEFAULT_UNIFORM = Uniform(-0.07, 0.07)  # what `initialize()` draws without an initializer

_NORMAL_LAW = _weight_or_zero(lambda name, shape: Normal(0.01, hint=(
    "`net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)`: sigma is the standard deviation.")))
_CONSTANT_LAW = _weight_or_zero(lambda name, shape: Constant(_VALUE, hint=(
    "`net.initialize(init=init.Constant(value), force_reinit=True)`.")))


def _xavier_law(name: str, shape: tuple[int, ...], trial: Trial) -> Law:
    if name == "0.weight":
        return _xavier(shape)
    return Unchanged(hint="Only `net[0].weight` is initialized again; the other parameters keep their values.")


_MY_INIT_LAW = _weight_or_zero(lambda name, shape: MaskedUniform(10.0, 5.0, 10.0, hint=(
    "In `_init_weight(self, name, data)`, fill `data` in place: `data[:] = nd.random.uniform(low=-10, high=10, "
    "shape=data.shape)`, then `data *= data.abs() >= 5`.")))

_NORMAL_MISTAKES = (
    InitMistake(_force("net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)"), _kept(_NORMAL_LAW)),
    InitMistake("Your weights follow MXNet's default initializer, U(-0.07, 0.07): pass the initializer, "
                "`net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)`.",
                _weights(lambda s: _DEFAULT_UNIFORM, Zero())),
    InitMistake("Your weights have std 0.1, ten times too large: `init.Normal(sigma=0.01)` (sigma is the "
                "standard deviation).", _weights(lambda s: Normal(0.1))),
    InitMistake("Your weights have std 0.0001 = 0.01², the variance: `sigma` is the standard deviation, "
                "`init.Normal(sigma=0.01)`.", _weights(lambda s: Normal(1e-4))),
)
_CONSTANT_MISTAKES = (
    InitMistake(_force("net.initialize(init=init.Constant(value), force_reinit=True)"), _kept(_CONSTANT_LAW)),
    InitMistake("Your weights are 1.0, whatever `value` is: `init_constant` ignores its `value` argument "
                "(`init.Constant(value)`).", _weights(lambda s: Constant(1.0))),
    InitMistake("Your biases are `value` too: initializing each parameter (`param.initialize(init.Constant(value), "
                "...)`) overrides the biases' own 'zeros' initializer. `net.initialize(init=init.Constant(value), "
                "force_reinit=True)` sets the weights and leaves the biases 0.",
                lambda name, shape, trial: Constant(_VALUE)),
)
_XAVIER_MISTAKES = (
    InitMistake(_force("net[0].weight.initialize(init=init.Xavier(), force_reinit=True)"),
                lambda name, shape, trial: Unchanged()),
    InitMistake("`net[0].weight` looks like Xavier *normal* (`rnd_type='gaussian'`, std sqrt(6 / (fan_in + "
                "fan_out))): the exercise asks for Xavier-uniform, `init.Xavier()`.",
                lambda name, shape, trial: Normal(_xavier_bound(shape)) if name == "0.weight" else None),
    InitMistake("Every weight was initialized again, not only `net[0].weight`: initialize that one Parameter, "
                "`net[0].weight.initialize(init=init.Xavier(), force_reinit=True)`, not the network.",
                lambda name, shape, trial: _xavier(shape) if name.endswith("weight") else None),
)
_MY_INIT_MISTAKES = (
    InitMistake("Every weight is 0: `data = ...` binds the name `data` to a new array and leaves the "
                "parameter's array as it was. Fill it in place: `data[:] = nd.random.uniform(...)`.",
                _weights(lambda s: Zero())),
    InitMistake("Nothing was zeroed: after drawing U(-10, 10), set the entries with |w| < 5 to 0 "
                "(`data *= data.abs() >= 5`).", _weights(lambda s: Uniform(-10.0, 10.0))),
    InitMistake("Every nonzero weight is positive and 3/4 of them are 0: the mask keeps w >= 5 and drops "
                "w <= -5. Compare |w|: `data *= data.abs() >= 5`.", _weights(lambda s: _Support(5.0, 10.0, 0.75))),
    InitMistake("Every nonzero weight is positive: draw from U(-10, 10) (`low=-10, high=10`), not from U(0, 10).",
                _weights(lambda s: _Support(5.0, 10.0, 0.5))),
    InitMistake("The mask is inverted: the entries with |w| >= 5 were zeroed and the small ones kept. Keep |w| >= 5: "
                "`data *= data.abs() >= 5`.", _weights(lambda s: MaskedUniform(10.0, 0.0, 5.0))),
)

EXERCISE = Exercise("parameters/init", "Initializing parameters: built-in and custom initializers", (
    Initialization(id="init_normal", title="init_normal: weights ~ N(0, 0.01²), biases 0", points=3,
                   trials=_trials(lambda net, X: ex.init_normal(net)), law=_NORMAL_LAW, mistakes=_NORMAL_MISTAKES,
                   locate=ex.init_normal),
    Initialization(id="init_constant", title="init_constant(net, value): weights = value, biases 0", points=2,
                   trials=_trials(lambda net, X: ex.init_constant(net, value=_VALUE)), law=_CONSTANT_LAW,
                   mistakes=_CONSTANT_MISTAKES, locate=ex.init_constant),
    Initialization(id="init_xavier_first", title="init_xavier_first: Xavier-uniform on net[0].weight, the rest "
                                                 "untouched", points=2,
                   trials=_trials(lambda net, X: ex.init_xavier_first(net), fresh=False), law=_xavier_law,
                   mistakes=_XAVIER_MISTAKES, locate=ex.init_xavier_first),
    Initialization(id="my_init", title="MyInit: U(-10, 10), entries with |w| < 5 set to 0", points=2,
                   trials=_trials(lambda net, X: net.attr("initialize")(ex.MyInit(), force_reinit=True)),
                   law=_MY_INIT_LAW, mistakes=_MY_INIT_MISTAKES, locate=ex.MyInit),
))


_NORMAL = "net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)"
_CONSTANT = "net.initialize(init=init.Constant(value), force_reinit=True)"
_XAVIER = "net[0].weight.initialize(init=init.Xavier(), force_reinit=True)"
_DRAW = "data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)"
_MASK = "data *= data.abs() >= 5"



def _others(check: str) -> list[str]:
    return [c for c in ("init_normal", "init_constant", "init_xavier_first", "my_init") if c != check]


_TESTED = "then one forward each, and tested"
_POOLED = "(false-alarm rate of this check: 1e-06"

MUTANTS = (
    Mutant("normal_no_force", "`init_normal` leaves out `force_reinit=True`.",
           edits=[(_NORMAL, "net.initialize(init=init.Normal(sigma=0.01))")],
           fails={"init_normal": ["Ran `init_normal(net)` on 4 networks", "2 already initialized and run once",
                                  _TESTED, "KS test against N(0, 0.01²)", _POOLED,
                                  "The networks initialized before your call kept their values",
                                  "force_reinit=True"]},
           passes=_others("init_normal"), absent={"init_normal": ["default initializer", "std 0.1"]},
           line_of={"init_normal": "def init_normal"}),
    Mutant("normal_sigma_0.1", "`init_normal` draws with sigma 0.1.",
           edits=[(_NORMAL, "net.initialize(init=init.Normal(sigma=0.1), force_reinit=True)")],
           fails={"init_normal": ["KS test against N(0, 0.01²)", "expected mean 0, std 0.01",
                                  "Chi-square test of the variance", "Your weights have std 0.1, ten times too large"]},
           passes=_others("init_normal"), absent={"init_normal": ["kept their values"]}),
    Mutant("normal_variance_as_sigma", "`init_normal` passes the variance 0.0001 as sigma.",
           edits=[(_NORMAL, "net.initialize(init=init.Normal(sigma=0.0001), force_reinit=True)")],
           fails={"init_normal": ["Chi-square test of the variance", "std 0.0001 = 0.01², the variance"]},
           passes=_others("init_normal")),
    Mutant("normal_default_init", "`init_normal` passes no initializer (MXNet's default uniform).",
           edits=[(_NORMAL, "net.initialize(force_reinit=True)")],
           fails={"init_normal": ["KS test against N(0, 0.01²)", "MXNet's default initializer, U(-0.07, 0.07)"]},
           passes=_others("init_normal"), absent={"init_normal": ["kept their values"]}),
    Mutant("constant_ignores_value", "`init_constant` ignores its `value`.",
           edits=[(_CONSTANT, "net.initialize(init=init.Constant(1.0), force_reinit=True)")],
           fails={"init_constant": ["Ran `init_constant(net, value=0.4375)`", "expected the constant 0.4375",
                                    "entries differ from 0.4375 (e.g. 1, 1, 1)", "more parameter(s) failing an exact",
                                    "# network 1 of 4", "ignores its `value` argument"]},
           passes=_others("init_constant"), line_of={"init_constant": "def init_constant"}),
    Mutant("constant_every_param", "`init_constant` initializes every parameter with the constant, biases too.",
           edits=[(_CONSTANT, "for param in net.collect_params().values():\n"
                              "        param.initialize(init=init.Constant(value), force_reinit=True)")],
           fails={"init_constant": ["`0.bias` (", "expected zeros, but", "differ from 0 (e.g. 0.4375",
                                    "Your biases are `value` too"]},
           passes=_others("init_constant"), absent={"init_constant": ["ignores its `value`"]}),
    Mutant("xavier_whole_net", "`init_xavier_first` re-initializes the whole network.",
           edits=[(_XAVIER, "net.initialize(init=init.Xavier(), force_reinit=True)")],
           fails={"init_xavier_first": ["`1.weight` (", "expected unchanged, but", "entries changed (e.g. from",
                                        "net.initialize()\nnet(X)\ninit_xavier_first(net)",
                                        "Every weight was initialized again, not only `net[0].weight`"]},
           passes=_others("init_xavier_first"), line_of={"init_xavier_first": "def init_xavier_first"}),
    Mutant("xavier_gaussian", "`init_xavier_first` draws Xavier-normal.",
           edits=[(_XAVIER, "net[0].weight.initialize(init=init.Xavier(rnd_type='gaussian'), force_reinit=True)")],
           fails={"init_xavier_first": ["`0.weight` (", "(Xavier-uniform), but", "lie outside these bounds",
                                        "looks like Xavier *normal*"]},
           passes=_others("init_xavier_first"), absent={"init_xavier_first": ["kept their values"]}),
    Mutant("xavier_no_force", "`init_xavier_first` leaves out `force_reinit=True`.",
           edits=[(_XAVIER, "net[0].weight.initialize(init=init.Xavier())")],
           fails={"init_xavier_first": ["KS test against U(low, high) of each tensor (Xavier-uniform)",
                                        "4 already initialized and run once", "kept their values",
                                        "net[0].weight.initialize(init=init.Xavier(), force_reinit=True)"]},
           passes=_others("init_xavier_first"), absent={"init_xavier_first": ["Xavier *normal*"]}),
    Mutant("myinit_mask_on_w", "`MyInit` keeps w >= 5 instead of |w| >= 5.",
           edits=[(_MASK, "data *= data >= 5")],
           fails={"my_init": ["Ran `net.initialize(MyInit(), force_reinit=True)`",
                              "Binomial test of the number of zeros",
                              "Binomial test of the signs", "3/4 of them are 0", "Compare |w|"]},
           passes=_others("my_init"), absent={"my_init": ["not from U(0, 10)"]}, line_of={"my_init": "class MyInit"}),
    Mutant("myinit_no_mask", "`MyInit` forgets the mask.",
           edits=[("        " + _MASK + "\n", "")],
           fails={"my_init": ["are neither 0 nor of magnitude in [5, 10]", "Nothing was zeroed"]},
           passes=_others("my_init")),
    Mutant("myinit_inverted_mask", "`MyInit` zeroes the entries with |w| >= 5 instead of |w| < 5.",
           edits=[(_MASK, "data *= data.abs() < 5")],
           fails={"my_init": ["are neither 0 nor of magnitude in [5, 10]", "The mask is inverted"]},
           passes=_others("my_init"), absent={"my_init": ["Nothing was zeroed"]}),
    Mutant("myinit_rebinds", "`MyInit` rebinds `data` instead of filling it in place.",
           edits=[(_DRAW, "data = nd.random.uniform(low=-10, high=10, shape=data.shape)")],
           fails={"my_init": ["Binomial test of the number of zeros", "zeros (1) on", "Every weight is 0",
                              "`data = ...` binds the name `data` to a new array"]},
           passes=_others("my_init")),
    Mutant("myinit_range_0_10", "`MyInit` draws U(0, 10).",
           edits=[("low=-10, high=10", "low=0, high=10")],
           fails={"my_init": ["Binomial test of the signs", "not from U(0, 10)"]},
           passes=_others("my_init"), absent={"my_init": ["3/4 of them are 0"]}),
)
