"""Custom layers: modules with and without parameters, ParameterList/Dict, shape-changing layers.

Forward outputs are compared with the reference's on drawn shapes, with the
reference's parameter values copied into the student's module first (so the
layers whose initialization the catalog leaves open are graded on names,
shapes and outputs only). ``MyLinear``'s standard-normal initialization gets a
Kolmogorov–Smirnov test; gradient failures caused by ``.data`` / ``.detach()``
in ``forward`` are explained from the student's source (read as text by the
judge, never run).
"""
from __future__ import annotations

import ast
import re
from typing import Any, Callable

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.checks import CheckContext, Custom, Failure, Forward, Gradients, Mistake, Names, build_pair, student_call
from grader.checks.annotate import Explained
from grader.checks.base import student_error_failure
from grader.checks.draw import batch, cases, matrix_input, width
from grader.checks.pair import randn
from grader.compare import Tolerance, compare
from grader.notebooks.places import student_text
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import Spec, ex, tensor

__all__ = ["EXERCISES", "detached_uses"]

#: Sums of a few dozen float32 products: allow for another summation order (einsum, a loop, a manual DFT).
_SUM_TOL = Tolerance(rtol=1e-5, atol=1e-5)


# -- shared helpers --------------------------------------------------------------


def _where(ctx: CheckContext, line: int) -> dict[str, Any]:
    """A location in the student's file of this exercise."""
    return {"file": ctx.source_path, "line": line}


def _with_hints(failure: Failure, hints: list[str], *, first: bool = True, drop_prefix: str = "",
                location: dict[str, Any] | None = None) -> Failure:
    """A copy of ``failure`` with ``hints`` added (first, by default), dropping hints that
    start with ``drop_prefix``, optionally pointing at another line."""
    kept = [h for h in failure.hints if not (drop_prefix and h.startswith(drop_prefix))]
    new = Failure(failure.feedback, hints=hints + kept if first else kept + hints,
                  location=location or failure.location, case=failure.case, figure=failure.figure)
    if hasattr(failure, "drawn"):
        new.drawn = failure.drawn  # type: ignore[attr-defined]
    return new


# -- reading the student's forward (as text) for detached parameters ---------------

_CUT_CALLS = {"detach": "`.detach()`", "detach_": "`.detach_()`", "item": "`.item()`", "numpy": "`.numpy()`",
              "tolist": "`.tolist()`"}
_NO_GRAD_BLOCKS = {"no_grad", "inference_mode"}


