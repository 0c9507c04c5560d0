"""lazy_init/lazy_mlp: deferred initialization, ``LazyMLP`` and ``materialize``.

``LazyMLP``'s parameters must be uninitialized until the first forward, then have
the reference's shapes for the drawn input width; after that forward it computes
like the reference (the network is run once on a tensor of that width inside the
build spec, so that the forward check does not depend on ``materialize``).

``materialize`` is checked on torch-only lazy networks (not on the student's
``LazyMLP``, so that a fault there costs no points here): plain, nested, and
mixed with an already materialized ``nn.Linear``. After it, every Linear weight
must be Xavier-uniform and every bias zero.

Sample size and power: the input width and the layer widths are drawn in
[32, 96] until at least n = 16384 Linear weights are pooled (at most 8 networks),
as for ``parameters/init``'s ``init_xavier``: the bound |w| ≤ a is exact, and the
KS test runs at the check's whole false-alarm rate, 1e-6 (critical D = 0.021 at
n = 16384). A network left at PyTorch's default initialization (what happens when
the initialization runs before the dry forward and silently skips the lazy layers)
fails exactly on its biases, which are not zero; its weights, U(±1/sqrt(fan_in)),
are narrower than Xavier's by a factor sqrt((fan_in + fan_out) / (6 fan_in)) ≤ 0.82
here, so D ≥ 0.09 and the KS test misses them with probability below
2·exp(-2n(0.09 - 0.021)²) ≈ 1e-67. Xavier *normal* puts 8.3 % of the weights beyond
the bound (missed with probability e^-1425), a bound sqrt(6 / fan_in) at least 13 %
of each layer's (missed with probability < e^-140).

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('lazy_init/lazy_mlp', ['uninitialized', 'shapes', 'forward', 'materialize', 'returns_net'])
"""
from __future__ import annotations

import random
from typing import Any

import torch

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Mistake, student_call
from grader.checks.distribution import Uniform, Zero
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.tracks.pytorch.checks.init import (XAVIER_MISTAKES, Initialization, InitMistake, Observed, Trial, default_linear_weight,
                                where_defined, xavier_uniform)
from grader.tracks.pytorch.checks.pair import randn
from grader.mutants import Mutant
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import Spec, ex, handle, nn, shared, tensor

# -- LazyMLP ----------------------------------------------------------------------------------

_sizes = cases(i=width(1, 12), h=width(1, 12), o=width(1, 8), batch=batch())
_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2},)
_NAMES = ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
_LAZY_HINT = ("Make `hidden` and `output` `nn.LazyLinear(hidden)` and `nn.LazyLinear(out_features)`: a LazyLinear "
              "takes only its output size and learns its input size on the first forward pass.")


def _lazy(c: dict[str, Any]) -> Spec:
    return ex.LazyMLP(c["h"], c["o"])


def _class_line(ctx: CheckContext, key: str = "__init__") -> dict[str, Any] | None:
    return where_defined(ctx, ex.LazyMLP, key=key)


def _table(ctx: CheckContext, spec: Spec, h: int, case: str) -> dict[str, Any]:
    return student_call(ctx, "param_table", doing=f"`{spec}`", case=case, handle=h)


