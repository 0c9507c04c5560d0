"""Parameters: access, nested blocks, initialization, tying.

``access``: ``param_shapes`` and ``count_params`` are called in the worker and in the
judge on the same networks, drawn by hypothesis (nested Sequentials, frozen and
bias-free layers, BatchNorm buffers, a Linear tied into two places), and their
answers compared; known wrong answers are recognized from the reference network.

Shapes: the catalog asks for ``dict[str, tuple[int, ...]]``. A ``torch.Size`` is a
tuple subclass and crosses the boundary as a tuple, so ``p.shape`` is accepted as
well as ``tuple(p.shape)``; a list is not (it is not a tuple, and does not compare
equal to one). An ``OrderedDict`` is a dict and is accepted. The order of the names
is checked too: the catalog says "as ``named_parameters()`` reports them".

``init``: every function is run by ``net.apply`` in the worker on networks whose
Linear sizes are drawn from the run's seed, and the values before and after are
tested in the judge (:mod:`grader.checks.init`, :mod:`grader.checks.distribution`).

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
"""
from __future__ import annotations

import random
from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.checks import CheckContext, Custom, Failure, Forward, Gradients, Mistake, Names, student_call
from grader.checks.base import GraderFault
from grader.checks.annotate import WithHints
from grader.checks.distribution import Constant, MaskedUniform, Normal, Unchanged, Uniform, Zero
from grader.checks.draw import batch, cases
from grader.checks.init import (XAVIER_MISTAKES, Initialization, InitMistake, Observed, Trial, on_linear, where_defined,
                                xavier_uniform)
from grader.checks.networks import frozen, networks, show
from grader.checks.pair import randn
from grader.compare import describe_value
from grader.tracks.pytorch.worker.specs import Spec, ex, handle, nn, shared

# -- access -------------------------------------------------------------------------------------

_tied8 = shared("tied", nn.Linear(8, 8))
#: Tried after the drawn networks: every trap at once (nesting, a tied layer used twice, a frozen
#: layer, a layer without bias, BatchNorm buffers).
_ACCESS_DEFAULTS = ({"net": nn.Sequential(nn.Linear(4, 8), nn.ReLU(), _tied8, nn.ReLU(),
                                          nn.Sequential(_tied8, nn.BatchNorm1d(8)),
                                          frozen(nn.Linear(8, 3)), nn.Linear(3, 1, bias=False))},)
_access_cases = cases(net=networks())

_TUPLE_HINT = "Give each shape as a tuple of ints: `tuple(p.shape)`."
_BUFFER_HINT = ("Buffers (BatchNorm's `running_mean`, `running_var`, `num_batches_tracked`) are not parameters: "
                "use `net.named_parameters()`, not `state_dict()` or `named_buffers()`.")
_TIED_SHAPES_HINT = ("A tied parameter appears once, under the first name `named_parameters()` gives it: "
                     "plain `net.named_parameters()` already skips the repeats (do not pass "
                     "`remove_duplicate=False`, and do not walk `state_dict()` or the modules yourself).")
_FROZEN_SHAPES_HINT = ("`param_shapes` lists every parameter, trainable or not: do not skip parameters with "
                       "`requires_grad=False`.")
_ORDER_HINT = "Keep the order of `net.named_parameters()` (a dict keeps insertion order: do not sort the names)."


def _param_kinds(net: torch.nn.Module) -> dict[str, set[str]]:
    """Names of the reference network's buffers, repeated (tied) parameters and frozen parameters."""
    unique = dict(net.named_parameters())
    every = [n for n, _ in net.named_parameters(remove_duplicate=False)]
    return {"buffers": {n for n, _ in net.named_buffers(remove_duplicate=False)},
            "repeats": {n for n in every if n not in unique},
            "frozen": {n for n, p in unique.items() if not p.requires_grad}}