def detached_uses(source: str, class_name: str) -> list[tuple[int, str, str]]:
    """``(line, code, what)`` for every place in ``class_name.forward`` that cuts autograd.

    ``what`` is ``"data"``, a method name from ``_CUT_CALLS``, ``"no_grad"`` (``code`` is
    then the context manager, ``torch.no_grad()``) or ``"tensor"`` (``torch.tensor(...)``
    of existing values). Uses on ``self.…`` come first. The source is parsed, never run.

    Example:
        >>> src = "class L:\\n    def forward(self, X):\\n        return X @ self.weight.data\\n"
        >>> detached_uses(src, "L")
        [(3, 'self.weight.data', 'data')]
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found: list[tuple[bool, int, int, str, str]] = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == class_name):
        for fn in (n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and n.name == "forward"):
            for node in ast.walk(fn):
                hit = _cut_kind(node)
                if hit is not None:
                    kind, base, shown = hit
                    text = (ast.get_source_segment(source, shown) or "").replace("\n", " ")
                    found.append((not (kind == "no_grad" or _on_self(base)), node.lineno, node.col_offset,
                                  text[:120], kind))
    found.sort()
    return list(dict.fromkeys((line, text, kind) for _, line, _, text, kind in found))


def _cut_kind(node: ast.AST) -> tuple[str, ast.AST | None, ast.AST] | None:
    """What ``node`` does to autograd, if it cuts it: (kind, the tensor it applies to, the code to show)."""
    if isinstance(node, ast.Attribute) and node.attr == "data":
        return "data", node.value, node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        name = node.func.attr
        if name in _CUT_CALLS:
            return name, node.func.value, node
        if name in ("tensor", "as_tensor") and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "torch" and node.args:
            return "tensor", node.args[0], node
    if isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            expr = item.context_expr
            call = expr.func if isinstance(expr, ast.Call) else expr
            name = call.attr if isinstance(call, ast.Attribute) else getattr(call, "id", "")
            if name in _NO_GRAD_BLOCKS:
                return "no_grad", None, expr
    return None


def _on_self(node: ast.AST | None) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return isinstance(node, ast.Name) and node.id == "self"


def _data_hint(uses: list[tuple[int, str, str]]) -> str:
    """One hint for every ``.data`` in forward: which line, which tensors, what to write instead."""
    lines = sorted({line for line, _, _ in uses})
    codes = list(dict.fromkeys(code for _, code, _ in uses))
    owners = [code[:-len(".data")] if code.endswith(".data") else code for code in codes]
    where = f"Line {lines[0]}" if len(lines) == 1 else f"Lines {', '.join(map(str, lines))}"
    one = len(owners) == 1
    return (f"{where}: forward uses {_listing(codes)}. `.data` is a tensor's values without its autograd "
            f"history, so no gradient flows back to {_listing(owners)} (an optimizer would never change "
            f"{'it' if one else 'them'}). Use the parameter{'' if one else 's'} "
            f"{'itself' if one else 'themselves'}: `{owners[0]}`, not `{codes[0]}`.")


def _listing(items: list[str]) -> str:
    quoted = [f"`{i}`" for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _cut_hint(line: int, code: str, kind: str) -> str:
    if kind == "no_grad":
        return (f"Line {line}: forward runs a block under `with {code}:`; nothing computed inside it is recorded "
                f"for backward, so no gradient reaches the parameters used there. Remove the `with` block.")
    if kind == "tensor":
        return (f"Line {line}: `{code}` copies values into a new tensor that autograd does not connect to the "
                f"parameter. Use the parameter itself.")
    owner = code.rsplit(".", 1)[0]
    return (f"Line {line}: `{code}` uses {_CUT_CALLS[kind]} in forward, which cuts `{owner}` off from "
            f"autograd, so no gradient flows back to it. Use `{owner}` itself.")


def _explain_cut_gradients(class_name: str) -> Callable[[CheckContext, Failure], Failure]:
    """Explain a gradients failure where no gradient arrived by the line that detaches."""
    def explain(ctx: CheckContext, failure: Failure) -> Failure:
        if "does not require grad" not in failure.feedback and "no gradient" not in failure.feedback:
            return failure
        source = student_text(ctx.submission_root, ctx.source_path)
        uses = detached_uses(source, class_name)
        if not uses:
            return failure
        data = [u for u in uses if u[2] == "data"]
        hints = ([_data_hint(data)] if data else []) + [_cut_hint(*u) for u in uses if u[2] != "data"][:3]
        return _with_hints(failure, hints, drop_prefix="No gradient reached", location=_where(ctx, uses[0][0]))
    return explain


def _explain_unmatched(ctx: CheckContext, failure: Failure) -> Failure:
    """A reference parameter with no counterpart: say why its gradient was not compared."""
    if "no counterpart in your module" not in failure.feedback:
        return failure
    return _with_hints(failure, ["Your module has no parameter with this name and shape (the names check says "
                                 "what differs), so its gradient could not be compared."], first=False)


def _explain_gradients(class_name: str) -> Callable[[CheckContext, Failure], Failure]:
    cut = _explain_cut_gradients(class_name)
    return lambda ctx, failure: _explain_unmatched(ctx, cut(ctx, failure))


# -- centered ------------------------------------------------------------------------

_shapes = st.lists(width(1, 5), min_size=1, max_size=4)
_centered_cases = cases(shape=_shapes, dtype=st.sampled_from(["float32", "float64"]))
_CENTERED_DEFAULTS = ({"shape": [5], "dtype": "float32"}, {"shape": [4, 8], "dtype": "float32"})


def _centered(c: dict[str, Any]) -> Spec:
    return ex.CenteredLayer()


def _any_shape(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, *c["shape"], dtype=getattr(torch, c.get("dtype", "float32")))]


def _minus_mean(dim: int, keepdim: bool) -> Callable[[torch.nn.Module, torch.Tensor], Any]:
    def wrong(m: torch.nn.Module, X: torch.Tensor) -> Any:
        if X.dim() < 2:  # over a vector, every one of these is the right answer
            return None
        return X - X.mean(dim=dim, keepdim=keepdim)
    return wrong


_ALL_ENTRIES = "`X.mean()` with no `dim` is the mean of all entries: one scalar, subtracted from every entry."
_CENTERED_MISTAKES = (
    Mistake("Your output equals `X - X.mean(dim=0)`: you subtracted each column's mean. " + _ALL_ENTRIES,
            _minus_mean(0, False)),
    Mistake("Your output equals `X - X.mean(dim=-1, keepdim=True)`: you subtracted each row's mean. "
            + _ALL_ENTRIES, _minus_mean(-1, True)),
    Mistake("Your output equals `X - X.mean(dim=1, keepdim=True)`: you subtracted the mean over dimension 1 "
            "only. " + _ALL_ENTRIES, _minus_mean(1, True)),
    Mistake("Your output equals `X.mean()`: return `X - X.mean()`, not the mean itself.", lambda m, X: X.mean()),
    Mistake("Your output equals `(X - X.mean()) / X.std()`: only subtract the mean, do not divide by the "
            "standard deviation.", lambda m, X: (X - X.mean()) / X.std() if X.numel() > 1 else None),
)


def _explain_centered(ctx: CheckContext, failure: Failure) -> Failure:
    if "Dimension out of range" in failure.feedback or "IndexError" in failure.feedback:
        return _with_hints(failure, ["The layer gets inputs of any rank, a vector too. " + _ALL_ENTRIES])
    return failure


def _nothing_to_learn(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    if mine["state_keys"] and not ref["state_keys"]:
        return [f"CenteredLayer computes `X - X.mean()` from its input alone: it has nothing to learn or store. "
                f"Remove {', '.join(f'`self.{k}`' for k in mine['state_keys'][:3])} from `__init__`."]
    return []


CENTERED = Exercise("custom_layers/centered", "CenteredLayer: a custom layer without parameters", (
    Names(points=1, build=_centered, cases=st.just({}), max_examples=1, diagnose=_nothing_to_learn,
          title="no parameters or buffers (the layer has nothing to learn)"),
    Explained(Forward(points=3, build=_centered, inputs=_any_shape, cases=_centered_cases,
                       defaults=_CENTERED_DEFAULTS, mistakes=_CENTERED_MISTAKES,
                       title="forward subtracts the mean of all entries, for inputs of rank 1 to 4"),
               _explain_centered),
))

# -- my_linear ---------------------------------------------------------------------------

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


MY_LINEAR = Exercise("custom_layers/my_linear", "MyLinear: a custom layer with parameters", (
    Names(points=2, build=_my_linear, cases=_lin_sizes, defaults=_LIN_DEFAULTS, diagnose=_transposed_weight,
          title="parameters weight (in_units, units) and bias (units,)"),
    Forward(points=3, build=_my_linear, inputs=matrix_input("i"), cases=_lin_sizes, defaults=_LIN_DEFAULTS,
            mistakes=_LIN_MISTAKES, tol=_SUM_TOL, title="forward is relu(X @ weight + bias)"),
    Explained(Gradients(points=2, build=_my_linear, inputs=matrix_input("i"), cases=_lin_sizes,
                         defaults=_LIN_DEFAULTS, title="gradients reach weight and bias, and match the reference"),
               _explain_gradients("MyLinear")),
    Custom(id="init", title="weight and bias start standard normal (goodness-of-fit test, false alarm < 1e-6)",
           points=1, examine=_normal_init, max_examples=1),
))

# -- tensor_reduction -------------------------------------------------------------------------

_red_sizes = cases(i=width(1, 6), o=width(1, 6), batch=batch())
_RED_DEFAULTS = ({"i": 4, "o": 3, "batch": 2},)
_RED_TOL = Tolerance(rtol=1e-4, atol=1e-4)


def _reduction(c: dict[str, Any]) -> Spec:
    return ex.TensorReduction(c["i"], c["o"])


def _red_layout(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    got = {p["name"]: tuple(p["shape"]) for p in mine["parameters"]}
    want = {p["name"]: tuple(p["shape"]) for p in ref["parameters"]}.get("weight")
    have = got.get("weight")
    if want and have and have != want and sorted(have) == sorted(want):
        return [f"`weight` has shape {have}: the output index k is the last dimension, "
                f"weight is (in_features, in_features, out_features) = {want}."]
    return []


def _red_square_only(equation: str) -> Callable[[torch.nn.Module, torch.Tensor], Any]:
    def wrong(m: torch.nn.Module, X: torch.Tensor) -> Any:
        W = m.weight
        if W.shape[0] != W.shape[2]:
            return None
        return torch.einsum(equation, X, X, W)
    return wrong


def _red_batch_mix(m: torch.nn.Module, X: torch.Tensor) -> Any:
    if X.shape[0] < 2:
        return None
    return torch.einsum("bi,cj,ijk->bk", X, X, m.weight)


_RED_MISTAKES = (
    Mistake("Your output equals `einsum('bi,ijk->bk', X, weight)`: x enters only once, so the output is linear "
            "in x. Each term is weight[i, j, k] · x[b, i] · x[b, j]: `einsum('bi,bj,ijk->bk', X, X, weight)`.",
            lambda m, X: torch.einsum("bi,ijk->bk", X, m.weight)),
    Mistake("Your output equals the diagonal terms only (i == j): `einsum('bi,bi,iik->bk', ...)`. The sum runs "
            "over every pair (i, j): `einsum('bi,bj,ijk->bk', X, X, weight)`.",
            lambda m, X: torch.einsum("bi,iik->bk", X * X, m.weight)),
    Mistake("Your output mixes batch rows: x[b, i] is multiplied by x[c, j] of every row c. Use the same batch "
            "index for both factors: `einsum('bi,bj,ijk->bk', X, X, weight)`.", _red_batch_mix),
    Mistake("Your output equals `einsum('bi,bj,kij->bk', ...)`: weight is indexed as weight[k, i, j]. The output "
            "index k is weight's LAST dimension: weight[i, j, k].", _red_square_only("bi,bj,kij->bk")),
    Mistake("Your output equals `einsum('bi,bj,ikj->bk', ...)`: weight is indexed as weight[i, k, j]. The output "
            "index k is weight's LAST dimension: weight[i, j, k].", _red_square_only("bi,bj,ikj->bk")),
)

TENSOR_REDUCTION = Exercise("custom_layers/tensor_reduction", "TensorReduction: y_k = Σ_ij W_ijk x_i x_j", (
    Names(points=1, build=_reduction, cases=_red_sizes, defaults=_RED_DEFAULTS, diagnose=_red_layout,
          title="parameter weight (in_features, in_features, out_features)"),
    Forward(points=3, build=_reduction, inputs=matrix_input("i"), cases=_red_sizes, defaults=_RED_DEFAULTS,
            mistakes=_RED_MISTAKES, tol=_RED_TOL,
            title="forward is y[b, k] = Σ_ij weight[i, j, k] x[b, i] x[b, j] (weights copied from the reference)"),
    Explained(Gradients(points=2, build=_reduction, inputs=matrix_input("i"), cases=_red_sizes,
                         defaults=_RED_DEFAULTS, tol=_RED_TOL, title="gradients reach weight and match the reference"),
               _explain_gradients("TensorReduction")),
))

# -- fourier ------------------------------------------------------------------------------------

# The first dimension is at least 2, so that no output has a single element: a one-element view with a
# stride (the real part of a complex tensor) does not cross the worker boundary yet (codec).
# Even lengths are drawn from 4 up (n = 2 comes among the defaults): at n = 2, rfft, "no slicing" and the
# right answer's shape (1 coefficient) cannot tell the classic mistakes apart.
_lead = st.lists(width(1, 4), min_size=0, max_size=2).flatmap(
    lambda rest: st.integers(2, 3).map(lambda first: [first, *rest]))
_even_cases = cases(lead=_lead, n=st.integers(2, 6).map(lambda k: 2 * k))


def _fourier(c: dict[str, Any]) -> Spec:
    return ex.FourierHalf()


def _signal(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, *c["lead"], c["n"])]


def _half(n: int) -> int:
    return (n + 1) // 2


_FOURIER_MISTAKES = (
    Mistake("Your output keeps `n // 2` coefficients: for an odd length n that is one too few. Keep "
            "ceil(n / 2) = `(n + 1) // 2`.", lambda m, X: torch.fft.fft(X)[..., : X.shape[-1] // 2]),
    Mistake("Your output equals `torch.fft.rfft(X)`, which has n // 2 + 1 coefficients: for an even n that is "
            "one too many. Slice `torch.fft.fft(X)[..., :(n + 1) // 2]`.",
            lambda m, X: torch.fft.rfft(X) if X.shape[-1] > 2 else None),
    Mistake("Your output has all n coefficients: keep only the first ceil(n / 2), "
            "`torch.fft.fft(X)[..., :(n + 1) // 2]`.", lambda m, X: torch.fft.fft(X) if X.shape[-1] > 1 else None),
    Mistake("Your output equals the magnitudes `fft(X).abs()`: return the complex coefficients themselves "
            "(dtype complex64).", lambda m, X: torch.fft.fft(X)[..., : _half(X.shape[-1])].abs()),
    Mistake("Your output equals the real parts `fft(X).real`: return the complex coefficients themselves "
            "(dtype complex64).", lambda m, X: torch.fft.fft(X)[..., : _half(X.shape[-1])].real),
    Mistake("Your output is sliced along the first dimension (`fft(X)[:k]`): the coefficients are along the "
            "last one, `fft(X)[..., :k]`.",
            lambda m, X: torch.fft.fft(X)[: _half(X.shape[-1])] if X.shape[0] > _half(X.shape[-1]) else None),
    Mistake("Your output equals the FFT over dimension 0: transform the last dimension "
            "(`torch.fft.fft(X, dim=-1)`, the default).",
            lambda m, X: torch.fft.fft(X, dim=0)[..., : _half(X.shape[-1])] if X.shape[0] > 1 else None),
    Mistake("Your output equals the FFT with `norm='ortho'` (scaled by 1 / sqrt(n)): use the default, "
            "unnormalized forward transform.",
            lambda m, X: torch.fft.fft(X, norm="ortho")[..., : _half(X.shape[-1])] if X.shape[-1] > 1 else None),
)

FOURIER = Exercise("custom_layers/fourier", "FourierHalf: the first half of the Fourier coefficients", (
    Forward(id="forward_even", points=2, build=_fourier, inputs=_signal, cases=_even_cases, tol=_SUM_TOL,
            mistakes=_FOURIER_MISTAKES, defaults=({"lead": [2], "n": 2}, {"lead": [2, 3], "n": 8}),
            title="even lengths n: the first n / 2 complex coefficients over the last dimension, rank 2 to 4"),
))

# -- param_containers ------------------------------------------------------------------------------

_list_cases = cases(sizes=st.lists(width(1, 6), min_size=2, max_size=5), batch=batch())
_LIST_DEFAULTS = ({"sizes": [4, 8, 2], "batch": 3},)


def _list_dense(c: dict[str, Any]) -> Spec:
    return ex.ListDense(list(c["sizes"]))


def _list_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], c["sizes"][0])]


def _list_relu(m: torch.nn.Module, X: torch.Tensor) -> Any:
    if len(m.params) < 2:
        return None
    for i, w in enumerate(m.params):
        X = X @ w if i == 0 else F.relu(X) @ w
    return X


def _list_relu_all(m: torch.nn.Module, X: torch.Tensor) -> Any:
    for w in m.params:
        X = F.relu(X @ w)
    return X


def _list_reversed(m: torch.nn.Module, X: torch.Tensor) -> Any:
    if len(m.params) < 2:
        return None
    for w in reversed(list(m.params)):
        X = X @ w
    return X


def _transposed_params(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    got = {p["name"]: tuple(p["shape"]) for p in mine["parameters"]}
    for p in ref["parameters"]:
        have, want = got.get(p["name"]), tuple(p["shape"])
        if have and have != want and have == tuple(reversed(want)):
            return [f"`{p['name']}` has shape {have}, the transpose of {want}: the weights are "
                    f"(sizes[i], sizes[i + 1]), so that forward computes `X @ params[i]`."]
    return []


def _container_name(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """``weights.0`` where ``params.0`` was expected: the container has another name."""
    want = [k for k in ref["state_keys"] if k not in mine["state_keys"]]
    suffixes = {k.split(".", 1)[1] for k in want if "." in k}
    others = {k.split(".", 1)[0] for k in mine["state_keys"] if "." in k and k.split(".", 1)[1] in suffixes}
    others.discard("params")
    if want and others:
        name = sorted(others)[0]
        return [f"`self.{name}` holds the weights under another name: the container must be the attribute "
                f"`self.params` (state_dict keys {', '.join(want[:3])}{', ...' if len(want) > 3 else ''})."]
    return []


def _plain_container(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """``self.params = [...]`` / ``{...}``: say what registering them changes, with the keys expected."""
    for entry in mine.get("unregistered", []):
        if entry["attr"] == "params" and entry["container"] in ("list", "tuple", "dict") \
                and entry["parameters"] + entry["tensors"]:
            wrapper = "nn.ParameterDict" if entry["container"] == "dict" else "nn.ParameterList"
            keys = ", ".join(ref["state_keys"][:3]) + (", ..." if len(ref["state_keys"]) > 3 else "")
            return [f"Wrapped in `{wrapper}(...)`, the weights are registered under the keys {keys}: then "
                    f"`parameters()` lists them (so an optimizer trains them), `state_dict()` saves them and "
                    f"`.to(device)` moves them. In a plain {entry['container']} they are invisible to all three."]
    return []


def _params_diagnosis(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    return _plain_container(mine, ref) + _container_name(mine, ref) + _transposed_params(mine, ref)


_dict_cases = cases(choice=st.sampled_from([None, "linear1", "linear2", "linear3"]), batch=batch())


_DICT_DEFAULTS = tuple({"choice": c, "batch": 2} for c in (None, "linear1", "linear2", "linear3"))


def _dict_dense(c: dict[str, Any]) -> Spec:
    return ex.DictDense()


def _choice_kwargs(c: dict[str, Any]) -> dict[str, Any]:
    return {} if c["choice"] is None else {"choice": c["choice"]}


PARAM_CONTAINERS = Exercise("custom_layers/param_containers", "ListDense and DictDense: ParameterList and "
                            "ParameterDict", (
    Names(id="list_names", points=2, build=_list_dense, cases=_list_cases, defaults=_LIST_DEFAULTS,
          diagnose=_params_diagnosis,
          title="ListDense: a ParameterList `params` (keys params.0, params.1, ...) of (sizes[i], sizes[i+1])"),
    Forward(id="list_forward", points=2, build=_list_dense, inputs=_list_input, cases=_list_cases,
            defaults=_LIST_DEFAULTS, tol=_SUM_TOL, mistakes=(
                Mistake("Your output has a ReLU between the matrices: ListDense has no activation.", _list_relu),
                Mistake("Your output has a ReLU after each matrix: ListDense has no activation.", _list_relu_all),
                Mistake("Your output multiplies by the matrices in reverse order: use params[0] first.",
                        _list_reversed),
            ), title="ListDense: forward is X @ params[0] @ params[1] @ ... (weights copied from the reference)"),
    Names(id="dict_names", points=2, build=_dict_dense, cases=st.just({}), max_examples=1,
          diagnose=_params_diagnosis,
          title="DictDense: a ParameterDict `params` with linear1 (4, 4), linear2 (4, 1), linear3 (4, 2)"),
    Forward(id="dict_forward", points=2, build=_dict_dense, inputs=lambda c, g: [randn(g, c["batch"], 4)],
            cases=_dict_cases, kwargs=_choice_kwargs, defaults=_DICT_DEFAULTS, max_examples=8, tol=_SUM_TOL,
            mistakes=(Mistake("Your output always uses `linear1`: use the matrix named by `choice`, "
                              "`self.params[choice]`.", lambda m, X, choice="linear1": X @ m.params["linear1"]),),
            title="DictDense: forward(X, choice='linear1') is X @ params[choice] (weights copied from the reference)"),
))

# -- pooling ----------------------------------------------------------------------------------------------

# N, C, H and W are drawn all different, so that averaging over the wrong dimensions shows in the shape and
# each mistake has one explanation; equal sizes come among the defaults.
_nchw = cases(shape=st.lists(st.integers(1, 6), min_size=4, max_size=4, unique=True))
_GAP_DEFAULTS = ({"shape": [2, 3, 5, 7]}, {"shape": [1, 1, 1, 1]}, {"shape": [2, 2, 3, 3]})


def _mean_over(dims: tuple[int, int], keepdim: bool) -> Callable[[torch.nn.Module, torch.Tensor], Any]:
    return lambda m, X: X.mean(dim=dims, keepdim=keepdim)


_SPATIAL = "The spatial dimensions of (N, C, H, W) are 2 and 3: `X.mean(dim=(2, 3), keepdim=True)`."
_GAP_MISTAKES = (
    Mistake("Your output equals `X.mean(dim=(2, 3))` of shape (N, C): keep the averaged dimensions as size 1 "
            "with `keepdim=True`, so the result is (N, C, 1, 1).", _mean_over((2, 3), False)),
    *[Mistake(f"Your output equals `X.mean(dim={d}{', keepdim=True' if k else ''})`: averaged over the wrong "
              f"dimensions. " + _SPATIAL, _mean_over(d, k))
      for d in ((0, 1), (1, 2), (1, 3), (0, 2), (0, 3)) for k in (True, False)],
    Mistake("Your output equals the sum over H and W: divide by H·W, i.e. take the mean. " + _SPATIAL,
            lambda m, X: X.sum(dim=(2, 3), keepdim=True)),
    Mistake("Your output equals the maximum over H and W: this layer averages. " + _SPATIAL,
            lambda m, X: X.amax(dim=(2, 3), keepdim=True)),
    Mistake("Your output equals `X.mean()`, one number for the whole batch. " + _SPATIAL, lambda m, X: X.mean()),
)

_flat_cases = cases(shape=st.lists(width(1, 4), min_size=1, max_size=4), batch=batch(1, 4))
_FLAT_DEFAULTS = ({"shape": [3, 4, 5], "batch": 2},)


def _flat_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], *c["shape"])]


_FLAT_MISTAKES = (
    Mistake("Your output equals `X.reshape(-1)`: the batch dimension was flattened too. Keep it: "
            "`X.reshape(X.shape[0], -1)` (or `X.flatten(start_dim=1)`).", lambda m, X: X.reshape(-1)),
    Mistake("Your output equals `X.reshape(-1, X.shape[-1])`: that keeps the last dimension, not the batch. "
            "Use `X.reshape(X.shape[0], -1)`.", lambda m, X: X.reshape(-1, X.shape[-1]) if X.dim() > 2 else None),
    Mistake("Your output equals `X.reshape(-1, X.shape[0])`: the batch dimension must stay first. "
            "Use `X.reshape(X.shape[0], -1)`.",
            lambda m, X: X.reshape(-1, X.shape[0]) if X.shape[0] not in (X[0].numel(), X.shape[-1]) else None),
)

_VIEW_HINT = ("`.view` only works when the memory layout allows it, and a transposed or permuted tensor is not "
              "contiguous. Use `X.reshape(X.shape[0], -1)` or `X.flatten(start_dim=1)`, which copy when needed.")


def _concat_cases() -> st.SearchStrategy[dict[str, Any]]:
    return cases(batch=batch(1, 3), channels=st.lists(width(1, 4), min_size=1, max_size=4),
                 spatial=st.lists(width(1, 4), min_size=0, max_size=2))


_CONCAT_MISTAKES: tuple[tuple[str, Callable[[list[torch.Tensor]], torch.Tensor]], ...] = (
    ("Your result is concatenated along dimension 0 (the batch): the channels are dimension 1, "
     "`torch.cat(xs, dim=1)`.", lambda xs: torch.cat(xs, dim=0)),
    ("Your result is concatenated along the last dimension: the channels are dimension 1, "
     "`torch.cat(xs, dim=1)`.", lambda xs: torch.cat(xs, dim=-1)),
    ("Your result equals `torch.stack(xs, dim=1)`, which adds a new dimension: concatenate along the existing "
     "channel dimension with `torch.cat(xs, dim=1)`.", lambda xs: torch.stack(xs, dim=1)),
)


def _describe_tensors(names: list[str], xs: list[torch.Tensor]) -> str:
    return "\n".join(f"{n} = torch.randn{tuple(x.shape)}" for n, x in zip(names, xs))


def _channel_concat(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    """channel_concat(*xs) equals the reference's, for tensors differing in dimension 1 only."""
    gen = torch.Generator().manual_seed(seed)
    xs = [randn(gen, case["batch"], c, *case["spatial"]) for c in case["channels"]]
    names = [chr(ord("a") + i) for i in range(len(xs))]
    spec = ex.channel_concat(*[tensor(x) for x in xs])
    shown = f"{_describe_tensors(names, xs)}\nchannel_concat({', '.join(names)})"
    try:
        got = ctx.student.request("value", spec=spec.node, seed=seed)["value"]
    except StudentError as err:
        failure = student_error_failure(err, doing="`channel_concat`", case=shown)
        raise _with_hints(failure, _varargs_hint(ctx) if err.type == "TypeError" else _cat_dim_hint(err)) from None
    expected = ctx.reference.request("value", spec=spec.node, seed=seed)["value"]
    diff = compare(got, expected)
    if diff is None:
        return
    hints = []
    for hint, wrong in _CONCAT_MISTAKES:
        try:
            if compare(got, wrong(xs)) is None:
                hints.append(hint)
        except RuntimeError:
            continue
    raise Failure(f"Compared channel_concat({', '.join(names)}) with the reference's.\n{diff}", hints=hints,
                  location=_function_line(ctx, "channel_concat"), case=shown)