def _uninitialized(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _lazy(case)
    shown = f"net = {spec}"
    built = student_call(ctx, "build", doing=f"`{spec}`", case=shown, spec=spec.node, seed=seed)
    if not built["is_module"]:
        raise Failure(f"`{spec}` returned a {built['type']}, expected an nn.Module.", case=shown)
    table = _table(ctx, spec, built["handle"], shown)
    params = {p["name"]: p for p in table["parameters"]}
    missing = [n for n in _NAMES if n not in params]
    if missing:
        raise Failure(f"`{spec}` has the parameters {list(params)}; expected {_NAMES}.",
                      hints=(_LAZY_HINT,), location=_class_line(ctx), case=shown)
    shaped = [f"`{n}` already has the shape {tuple(params[n]['shape'])}" for n in _NAMES
              if not params[n]["uninitialized"]]
    if shaped:
        raise Failure(f"Before any forward pass, {'; '.join(shaped)}: the parameters of a deferred-initialization "
                      "network have no shape until the first forward.", hints=(_LAZY_HINT,),
                      location=_class_line(ctx), case=shown)


def _shapes_after_forward(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _lazy(case)
    X = randn(torch.Generator().manual_seed(seed), case["batch"], case["i"])
    shown = f"net = {spec}\nnet(X)  # X: a float32 tensor of shape {tuple(X.shape)}"
    built = student_call(ctx, "build", doing=f"`{spec}`", case=shown, spec=spec.node, seed=seed)
    if not built["is_module"]:
        raise Failure(f"`{spec}` returned a {built['type']}, expected an nn.Module.", case=shown)
    ref = ctx.reference.request("build", spec=spec.node, seed=seed)["handle"]
    student_call(ctx, "forward", doing=f"`{spec}`", case=shown, handle=built["handle"], args=[X])
    ctx.reference.request("forward", handle=ref, args=[X])
    mine = {p["name"]: p for p in _table(ctx, spec, built["handle"], shown)["parameters"]}
    want = {p["name"]: tuple(p["shape"]) for p in ctx.reference.request("param_table", handle=ref)["parameters"]}
    problems = []
    for name, shape in want.items():
        got = mine.get(name)
        if got is None:
            problems.append(f"`{name}` is missing")
        elif got["uninitialized"]:
            problems.append(f"`{name}` is still uninitialized")
        elif tuple(got["shape"]) != shape:
            problems.append(f"`{name}` has the shape {tuple(got['shape'])}, expected {shape}")
    extra = [n for n in mine if n not in want]
    if extra:
        problems.append(f"unexpected parameters: {', '.join(extra)}")
    if problems:
        hints = [_LAZY_HINT] if any("hidden.weight" in p and "shape" in p for p in problems) else []
        raise Failure("After one forward pass, compared the parameter shapes with the reference's: "
                      + "; ".join(problems) + ".", hints=hints, location=_class_line(ctx), case=shown)


def _after_first_forward(c: dict[str, Any]) -> Spec:
    """``LazyMLP(h, o)`` after one forward on a ``(1, i)`` tensor: ``(net, net(X))[0]``."""
    net = shared(f"LazyMLP({c['h']}, {c['o']})", _lazy(c))
    return Spec({"kind": "tuple", "items": [net.node, net(tensor(torch.zeros(1, c["i"]))).node]})[0]


# -- materialize ----------------------------------------------------------------------------------

#: Pooled Linear weights per materialize check (see the module docstring for the power).
MIN_WEIGHTS = 16384
_LO, _HI = 32, 96


def _lazy_net(kind: int, b: int, c: int) -> Spec:
    """Plain (0), nested (1), or mixed with an nn.Linear that is already materialized (2)."""
    if kind == 0:
        return nn.Sequential(nn.LazyLinear(b), nn.ReLU(), nn.LazyLinear(c))
    if kind == 1:
        return nn.Sequential(nn.Sequential(nn.LazyLinear(b), nn.ReLU()), nn.LazyLinear(c))
    return nn.Sequential(nn.LazyLinear(b), nn.ReLU(), nn.Linear(b, c))


def _materialize_trial(rng: random.Random, kind: int, a: int, b: int, c: int) -> Trial:
    X = randn(torch.Generator().manual_seed(rng.getrandbits(32)), rng.randint(1, 4), a)
    return Trial(_lazy_net(kind, b, c), call=lambda net: ex.materialize(net, tensor(X)),
                 shown_call="materialize(net, X)", comment=f"X: a float32 tensor of shape {tuple(X.shape)}",
                 locate=ex.materialize)


def _materialize_trials(rng: random.Random) -> list[Trial]:
    """Networks of the three kinds in turn (each at least once) until ``MIN_WEIGHTS`` weights
    (8 networks have at least 8 · 2 · 32² = 16384)."""
    trials: list[Trial] = []
    total = 0
    while (total < MIN_WEIGHTS or len(trials) < 3) and len(trials) < 8:
        a, b, c = (rng.randint(_LO, _HI) for _ in range(3))
        trials.append(_materialize_trial(rng, len(trials) % 3, a, b, c))
        total += a * b + b * c
    return trials


def _xavier(o: Observed) -> Uniform:
    return xavier_uniform(o, hint="After the dry forward, call `nn.init.xavier_uniform_(m.weight)` on every "
                                  "nn.Linear `m` in `net.modules()`.")


def _law(o: Observed, t: Trial) -> Any:
    if not o.is_linear:
        return None
    if o.leaf == "weight":
        return _xavier(o)
    if o.leaf == "bias":
        return Zero(hint="Set every Linear bias to 0: `nn.init.zeros_(m.bias)`.")
    return None


_TRAP_HINT = ("Initialize *after* the dry forward `net(example)`: before it, a LazyLinear's parameters are "
              "uninitialized, so `nn.init` functions raise on them and `.data` tricks change nothing; and match "
              "layers with `isinstance(m, nn.Linear)` (a materialized LazyLinear is an nn.Linear).")


def _trap_error_hints(err: StudentError) -> list[str]:
    if "uninitialized parameter" in err.message or "uninitialized" in err.message.lower():
        return ["Your materialize touched the parameters while they were still uninitialized. " + _TRAP_HINT]
    return []


_DEFAULT_INIT = InitMistake("The weights of the lazy layers look like PyTorch's default initialization, as if "
                            "your initialization never ran on them. " + _TRAP_HINT,
                            lambda o, t: default_linear_weight(o) if o.is_linear and o.leaf == "weight" and o.was_lazy
                            else None)


def _returns_net(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    net = nn.Sequential(nn.LazyLinear(case["h"]), nn.ReLU(), nn.LazyLinear(case["o"]))
    X = randn(torch.Generator().manual_seed(seed), case["batch"], case["i"])
    shown = f"net = {net}\nout = materialize(net, X)  # X: a float32 tensor of shape {tuple(X.shape)}\nout is net"
    where = where_defined(ctx, ex.materialize)
    h = student_call(ctx, "build", doing="the network", case=shown, spec=net.node, seed=seed)["handle"]
    out = student_call(ctx, "build", doing="`materialize(net, X)`", case=shown,
                       spec=ex.materialize(handle(h), tensor(X)).node, seed=seed)
    if not out["is_module"]:
        raise Failure(f"materialize(net, X) returned {'None' if out['type'] == 'NoneType' else 'a ' + out['type']}; "
                      "it must return `net` itself.", hints=("End materialize with `return net`.",),
                      location=where, case=shown)
    mine = student_call(ctx, "param_table", doing="the network", handle=h)["modules"][0]["object"]
    got = student_call(ctx, "param_table", doing="materialize's result", handle=out["handle"])["modules"][0]["object"]
    if mine != got:
        raise Failure("materialize(net, X) returned another module than `net` (a copy?); it must initialize `net` "
                      "in place and return it.", hints=("End materialize with `return net`.",),
                      location=where, case=shown)


EXERCISE = Exercise("lazy_init/lazy_mlp", "Deferred initialization: LazyMLP and materialize", (
    Custom(id="uninitialized", title="LazyMLP's parameters are uninitialized before the first forward", points=1,
           examine=_uninitialized, cases=cases(h=width(1, 12), o=width(1, 8)), max_examples=3,
           defaults=({"h": 256, "o": 10},)),
    Custom(id="shapes", title="after a forward on a drawn input width, every parameter has the reference's shape",
           points=2, examine=_shapes_after_forward, cases=_sizes, defaults=_DEFAULTS, max_examples=8),
    Forward(points=2, build=_after_first_forward, inputs=matrix_input("i"), cases=_sizes, defaults=_DEFAULTS,
            title="after its first forward, LazyMLP computes like the reference (same parameters)",
            max_examples=10, mistakes=(
                Mistake("Your output equals `output(hidden(X))`: the ReLU between `hidden` and `output` is missing.",
                        lambda m, X: m.output(m.hidden(X))),
            )),
    Initialization(id="materialize", title="materialize: shapes inferred, then Xavier-uniform weights "
                                           "(goodness of fit) and zero biases on every Linear",
                   points=3, trials=_materialize_trials, law=_law, unit="Linear weights and biases",
                   pooled_unit="weights",
                   mistakes=(_DEFAULT_INIT, *XAVIER_MISTAKES), error_hints=_trap_error_hints),
    Custom(id="returns_net", title="materialize(net, X) returns net itself", points=1, examine=_returns_net,
           cases=cases(i=width(1, 8), h=width(1, 8), o=width(1, 8), batch=batch()), max_examples=2),
))



# -- known-bad submissions ------------------------------------------------------------------------

_CHECKS = ("uninitialized", "shapes", "forward", "materialize", "returns_net")
_LAYERS = """        self.hidden = nn.LazyLinear(hidden)
        self.output = nn.LazyLinear(out_features)"""
_MATERIALIZE = """    with torch.no_grad():
        net(example)
    for m in net.modules():
        # A LazyLinear turns into a plain Linear once materialized.
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return net"""


def _others(*failing: str) -> list[str]:
    """The checks other than ``failing`` (LazyMLP and materialize are graded apart)."""
    return [c for c in _CHECKS if c not in failing]


MUTANTS = (
    Mutant("fixed_input_width", "`hidden` is `nn.Linear(20, hidden)`, not an `nn.LazyLinear`.",
           edits=[(_LAYERS, """        self.hidden = nn.Linear(20, hidden)
        self.output = nn.Linear(hidden, out_features)""")],
           fails={"uninitialized": ["`hidden.weight` already has the shape", "nn.LazyLinear"],
                  "shapes": ["mat1 and mat2 shapes cannot be multiplied"], "forward": []},
           passes=["materialize", "returns_net"], line_of={"uninitialized": "def __init__"}),
    Mutant("no_relu", "No ReLU between `hidden` and `output` in LazyMLP's forward.",
           edits=[("return self.output(F.relu(self.hidden(X)))", "return self.output(self.hidden(X))")],
           fails={"forward": ["Tensors are not close", "the ReLU between `hidden` and `output` is missing"]},
           passes=_others("forward")),
    Mutant("init_before_dry_run", "`materialize` initializes before the dry forward pass.",
           edits=[(_MATERIALIZE, """    for m in net.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    with torch.no_grad():
        net(example)
    return net""")],
           fails={"materialize": ["raised ValueError: Attempted to use an uninitialized parameter",
                                  "touched the parameters while they were still uninitialized",
                                  "*after* the dry forward"]},
           passes=["uninitialized", "shapes", "forward"],
           line_of={"materialize": "nn.init.xavier_uniform_(m.weight)"}),
    Mutant("init_skips_lazy_layers", "Initialized before the dry forward, by `type(m) is nn.Linear`: lazy layers "
                                     "keep the default init.",
           edits=[(_MATERIALIZE, """    for m in net.modules():
        if type(m) is nn.Linear:
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    with torch.no_grad():
        net(example)
    return net""")],
           fails={"materialize": ["expected zeros, but", "PyTorch's default initialization",
                                  "*after* the dry forward"]},
           passes=_others("materialize"), line_of={"materialize": "def materialize"}),
    Mutant("no_dry_run", "`materialize` never runs the dry forward: the lazy layers stay uninitialized.",
           edits=[(_MATERIALIZE, """    for m in net.modules():
        if isinstance(m, nn.Linear) and not isinstance(m, nn.LazyLinear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net""")],
           fails={"materialize": ["are still uninitialized (they have no shape yet): 0.weight, 0.bias",
                                  "run `net(example)` once"]},
           passes=_others("materialize")),
    Mutant("xavier_normal", "`materialize` uses Xavier normal instead of Xavier uniform.",
           edits=[("nn.init.xavier_uniform_(m.weight)", "nn.init.xavier_normal_(m.weight)")],
           fails={"materialize": ["lie outside these bounds", "Xavier-uniform", "KS test against"]},
           passes=_others("materialize")),
    Mutant("bias_kept", "`materialize` leaves the biases as they were.",
           edits=[("""            if m.bias is not None:
                nn.init.zeros_(m.bias)
""", "")],
           fails={"materialize": ["`0.bias` (Linear", "expected zeros", "nn.init.zeros_(m.bias)"]},
           passes=_others("materialize")),
    Mutant("top_level_children_only", "`materialize` walks `net.children()`, missing the nested layers.",
           edits=[("for m in net.modules():", "for m in net.children():")],
           fails={"materialize": ["nn.Sequential(nn.Sequential(nn.LazyLinear(", "expected zeros"]},
           passes=_others("materialize")),
    Mutant("returns_nothing", "`materialize` returns nothing.",
           edits=[(_MATERIALIZE, _MATERIALIZE.replace("    return net", ""))],
           fails={"returns_net": ["returned None", "`return net`"]}, passes=_others("returns_net"),
           line_of={"returns_net": "def materialize"}),
    Mutant("returns_copy", "`materialize` returns a deep copy of `net`, not `net` itself.",
           edits=[("import torch\n", "import copy\nimport torch\n"),
                  (_MATERIALIZE, _MATERIALIZE.replace("    return net", "    return copy.deepcopy(net)"))],
           fails={"returns_net": ["another module than `net`"]}, passes=_others("returns_net")),
)