def _shapes_problems(got: Any, want: dict[str, tuple[int, ...]], net: Spec,
                     kinds: dict[str, set[str]]) -> tuple[str, list[str]]:
    """How ``param_shapes``' answer differs from the reference's, and hints (empty text: same);
    ``kinds`` is :func:`_param_kinds` of the reference network built from ``net``."""
    if not isinstance(got, dict):
        hint = "Return a dict: `{name: tuple(p.shape) for name, p in net.named_parameters()}`."
        return f"Expected a dict mapping each parameter name to its shape, got {describe_value(got)}.", [hint]
    missing = [k for k in want if k not in got]
    extra = [k for k in got if k not in want]
    if missing or extra:
        hints = []
        if set(extra) & kinds["buffers"]:
            hints.append(_BUFFER_HINT)
        if set(extra) & kinds["repeats"]:
            hints.append(_TIED_SHAPES_HINT)
        if set(missing) & kinds["frozen"]:
            hints.append(_FROZEN_SHAPES_HINT)
        text = (f"Expected names: {list(want)}\nYour names:     {list(got)}\n"
                f"Missing: {missing or 'none'}; unexpected: {extra or 'none'}.")
        return text, hints
    for name, shape in want.items():
        value = got[name]
        if not isinstance(value, tuple):
            return f"`{name}`: expected the tuple {shape}, got {describe_value(value)}.", [_TUPLE_HINT]
        if not all(type(v) is int for v in value):
            return f"`{name}`: expected the tuple of ints {shape}, got {value!r}.", [_TUPLE_HINT]
        if value != shape:
            return f"`{name}`: expected the shape {shape}, got {value}.", []
    if list(got) != list(want):
        return (f"Same names and shapes, but in another order.\nExpected order: {list(want)}\n"
                f"Your order:     {list(got)}",
                [_ORDER_HINT])
    return "", []