def _function_def(ctx: CheckContext, name: str) -> ast.FunctionDef | None:
    """The module-level ``def name`` of the student's file (parsed as text, never run)."""
    try:
        tree = ast.parse(student_text(ctx.submission_root, ctx.source_path))
    except (OSError, SyntaxError, ValueError):
        return None
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return found[-1] if found else None


def _function_line(ctx: CheckContext, name: str) -> dict[str, Any] | None:
    node = _function_def(ctx, name)
    return _where(ctx, node.lineno) if node else None


def _cat_dim_hint(err: StudentError) -> list[str]:
    """torch.cat along another dimension than 1 refuses tensors whose channel counts differ."""
    found = re.search(r"except in dimension (-?\d+)", err.message)
    if found is None or found.group(1) == "1":
        return []
    return [f"The tensors were concatenated along dimension {found.group(1)}; they have the same size everywhere "
            f"except in the channel dimension 1, which is where to concatenate: `torch.cat(xs, dim=1)`."]


def _varargs_hint(ctx: CheckContext) -> list[str]:
    node = _function_def(ctx, "channel_concat")
    if node is None or node.args.vararg is not None:
        return []
    return ["channel_concat receives the tensors as separate arguments, `channel_concat(a, b, c)`: define it "
            "as `def channel_concat(*xs)`, so that `xs` is the tuple of them."]


