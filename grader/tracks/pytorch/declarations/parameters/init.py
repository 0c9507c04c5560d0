"""parameters/init: initialization functions for ``net.apply``.

Every function is run by ``net.apply`` in the worker on networks whose
Linear sizes are drawn from the run's seed, and the values before and after are
tested in the judge (:mod:`grader.tracks.pytorch.checks.init`, :mod:`grader.checks.distribution`).

Sample sizes and power (false-alarm rate 1e-6 per check, Bonferroni over its
statistical sub-tests). The distribution checks draw networks
``Linear(a, b), ReLU, Linear(b, c)`` with ``a, b, c`` uniform in [32, 96] until the
pooled Linear weights number at least n = 16384 (at most 8 networks; 2–3 usually):

- ``init_normal``: KS and a chi-square variance test, each at 5e-7. At n = 16384
  the KS critical value is D = 0.0215 and the variance test rejects when the
  sample std is off by more than about 2.8 %. std 0.1 instead of 0.01 gives
  D = 0.40 (0.49 for std 1e-4, and the variance statistic is off by a factor 100);
  by the DKW inequality the chance of missing it is below 2·exp(-2n(0.40 - 0.0215)²)
  ≈ 1e-2000. A 10 % error in the std (D = 0.023, variance ratio 1.21) is caught by
  the variance test with probability 1 - 2e-33 (a 5 % error: 1 - 7e-5). A non-zero
  bias is an exact failure.
- ``init_xavier``: the bound |w| ≤ a is exact; KS at 1e-6 (critical D = 0.021).
  Xavier *normal* has the same variance but puts 8.3 % of the weights beyond a:
  missing all of them has probability 0.917^16384 ≈ e^-1425 (KS: D = 0.057 too).
  A bound sqrt(6 / fan_in) is wider by r = sqrt(1 + fan_out / fan_in) ≥ 1.155 here,
  so each layer (≥ 1024 weights) has a fraction 1 - 1/r ≥ 0.134 beyond a: missed with
  probability ≤ 0.866^1024 ≈ e^-147 (same for fan_out only). A bound 10 % narrower
  gives D = 0.05: missed with probability ≤ 2·exp(-2n(0.05 - 0.021)²) ≈ 2e-12.
- ``my_init``: support (0 or 5 ≤ |w| ≤ 10) exact; zeros (binomial, 1/2), magnitudes
  (KS vs U(5, 10)) and signs (binomial, 1/2) at 3.3e-7 each. The inverted mask or a
  missing mask puts nonzero entries below 5: an exact failure unless every one of
  ~8000 kept entries happens to be 0 or ≥ 5, probability 0. Masking ``w < 5`` instead
  of ``|w| < 5`` zeroes 75 % and keeps only positives: z = 64 for the zeros test.
- ``init_constant``, ``in_place``, ``only_linear``, ``bias_free``: exact tests only
  (no false alarm at all); ``value`` is drawn from a set that excludes 1.0.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks][:4]
    ('parameters/init', ['init_normal', 'init_constant', 'init_xavier', 'my_init'])
    >>> MIN_WEIGHTS
    16384
"""
from __future__ import annotations

import random
from typing import Any

from grader.catalog import Exercise
from grader.checks.distribution import Constant, MaskedUniform, Normal, Unchanged, Uniform, Zero
from grader.tracks.pytorch.checks.init import XAVIER_MISTAKES, Initialization, InitMistake, Observed, Trial, on_linear, xavier_uniform
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex, nn

#: Pooled Linear weights per distribution check (see the module docstring for the power).
MIN_WEIGHTS = 16384
_LO, _HI = 32, 96
_FUNCTIONS = ("init_normal", "init_constant", "init_xavier", "my_init")
_UNIT = "Linear weights and biases"


def _linear_net(a: int, b: int, c: int, bias: bool = True) -> Spec:
    extra = {} if bias else {"bias": False}
    return nn.Sequential(nn.Linear(a, b, **extra), nn.ReLU(), nn.Linear(b, c, **extra))


