"""custom_layers/my_linear: MyLinear, a custom layer with parameters.

``weight`` and ``bias`` get a Kolmogorov–Smirnov test of their standard-normal
initialization; gradient failures caused by ``.data`` / ``.detach()`` in
``forward`` are explained from the student's source.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('custom_layers/my_linear', ['names', 'forward', 'gradients', 'init'])
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Gradients, Mistake, Names, student_call
from grader.checks.annotate import Explained
from grader.tracks.pytorch.checks.detached import explain_gradients
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.tracks.pytorch.checks.layers import SUM_TOL
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex

_lin_sizes = cases(i=width(1, 12), u=width(1, 12), batch=batch())
_LIN_DEFAULTS = ({"i": 5, "u": 3, "batch": 2},)


def _my_linear(c: dict[str, Any]) -> Spec:
    return ex.MyLinear(c["i"], c["u"])


def _transposed_weight(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    got = {p["name"]: tuple(p["shape"]) for p in mine["parameters"]}
    want = {p["name"]: tuple(p["shape"]) for p in ref["parameters"]}
    w = want.get("weight")
    if w and got.get("weight") == tuple(reversed(w)) and w[0] != w[1]:
        return [f"`weight` has the shape (units, in_units) = {got['weight']}, nn.Linear's layout. MyLinear's "
                f"weight is (in_units, units) = {w}, so that forward computes `X @ weight` without a transpose."]
    return []


def _lin_transposed(m: torch.nn.Module, X: torch.Tensor) -> Any:
    if m.weight.shape[0] != m.weight.shape[1]:
        return None
    return F.relu(X @ m.weight.T + m.bias)


_LIN_MISTAKES = (
    Mistake("Your output equals `X @ weight + bias` without the ReLU: return `relu(X @ weight + bias)`.",
            lambda m, X: X @ m.weight + m.bias),
    Mistake("Your output equals `relu(X @ weight)`: the bias is missing.", lambda m, X: F.relu(X @ m.weight)),
    Mistake("Your output equals `relu(X @ weight) + bias`: add the bias before the ReLU.",
            lambda m, X: F.relu(X @ m.weight) + m.bias),
    Mistake("Your output equals `relu(X @ weight.T + bias)`: weight is (in_units, units), so forward is "
            "`X @ weight`, no transpose (nn.Linear's layout is the other way round).", _lin_transposed),
)

_KS_ALPHA = 5e-7  # two tests per run (weight, bias): a false alarm rate of at most 1e-6
_INIT_SIZE = (64, 96)


def _normal_init(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    """``weight`` and ``bias`` look standard normal (Kolmogorov–Smirnov, per-test level ``_KS_ALPHA``)."""
    from scipy import stats

    spec = ex.MyLinear(*_INIT_SIZE)
    built = student_call(ctx, "build", doing=f"`{spec}`", case=f"{spec}", spec=spec.node, seed=seed)
    if not built["is_module"]:
        raise Failure(f"`{spec}` returned a {built['type']}, expected an nn.Module.", case=f"{spec}")
    state = student_call(ctx, "state", doing=f"`{spec}`", case=f"{spec}", handle=built["handle"])["tensors"]
    desc = student_call(ctx, "describe", doing=f"`{spec}`", handle=built["handle"])
    loc = desc.get("locations", {})
    where = {"file": loc["file"], "line": loc.get("__init__", loc.get("class", 0))} if "file" in loc else None
    for name in ("weight", "bias"):
        values = state.get(name)
        if values is None:
            raise Failure(f"`{spec}` has no parameter `{name}`, so its initialization cannot be tested.",
                          location=where, case=f"net = {spec}")
        sample = values.detach().to(torch.float64).reshape(-1).numpy()
        result = stats.kstest(sample, "norm")
        if result.pvalue >= _KS_ALPHA:
            continue
        mean, std = float(sample.mean()), float(sample.std())
        text = (f"Tested the {sample.size} values of `{name}` of `{spec}` against the standard normal "
                f"N(0, 1) (Kolmogorov–Smirnov test, p = {result.pvalue:.3g} < {_KS_ALPHA:g}; a correct "
                f"initialization fails this less than once in a million runs).\n"
                f"Their mean is {mean:.4g} and their standard deviation {std:.4g} (expected 0 and 1); "
                f"min {float(sample.min()):.4g}, max {float(sample.max()):.4g}.")
        raise Failure(text, hints=_init_hints(name, sample), location=where, case=f"net = {spec}")


def _init_hints(name: str, sample: Any) -> list[str]:
    lo, hi, std = float(sample.min()), float(sample.max()), float(sample.std())
    if std == 0.0:
        return [f"Every entry of `{name}` is {lo:g}: draw it with `torch.randn(...)` instead of "
                f"`torch.zeros` / `torch.ones`."]
    if lo >= 0.0 and hi <= 1.0:
        return [f"`{name}` lies in [0, 1): `torch.rand` draws uniformly; the standard normal is `torch.randn`."]
    if 0.0 < std < 0.5 or std > 2.0:
        return [f"`{name}` has standard deviation {std:.3g}: draw it with plain `torch.randn(...)`, without "
                f"scaling (and not with nn.Linear's or another layer's default initialization)."]
    return [f"Draw `{name}` with `torch.randn(...)` (standard normal)."]


EXERCISE = Exercise("custom_layers/my_linear", "MyLinear: a custom layer with parameters", (
    Names(points=2, build=_my_linear, cases=_lin_sizes, defaults=_LIN_DEFAULTS, diagnose=_transposed_weight,
          title="parameters weight (in_units, units) and bias (units,)"),
    Forward(points=3, build=_my_linear, inputs=matrix_input("i"), cases=_lin_sizes, defaults=_LIN_DEFAULTS,
            mistakes=_LIN_MISTAKES, tol=SUM_TOL, title="forward is relu(X @ weight + bias)"),
    Explained(Gradients(points=2, build=_my_linear, inputs=matrix_input("i"), cases=_lin_sizes,
                        defaults=_LIN_DEFAULTS, title="gradients reach weight and bias, and match the reference"),
              explain_gradients("MyLinear")),
    Custom(id="init", title="weight and bias start standard normal (goodness-of-fit test, false alarm < 1e-6)",
           points=1, examine=_normal_init, max_examples=1),
))


# -- known-bad submissions ------------------------------------------------------------------------

_FORWARD = "return F.relu(X @ self.weight + self.bias)"
_WEIGHT = "torch.randn(in_units, units)"

MUTANTS = (
    Mutant("data_in_forward",
           "`forward` uses `self.weight.data` and `self.bias.data` (as the book does): no gradient reaches them.",
           edits=[(_FORWARD, "linear = torch.matmul(X, self.weight.data) + self.bias.data\n"
                             "        return F.relu(linear)")],
           fails={"gradients": ["does not require grad", "`self.weight.data`", "`self.bias.data`",
                                "Use the parameters themselves: `self.weight`, not `self.weight.data`"]},
           passes=["names", "forward", "init"],
           # the generic hint gives way to the precise one
           absent={"gradients": ["Look for `.data`, `.detach()`"]},
           line_of={"gradients": "self.weight.data"}),
    Mutant("weight_detached", "`forward` uses `self.weight.detach()`.",
           edits=[(_FORWARD, "w = self.weight.detach()\n        return F.relu(X @ w + self.bias)")],
           fails={"gradients": ["weight: no gradient", "`self.weight.detach()`", "`.detach()`"]},
           passes=["forward"]),
    Mutant("nn_linear_layout", "`weight` has nn.Linear's layout `(units, in_units)`.",
           edits=[(_WEIGHT, "torch.randn(units, in_units)"),
                  (_FORWARD, "return F.relu(X @ self.weight.T + self.bias)")],
           fails={"names": ["Shape of weight: expected", "(units, in_units)", "nn.Linear's layout"],
                  "forward": ["relu(X @ weight.T + bias)", "no transpose"]},
           passes=["init"]),
    Mutant("no_relu", "No ReLU in `forward`.",
           edits=[(_FORWARD, "return X @ self.weight + self.bias")],
           fails={"forward": ["without the ReLU", "net = MyLinear(", "net(X)"]}, passes=["names", "init"]),
    Mutant("uniform_init", "`weight` drawn with `torch.rand` instead of `torch.randn`.",
           edits=[(_WEIGHT, "torch.rand(in_units, units)")],
           fails={"init": ["Kolmogorov", "`weight`", "torch.rand", "torch.randn"]},
           passes=["names", "forward", "gradients"]),
    Mutant("zero_bias", "`bias` initialized to zeros.",
           edits=[("torch.randn(units)", "torch.zeros(units)")],
           fails={"init": ["`bias`", "Every entry of `bias` is 0"]}),
)