POOLING = Exercise("custom_layers/pooling", "GlobalAvgPool2d, FlattenLayer and channel_concat", (
    Forward(id="global_avg_pool", points=2, build=lambda c: ex.GlobalAvgPool2d(), inputs=_any_shape, cases=_nchw,
            defaults=_GAP_DEFAULTS, mistakes=_GAP_MISTAKES,
            title="GlobalAvgPool2d: (N, C, H, W) -> (N, C, 1, 1), the mean over H and W"),
    Forward(id="flatten", points=2, build=lambda c: ex.FlattenLayer(), inputs=_flat_input, cases=_flat_cases,
            defaults=_FLAT_DEFAULTS, mistakes=_FLAT_MISTAKES,
            title="FlattenLayer: (N, ...) -> (N, prod(...)), inputs of rank 2 to 5"),
    Custom(id="channel_concat", points=2, examine=_channel_concat, cases=_concat_cases(), max_examples=10,
           defaults=({"batch": 2, "channels": [1, 3, 2], "spatial": [3]},),
           title="channel_concat(*xs): concatenation along dimension 1, for 1 to 4 tensors of rank 2 to 4"),
))

EXERCISES = [CENTERED, MY_LINEAR, TENSOR_REDUCTION, FOURIER, PARAM_CONTAINERS, POOLING]