def _big_nets(rng: random.Random, min_weights: int = MIN_WEIGHTS, max_nets: int = 8) -> list[Spec]:
    """``Linear(a, b), ReLU, Linear(b, c)`` with sizes in [32, 96] until ``min_weights`` weights
    (8 networks have at least 8 · 2 · 32² = 16384)."""
    nets: list[Spec] = []
    total = 0
    while total < min_weights and len(nets) < max_nets:
        a, b, c = (rng.randint(_LO, _HI) for _ in range(3))
        nets.append(_linear_net(a, b, c))
        total += a * b + b * c
    return nets


def _apply_trials(name: str) -> Any:
    return lambda rng: [Trial(net, fn=getattr(ex, name)) for net in _big_nets(rng)]


def _weights_and_bias(weight: Any, bias: Any) -> Any:
    def law(o: Observed, t: Trial) -> Any:
        if not o.is_linear:
            return None
        return weight(o, t) if o.leaf == "weight" else bias(o, t) if o.leaf == "bias" else None
    return law


_STD_VS_VARIANCE = ("std vs variance: `nn.init.normal_(w, mean=0.0, std=0.01)` takes the standard deviation. "
                    "N(0, 0.01²) has std 0.01 and variance 0.0001; your weights have std {got}.")
_ZERO_BIAS = "Set the bias to 0 as well: `nn.init.zeros_(m.bias)`."

_NORMAL_MISTAKES = (
    InitMistake(_STD_VS_VARIANCE.format(got="0.1 = sqrt(0.01)"), on_linear("weight", lambda o: Normal(0.1))),
    InitMistake(_STD_VS_VARIANCE.format(got="0.0001 = 0.01² (the variance)"),
                on_linear("weight", lambda o: Normal(1e-4))),
    InitMistake("`nn.init.normal_(w, 0.01)` sets the *mean* to 0.01 (the second positional argument is the mean): "
                "write `std=0.01`.", on_linear("weight", lambda o: Normal(1.0, mean=0.01))),
    InitMistake("Your weights look standard normal (std 1): the std must be 0.01.",
                on_linear("weight", lambda o: Normal(1.0))),
)


def _xavier(o: Observed) -> Uniform:
    return xavier_uniform(o, hint="Use `nn.init.xavier_uniform_(m.weight)`, or draw U(-a, a) with a = sqrt(6 / "
                                  "(fan_in + fan_out)), fan_in = in_features, fan_out = out_features.")


_XAVIER_MISTAKES = XAVIER_MISTAKES + (
    InitMistake("The weights are unchanged: `init_xavier` did nothing to the nn.Linear layers.",
                on_linear("weight", lambda o: Unchanged())),
)

_MY_INIT_LAW = MaskedUniform(10.0, 5.0, 10.0, hint="Draw with `nn.init.uniform_(m.weight, -10, 10)`, then zero "
                             "the small entries in place: `m.weight.data *= m.weight.data.abs() >= 5` (compare |w|, "
                             "not w).")
_MY_INIT_MISTAKES = (
    InitMistake("The mask is inverted: you zeroed the entries with |w| ≥ 5 and kept the small ones. Keep |w| ≥ 5: "
                "`m.weight.data *= m.weight.data.abs() >= 5`.",
                on_linear("weight", lambda o: MaskedUniform(10.0, 0.0, 5.0))),
    InitMistake("Nothing was zeroed: after drawing U(-10, 10), set the entries with |w| < 5 to 0.",
                on_linear("weight", lambda o: Uniform(-10.0, 10.0))),
)
_BIAS_UNTOUCHED = "The bias must stay as it was: this initialization changes only the weight."