def _param_shapes(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    net: Spec = case["net"]
    shown = f"{show(net)}\nparam_shapes(net)"
    mine = student_call(ctx, "build", doing="the network", case=shown, spec=net.node, seed=seed)["handle"]
    ref = ctx.reference.request("build", spec=net.node, seed=seed)["handle"]
    got = student_call(ctx, "value", doing="`param_shapes(net)`", case=shown,
                       spec=ex.param_shapes(handle(mine)).node, seed=seed)["value"]
    want = ctx.reference.request("value", spec=ex.param_shapes(handle(ref)).node, seed=seed)["value"]
    kinds = ctx.reference.derive(ref, "param_shapes: kinds of names",
                                 lambda m: {k: sorted(v) for k, v in _param_kinds(m).items()})
    problem, hints = _shapes_problems(got, dict(want), net, {k: set(v) for k, v in kinds.items()})
    if problem:
        raise Failure(f"Compared `param_shapes(net)` with the reference's answer.\n{problem}", hints=hints,
                      location=where_defined(ctx, ex.param_shapes), case=shown)


_COUNT_TIED = ("A tied parameter was counted once per place it appears: count each Parameter object once "
               "(`net.parameters()` yields each one once; `named_parameters(remove_duplicate=False)` and "
               "`state_dict()` repeat it).")
_COUNT_BUFFERS = ("Buffers were counted (BatchNorm's running statistics, as in `state_dict()`): they are not "
                  "parameters; iterate over `net.parameters()`.")
_COUNT_FILTER = {
    (True, "all"): "`trainable_only=True` (the default) must skip parameters with `requires_grad=False`.",
    (True, "frozen"): "The condition is inverted: with `trainable_only=True` keep the parameters whose "
                      "`requires_grad` is True.",
    (False, "trainable"): "`trainable_only=False` counts every parameter, frozen ones too: is the argument ignored?",
    (False, "frozen"): "`trainable_only=False` counts every parameter, not only the frozen ones.",
}


def _count_table(net: torch.nn.Module) -> list[list[Any]]:
    """What each known way of counting gives on ``net``: [counts tied twice, counts buffers, filter, total]."""
    keeps = {"all": lambda p: True, "trainable": lambda p: p.requires_grad, "frozen": lambda p: not p.requires_grad}
    table = []
    for repeat in (False, True):
        params = [p for _, p in net.named_parameters(remove_duplicate=False)] if repeat else list(net.parameters())
        for buffers in (False, True):
            for name, keep in keeps.items():
                total = sum(p.numel() for p in params if keep(p))
                total += sum(b.numel() for b in net.buffers()) if buffers else 0
                table.append([repeat, buffers, name, total])
    return table


def _count_hints(table: list[list[Any]], trainable_only: bool, got: int) -> list[str]:
    """Hints for the known mistakes (and their combinations) that give ``got`` on the reference
    network whose :func:`_count_table` is ``table``: counting tied parameters twice, counting buffers,
    a wrong ``requires_grad`` filter. On ``_ACCESS_DEFAULTS``' network the combinations give different
    counts."""
    right = "trainable" if trainable_only else "all"
    matches = [{_COUNT_TIED: repeat, _COUNT_BUFFERS: buffers, _COUNT_FILTER.get((trainable_only, name), ""): name != right}
               for repeat, buffers, name, total in table if total == got]
    if not matches:
        return []
    return [hint for hint, wrong in matches[0].items() if hint and all(m.get(hint) for m in matches) and wrong]


def _count_check(trainable_only: bool) -> Any:
    call = "count_params(net)" if trainable_only else "count_params(net, trainable_only=False)"
    kwargs = {} if trainable_only else {"trainable_only": False}

    def count(ctx: CheckContext, net: Spec, seed: int, shown: str) -> tuple[Any, Any, int]:
        """The student's and the reference's counts, and the reference network's handle."""
        mine = student_call(ctx, "build", doing="the network", case=shown, spec=net.node, seed=seed)["handle"]
        ref = ctx.reference.request("build", spec=net.node, seed=seed)["handle"]
        got = student_call(ctx, "value", doing=f"`{call}`", case=shown,
                           spec=ex.count_params(handle(mine), **kwargs).node, seed=seed)["value"]
        want = ctx.reference.request("value", spec=ex.count_params(handle(ref), **kwargs).node, seed=seed)["value"]
        return got, want, ref

    def reference_table(ctx: CheckContext, seed: int) -> tuple[Any, list[list[Any]]]:
        """The reference's count on the network where every known mistake gives a different count,
        and what each mistake gives there."""
        net = _ACCESS_DEFAULTS[0]["net"]
        ref = ctx.reference.request("build", spec=net.node, seed=seed)["handle"]
        want = ctx.reference.request("value", spec=ex.count_params(handle(ref), **kwargs).node, seed=seed)["value"]
        return want, ctx.reference.derive(ref, "count_params: known mistakes", _count_table)

    def diagnose(ctx: CheckContext, seed: int) -> list[str]:
        """Hints from the network where every known mistake gives a different count."""
        net = _ACCESS_DEFAULTS[0]["net"]
        shown = f"{show(net)}\n{call}"
        mine = student_call(ctx, "build", doing="the network", case=shown, spec=net.node, seed=seed)["handle"]
        got = student_call(ctx, "value", doing=f"`{call}`", case=shown,
                           spec=ex.count_params(handle(mine), **kwargs).node, seed=seed)["value"]
        try:
            want, table = reference_table(ctx, seed)
        except GraderFault:  # a replay that did not record this network: no hint rather than a wrong one
            return []
        return _count_hints(table, trainable_only, got) if got != want else []

    def examine(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
        net: Spec = case["net"]
        shown = f"{show(net)}\n{call}"
        if ctx.recording:  # a replay needs what diagnose asks the reference
            reference_table(ctx, seed)
        got, want, _ = count(ctx, net, seed, shown)
        if type(got) is int and got == want:
            return
        where = where_defined(ctx, ex.count_params)
        if type(got) is not int:
            scalar = isinstance(got, float) or (isinstance(got, torch.Tensor) and got.numel() == 1)
            close = scalar and float(got) == want
            hint = "Return a Python int: `p.numel()` is one, and so is their `sum(...)`."
            raise Failure(f"`{call}` returned {describe_value(got)}; expected the int {want}.",
                          hints=[hint] if close else [], location=where, case=shown)
        raise Failure(f"`{call}` returned {got}; expected {want}.", hints=diagnose(ctx, seed), location=where,
                      case=shown)

    return examine


ACCESS = Exercise("parameters/access", "Reading parameters: names, shapes and counts", (
    Custom(id="param_shapes", title="param_shapes(net) equals {name: tuple(shape)} from named_parameters()",
           points=3, examine=_param_shapes, cases=_access_cases, defaults=_ACCESS_DEFAULTS, max_examples=12),
    Custom(id="count_params", title="count_params(net) counts each distinct trainable parameter once",
           points=2, examine=_count_check(True), cases=_access_cases, defaults=_ACCESS_DEFAULTS, max_examples=12),
    Custom(id="count_all", title="count_params(net, trainable_only=False) counts frozen parameters too",
           points=1, examine=_count_check(False), cases=_access_cases, defaults=_ACCESS_DEFAULTS, max_examples=8),
))

# -- nested ---------------------------------------------------------------------------------------

_n_cases = cases(n=st.integers(1, 5), batch=batch())
_N_DEFAULTS = ({"n": 4, "batch": 2},)
_BLOCK_NAME_HINT = ("Register each block under its own name with `net.add_module(f'block {i}', block1())` "
                    "(with a space: 'block 0', 'block 1', …): `nn.Sequential(*blocks)` numbers them 0, 1, … "
                    "instead.")


def _block_names_diagnosis(ctx: CheckContext) -> list[str]:
    """The block-naming hint, when the student's rgnet(2) has no key with 'block ' in it."""
    built = student_call(ctx, "build", doing="`rgnet(2)`", spec=ex.rgnet(2).node, seed=0)
    if not built["is_module"]:
        return []
    keys = student_call(ctx, "describe", doing="`rgnet(2)`", handle=built["handle"])["state_keys"]
    return [_BLOCK_NAME_HINT] if keys and not any(".block " in k for k in keys) else []


def _blocks_independent(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    n = case["n"]
    spec = ex.block2(n)
    built = student_call(ctx, "build", doing=f"`{spec}`", case=f"net = {spec}", spec=spec.node, seed=seed)
    if not built["is_module"]:
        raise Failure(f"`{spec}` returned a {built['type']}, expected an nn.Sequential.", case=f"net = {spec}")
    desc = student_call(ctx, "describe", doing=f"`{spec}`", handle=built["handle"])
    children = [m["name"] for m in desc["modules"] if m["name"] and "." not in m["name"]]
    if len(children) != n:
        raise Failure(f"`{spec}` holds {len(children)} blocks ({children}); expected {n}.",
                      location=where_defined(ctx, ex.block2), case=f"net = {spec}")
    owner: dict[int, str] = {}
    for p in desc["parameters"]:
        block = p["name"].split(".")[0]
        first = owner.setdefault(p["object"], block)
        if first != block:
            raise Failure(f"Blocks `{first}` and `{block}` share the parameter `{p['name']}`: the {n} blocks of "
                          f"block2({n}) must be independent.",
                          hints=("Call `block1()` once per block, inside the loop, and let `block1()` build a "
                                 "new Sequential on every call.",),
                          location=where_defined(ctx, ex.block2), case=f"net = {spec}")


_BLOCK1_KINDS = ["Linear", "ReLU", "Linear", "ReLU"]
_BLOCK1_SHAPES = {"0.weight": (8, 4), "0.bias": (8,), "2.weight": (4, 8), "2.bias": (4,)}


def _block1_structure(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    shown = "net = block1()"
    where = where_defined(ctx, ex.block1)
    built = student_call(ctx, "build", doing="`block1()`", case=shown, spec=ex.block1().node, seed=seed)
    if built["type"] != "Sequential":
        raise Failure(f"block1() returned a {built['type']}, expected an nn.Sequential.", location=where, case=shown)
    desc = student_call(ctx, "describe", doing="`block1()`", handle=built["handle"])
    kinds = [m["type"] for m in desc["modules"] if m["name"] and "." not in m["name"]]
    if kinds != _BLOCK1_KINDS:
        raise Failure(f"block1() holds {kinds}; expected {_BLOCK1_KINDS}.", location=where, case=shown)
    shapes = {p["name"]: tuple(p["shape"]) for p in desc["parameters"]}
    if shapes != _BLOCK1_SHAPES:
        raise Failure(f"block1()'s parameters are {shapes}; expected {_BLOCK1_SHAPES} (Linear(4, 8) then "
                      "Linear(8, 4); nn.Linear's weight is (out_features, in_features)).", location=where, case=shown)


def _rgnet_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], 4)]


def _blocks_without_last_relu(blocks: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    for block in blocks.children():
        X = block[2](block[1](block[0](X)))
    return X


NESTED = Exercise("parameters/nested", "Nested blocks: block1, block2 and rgnet", (
    Custom(id="block1", title="block1() is Sequential(Linear(4, 8), ReLU(), Linear(8, 4), ReLU())", points=1,
           examine=_block1_structure, max_examples=1),
    WithHints(Names(id="rgnet_names", title="rgnet(n): keys like '0.block 0.0.weight' and shapes", points=2,
                    build=lambda c: ex.rgnet(c["n"]), cases=cases(n=st.integers(1, 5)), defaults=({"n": 4},),
                    max_examples=5),
              diagnose=_block_names_diagnosis, override=True),
    Forward(points=2, build=lambda c: ex.rgnet(c["n"]), inputs=_rgnet_input, cases=_n_cases, defaults=_N_DEFAULTS,
            max_examples=8, mistakes=(
                Mistake("Your output equals the network without the last ReLU of each block1: "
                        "block1 is Linear(4, 8), ReLU, Linear(8, 4), ReLU.",
                        lambda m, X: m[1](_blocks_without_last_relu(m[0], X))),
            )),
    Custom(id="independent_blocks", title="block2(n) holds n independent block1() blocks", points=1,
           examine=_blocks_independent, cases=cases(n=st.integers(2, 5)), max_examples=3),
))


# -- init -----------------------------------------------------------------------------------------

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


INIT = Exercise("parameters/init", "Initialization functions for net.apply", (
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

# -- tying ----------------------------------------------------------------------------------------

_TIED_HINT = ("Copied weights instead of tied ones: put the same nn.Linear object at both positions "
              "(`shared = nn.Linear(8, 8)`, then `nn.Sequential(..., shared, nn.ReLU(), shared, ...)`); a copy "
              "has its own parameters and gets only its own gradient.")
_WEIGHT_ONLY_HINT = ("Only the weight is shared; each layer has its own bias. Tie the whole layer: put the same "
                     "nn.Linear object at both positions, and its weight and bias are shared together.")
_TIED_KINDS = ["Linear", "ReLU", "Linear", "ReLU", "Linear", "ReLU", "Linear"]
_TIED_SHAPES = {"0.weight": (8, 4), "2.weight": (8, 8), "4.weight": (8, 8), "6.weight": (1, 8)}


def _tied_structure(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = ex.tied_net()
    shown = "net = tied_net()"
    where = where_defined(ctx, ex.tied_net)
    built = student_call(ctx, "build", doing="`tied_net()`", case=shown, spec=spec.node, seed=seed)
    if not built["is_module"]:
        raise Failure(f"tied_net() returned a {built['type']}, expected an nn.Sequential.", location=where, case=shown)
    desc = student_call(ctx, "describe", doing="`tied_net()`", handle=built["handle"])
    kinds = [m["type"] for m in desc["modules"] if m["name"] and "." not in m["name"]]
    if kinds != _TIED_KINDS:
        raise Failure(f"tied_net() holds {kinds}; expected {_TIED_KINDS}.", location=where, case=shown)
    shapes = {p["name"]: tuple(p["shape"]) for p in desc["parameters"]}
    wrong = {k: shapes.get(k) for k, v in _TIED_SHAPES.items() if shapes.get(k) != v}
    if wrong:
        raise Failure("tied_net() has the wrong layer sizes: " + ", ".join(
            f"`{k}` is {v}, expected {_TIED_SHAPES[k]}" for k, v in wrong.items()) + ".", location=where, case=shown)
    modules = {m["name"]: m["object"] for m in desc["modules"]}
    params = {p["name"]: p["object"] for p in desc["parameters"]}
    if modules.get("2") != modules.get("4"):
        if params.get("2.weight") == params.get("4.weight"):
            raise Failure("net[2] and net[4] are two nn.Linear objects sharing only their weight: the bias is not "
                          "tied.", hints=(_WEIGHT_ONLY_HINT,), location=where, case=f"{shown}\nnet[2] is net[4]")
        state = student_call(ctx, "state", doing="`tied_net()`", handle=built["handle"])["tensors"]
        copied = all(torch.equal(state[f"2.{k}"], state[f"4.{k}"]) for k in ("weight", "bias"))
        what = "copies with equal values" if copied else "independent layers"
        raise Failure(f"net[2] and net[4] are two different nn.Linear objects ({what}); they must be one object "
                      "(`net[2] is net[4]`).", hints=(_TIED_HINT,), location=where, case=f"{shown}\nnet[2] is net[4]")
    again = student_call(ctx, "build", doing="`tied_net()`", case=shown, spec=spec.node, seed=seed)
    desc2 = student_call(ctx, "describe", doing="`tied_net()`", handle=again["handle"])
    if {m["name"]: m["object"] for m in desc2["modules"]}.get("2") == modules.get("2"):
        raise Failure("Two calls of tied_net() share their tied layer: each call must build a new network.",
                      hints=("Create `shared = nn.Linear(8, 8)` inside `tied_net`, not at module level.",),
                      location=where, case="a = tied_net()\nb = tied_net()\na[2] is b[2]")


def _untied(ctx: CheckContext) -> list[str]:
    """The copied-weights hint when the student's net[2] and net[4] are two objects."""
    built = student_call(ctx, "build", doing="`tied_net()`", spec=ex.tied_net().node, seed=0)
    if not built["is_module"]:
        return []
    desc = student_call(ctx, "describe", doing="`tied_net()`", handle=built["handle"])
    modules = {m["name"]: m["object"] for m in desc["modules"]}
    params = {p["name"]: p["object"] for p in desc["parameters"]}
    if "2" not in modules or "4" not in modules or modules["2"] == modules["4"]:
        return []
    return [_WEIGHT_ONLY_HINT if params.get("2.weight") == params.get("4.weight") else _TIED_HINT]


_tied_cases = cases(batch=batch())


def _tied_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], 4)]


TYING = Exercise("parameters/tying", "Tied parameters: one layer in two places", (
    Custom(id="structure", title="tied_net(): one nn.Linear(8, 8) object at indices 2 and 4", points=2,
           examine=_tied_structure, max_examples=1),
    Forward(points=1, build=lambda c: ex.tied_net(), inputs=_tied_input, cases=_tied_cases, max_examples=4),
    WithHints(Gradients(points=2, build=lambda c: ex.tied_net(), inputs=_tied_input, cases=_tied_cases,
                        max_examples=4,
                        title="gradients match the reference: the tied layer gets the sum of both uses"),
              diagnose=_untied),
))

EXERCISES = [ACCESS, NESTED, INIT, TYING]
