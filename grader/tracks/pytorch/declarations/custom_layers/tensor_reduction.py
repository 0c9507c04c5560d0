"""custom_layers/tensor_reduction: TensorReduction, y_k = Σ_ij W_ijk x_i x_j.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('custom_layers/tensor_reduction', ['names', 'forward', 'gradients'])
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import Forward, Gradients, Mistake, Names
from grader.checks.annotate import Explained
from grader.tracks.pytorch.checks.detached import explain_gradients
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.tracks.pytorch.compare import Tolerance
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex

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

EXERCISE = Exercise("custom_layers/tensor_reduction", "TensorReduction: y_k = Σ_ij W_ijk x_i x_j", (
    Names(points=1, build=_reduction, cases=_red_sizes, defaults=_RED_DEFAULTS, diagnose=_red_layout,
          title="parameter weight (in_features, in_features, out_features)"),
    Forward(points=3, build=_reduction, inputs=matrix_input("i"), cases=_red_sizes, defaults=_RED_DEFAULTS,
            mistakes=_RED_MISTAKES, tol=_RED_TOL,
            title="forward is y[b, k] = Σ_ij weight[i, j, k] x[b, i] x[b, j] (weights copied from the reference)"),
    Explained(Gradients(points=2, build=_reduction, inputs=matrix_input("i"), cases=_red_sizes,
                        defaults=_RED_DEFAULTS, tol=_RED_TOL, title="gradients reach weight and match the reference"),
              explain_gradients("TensorReduction")),
))


# -- known-bad submissions ------------------------------------------------------------------------

_FORWARD = 'return torch.einsum("bi,bj,ijk->bk", X, X, self.weight)'

MUTANTS = (
    Mutant("linear_in_x", "`einsum('bi,ijk->bk')`: linear in x, not quadratic.",
           edits=[(_FORWARD, "return torch.einsum('bi,ijk->bk', X, self.weight)")],
           fails={"forward": ["einsum('bi,ijk->bk', X, weight)", "linear in x"]}, passes=["names"]),
    Mutant("output_index_first", "`weight` has the output index first: `(out_features, in, in)`.",
           edits=[("torch.randn(in_features, in_features, out_features)",
                   "torch.randn(out_features, in_features, in_features)"),
                  (_FORWARD, "return torch.einsum('bi,bj,kij->bk', X, X, self.weight)")],
           fails={"names": ["Shape of weight", "output index k is the last dimension"],
                  "forward": ["weight[k, i, j]", "LAST dimension"]}),
    Mutant("batch_rows_mixed", "`einsum('bi,cj,ijk->bk')` mixes batch rows.",
           edits=[(_FORWARD, "return torch.einsum('bi,cj,ijk->bk', X, X, self.weight)")],
           fails={"forward": ["mixes batch rows"]}),
    Mutant("detached_loop", "A loop over k with `.detach()`d weight slices.",
           edits=[(_FORWARD, "out = torch.zeros(X.shape[0], self.weight.shape[2])\n"
                             "        for k in range(self.weight.shape[2]):\n"
                             "            out[:, k] = ((X @ self.weight[:, :, k].detach()) * X).sum(1)\n"
                             "        return out")],
           fails={"gradients": ["does not require grad", "`.detach()`"]}, passes=["names", "forward"]),
)