def _constant_trials(rng: random.Random) -> list[Trial]:
    """The default value (1.0) once, then two drawn values (never 1.0), on small networks."""
    values = rng.sample([-2.5, -1.0, -0.5, 0.25, 0.5, 2.0, 3.0, 7.5], 2)
    sizes = [tuple(rng.randint(2, 12) for _ in range(3)) for _ in range(3)]
    return [Trial(_linear_net(*sizes[0]), fn=ex.init_constant)] + [
        Trial(_linear_net(*s), fn=ex.init_constant, kwargs=(("value", v),)) for s, v in zip(sizes[1:], values)]


def _constant_value(t: Trial) -> float:
    return float(dict(t.kwargs).get("value", 1.0))


_CONSTANT_MISTAKES = (
    InitMistake("`init_constant` ignores its `value` argument: the weights are 1.0 whatever `value` is. "
                "Use it: `nn.init.constant_(m.weight, value)`.",
                lambda o, t: Constant(1.0) if o.is_linear and o.leaf == "weight" else None),
    InitMistake("The bias must be 0, not `value`: `nn.init.zeros_(m.bias)`.",
                lambda o, t: Constant(_constant_value(t)) if o.is_linear and o.leaf == "bias" else None),
)


def _other_modules_net(rng: random.Random) -> Spec:
    a, b = rng.randint(3, 10), rng.randint(3, 10)
    return nn.Sequential(nn.Linear(a, b), nn.ReLU(), nn.Conv1d(2, 3, 3), nn.Embedding(5, b), nn.LayerNorm(b),
                         nn.BatchNorm1d(b), nn.Linear(b, a))


def _each_function(make: Any) -> Any:
    """One trial per init function, on the network ``make(rng)`` builds."""
    return lambda rng: [Trial(make(rng), fn=getattr(ex, name)) for name in _FUNCTIONS]


_ONLY_LINEAR_HINT = ("`net.apply(fn)` calls fn on every submodule: test `isinstance(m, nn.Linear)` first and leave "
                     "every other module alone (Conv1d, Embedding, LayerNorm and BatchNorm have weights too).")


def _only_linear_error_hints(err: Any) -> list[str]:
    touched = any(kind in err.message for kind in ("Conv1d", "Embedding", "LayerNorm", "BatchNorm1d"))
    return [_ONLY_LINEAR_HINT] if touched else []


def _bias_free_error_hints(err: Any) -> list[str]:
    if "NoneType" in err.message or "None" in err.message:
        return ["A Linear built with `bias=False` has `m.bias is None`: guard with `if m.bias is not None:`."]
    return []


EXERCISE = Exercise("parameters/init", "Initialization functions for net.apply", (
    Initialization(id="init_normal", title="init_normal: Linear weights ~ N(0, 0.01²) (goodness of fit), biases 0",
                   points=3, trials=_apply_trials("init_normal"), unit=_UNIT, pooled_unit="weights",
                   law=_weights_and_bias(lambda o, t: Normal(0.01), lambda o, t: Zero(hint=_ZERO_BIAS)),
                   mistakes=_NORMAL_MISTAKES),
    Initialization(id="init_constant", title="init_constant: Linear weights = value (default 1.0), biases 0",
                   points=2, trials=_constant_trials, unit=_UNIT, pooled_unit="weights",
                   law=_weights_and_bias(lambda o, t: Constant(_constant_value(t)),
                                         lambda o, t: Zero(hint=_ZERO_BIAS)),
                   mistakes=_CONSTANT_MISTAKES),
    Initialization(id="init_xavier",
                   title="init_xavier: Linear weights ~ U(±sqrt(6/(fan_in+fan_out))), biases untouched",
                   points=3, trials=_apply_trials("init_xavier"), unit=_UNIT, pooled_unit="weights",
                   law=_weights_and_bias(lambda o, t: _xavier(o), lambda o, t: Unchanged(hint=_BIAS_UNTOUCHED)),
                   mistakes=_XAVIER_MISTAKES),
    Initialization(id="my_init", title="my_init: U(-10, 10) with |w| < 5 zeroed (goodness of fit), biases untouched",
                   points=3, trials=_apply_trials("my_init"), unit=_UNIT, pooled_unit="weights",
                   law=_weights_and_bias(lambda o, t: _MY_INIT_LAW, lambda o, t: Unchanged(hint=_BIAS_UNTOUCHED)),
                   mistakes=_MY_INIT_MISTAKES),
    Initialization(id="in_place", title="each function keeps the same Parameter objects (in-place initialization)",
                   points=1, trials=_each_function(lambda rng: _linear_net(*(rng.randint(2, 12) for _ in range(3)))),
                   law=lambda o, t: None, same_objects=True),
    Initialization(id="only_linear", title="each function leaves every module other than nn.Linear untouched",
                   points=1, trials=_each_function(_other_modules_net),
                   law=lambda o, t: None if o.is_linear else Unchanged(hint=_ONLY_LINEAR_HINT),
                   unit="parameters and buffers", error_hints=_only_linear_error_hints),
    Initialization(id="bias_free", title="each function works on a Linear built with bias=False (and leaves it so)",
                   points=1, trials=_each_function(lambda rng: _linear_net(*(rng.randint(2, 12) for _ in range(3)),
                                                                           bias=False)),
                   law=lambda o, t: None, error_hints=_bias_free_error_hints),
))


# -- known-bad submissions ------------------------------------------------------------------------

_NORMAL = "nn.init.normal_(m.weight, mean=0.0, std=0.01)"
_XAVIER = "nn.init.xavier_uniform_(m.weight)"
_MASK = "m.weight *= m.weight.abs() >= 5"
_CHECKS = ("init_normal", "init_constant", "init_xavier", "my_init", "in_place", "only_linear", "bias_free")


def _others(*failing: str) -> list[str]:
    """The checks other than ``failing`` (a mutant aimed at one function leaves the others' points)."""
    return [c for c in _CHECKS if c not in failing]


MUTANTS = (
    Mutant("normal_std_0.1", "`init_normal` uses std 0.1 instead of 0.01.",
           edits=[(_NORMAL, "nn.init.normal_(m.weight, mean=0.0, std=0.1)")],
           fails={"init_normal": ["KS test against N(0, 0.01²)", "D = 0.4", "weights, p < 1e-300",
                                  "false-alarm rate of this check: 1e-06", "sample std 0.0998",
                                  "expected mean 0, std 0.01", "Chi-square test of the variance", "std vs variance",
                                  "0.1 = sqrt(0.01)"]},
           passes=_others("init_normal"), line_of={"init_normal": "def init_normal"}),
    Mutant("normal_variance_as_std", "`init_normal` passes the variance 0.0001 as the std.",
           edits=[(_NORMAL, "nn.init.normal_(m.weight, mean=0.0, std=0.0001)")],
           fails={"init_normal": ["KS test against N(0, 0.01²)", "std vs variance", "0.0001 = 0.01² (the variance)"]},
           passes=_others("init_normal")),
    Mutant("normal_mean_positional", "`init_normal` gives 0.01 as the second positional argument (the mean).",
           edits=[(_NORMAL, "nn.init.normal_(m.weight, 0.01)")],
           fails={"init_normal": ["the second positional argument is the mean"]}, passes=_others("init_normal")),
    Mutant("normal_bias_not_zeroed", "`init_normal` leaves the bias as it was.",
           edits=[("""        nn.init.normal_(m.weight, mean=0.0, std=0.01)
        if m.bias is not None:
            nn.init.zeros_(m.bias)""", "        nn.init.normal_(m.weight, mean=0.0, std=0.01)")],
           fails={"init_normal": ["`0.bias` (Linear", "expected zeros, but", "entries differ from 0",
                                  "nn.init.zeros_(m.bias)"]},
           passes=_others("init_normal")),
    Mutant("xavier_normal", "`init_xavier` uses Xavier normal instead of Xavier uniform.",
           edits=[(_XAVIER, "nn.init.xavier_normal_(m.weight)")],
           fails={"init_xavier": ["lie outside these bounds", "Xavier-uniform", "Xavier *normal*"]},
           passes=_others("init_xavier"), line_of={"init_xavier": "def init_xavier"}),
    Mutant("xavier_fan_in_only", "`init_xavier` draws U(±sqrt(6 / fan_in)), without fan_out.",
           edits=[(_XAVIER, "a = (6 / m.in_features) ** 0.5\n        nn.init.uniform_(m.weight, -a, a)")],
           fails={"init_xavier": ["lie outside these bounds", "sqrt(6 / fan_in)"]}, passes=_others("init_xavier")),
    Mutant("xavier_zeroes_bias", "`init_xavier` zeroes the bias, which must stay as it was.",
           edits=[(_XAVIER, _XAVIER + "\n        nn.init.zeros_(m.bias)")],
           fails={"init_xavier": ["expected unchanged", "The bias must stay as it was"]},
           passes=["init_normal", "my_init", "in_place", "only_linear"]),
    Mutant("my_init_mask_inverted", "`my_init` zeroes the entries with |w| >= 5 instead of |w| < 5.",
           edits=[(_MASK, "m.weight *= m.weight.abs() < 5")],
           fails={"my_init": ["neither 0 nor of magnitude in [5, 10]", "The mask is inverted"]},
           passes=_others("my_init"), line_of={"my_init": "def my_init"}),
    Mutant("my_init_mask_on_w", "`my_init` masks on w >= 5, not |w| >= 5.",
           edits=[(_MASK, "m.weight *= m.weight >= 5")],
           fails={"my_init": ["Binomial test of the number of zeros", "Binomial test of the signs",
                              "compare |w|, not w"]},
           passes=_others("my_init")),
    Mutant("constant_ignores_value", "`init_constant` ignores its `value` argument.",
           edits=[("nn.init.constant_(m.weight, value)", "nn.init.constant_(m.weight, 1.0)")],
           fails={"init_constant": ["functools.partial(init_constant, value=", "expected the constant",
                                    "ignores its `value` argument"]},
           passes=_others("init_constant"), line_of={"init_constant": "def init_constant"}),
    Mutant("new_parameter", "`init_normal` assigns a new `nn.Parameter` instead of initializing in place.",
           edits=[(_NORMAL, "m.weight = nn.Parameter(torch.randn(m.out_features, m.in_features) * 0.01)")],
           fails={"in_place": ["`0.weight`, `2.weight` are new Parameter objects", "net.apply(init_normal)",
                               "in place", "an optimizer built before"]},
           passes=_others("in_place"), line_of={"in_place": "def init_normal"}),
    Mutant("touches_every_weight", "`init_constant` touches every module with a `weight`, not only `nn.Linear`.",
           edits=[("""    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, value)
        if m.bias is not None:""", """    if hasattr(m, "weight"):
        nn.init.constant_(m.weight, value)
        if getattr(m, "bias", None) is not None:""")],
           fails={"only_linear": ["(Conv1d, 3×2×3)", "expected unchanged", "entries changed",
                                  "net.apply(init_constant)", "isinstance(m, nn.Linear)"]},
           passes=_others("only_linear")),
    Mutant("crashes_on_embedding", "`init_constant` touches every module with a `weight` and reads `m.bias` "
                                   "unguarded (an Embedding has none).",
           edits=[("""    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, value)""", """    if hasattr(m, "weight"):
        nn.init.constant_(m.weight, value)""")],
           fails={"only_linear": ["raised AttributeError: 'Embedding' object has no attribute 'bias'",
                                  "isinstance(m, nn.Linear)"]},
           passes=_others("only_linear")),
    Mutant("bias_none_unguarded", "`init_normal` and `init_constant` zero `m.bias` without checking that there "
                                  "is one.",
           edits=[("""        if m.bias is not None:
            nn.init.zeros_(m.bias)""", "        nn.init.zeros_(m.bias)")],
           fails={"bias_free": ["raised AttributeError", "bias=False", "if m.bias is not None"]},
           passes=_others("bias_free"), line_of={"bias_free": "nn.init.zeros_(m.bias)"}),
)
