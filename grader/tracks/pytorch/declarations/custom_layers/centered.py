"""custom_layers/centered: CenteredLayer, a custom layer without parameters.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('custom_layers/centered', ['names', 'forward'])
"""
from __future__ import annotations

from typing import Any, Callable

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Failure, Forward, Mistake, Names
from grader.checks.annotate import Explained
from grader.tracks.pytorch.checks.draw import cases, width
from grader.tracks.pytorch.checks.layers import any_shape_input, with_hints
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex

_shapes = st.lists(width(1, 5), min_size=1, max_size=4)
_centered_cases = cases(shape=_shapes, dtype=st.sampled_from(["float32", "float64"]))
_CENTERED_DEFAULTS = ({"shape": [5], "dtype": "float32"}, {"shape": [4, 8], "dtype": "float32"})


def _centered(c: dict[str, Any]) -> Spec:
    return ex.CenteredLayer()


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
        return with_hints(failure, ["The layer gets inputs of any rank, a vector too. " + _ALL_ENTRIES])
    return failure


def _nothing_to_learn(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    if mine["state_keys"] and not ref["state_keys"]:
        return [f"CenteredLayer computes `X - X.mean()` from its input alone: it has nothing to learn or store. "
                f"Remove {', '.join(f'`self.{k}`' for k in mine['state_keys'][:3])} from `__init__`."]
    return []


EXERCISE = Exercise("custom_layers/centered", "CenteredLayer: a custom layer without parameters", (
    Names(points=1, build=_centered, cases=st.just({}), max_examples=1, diagnose=_nothing_to_learn,
          title="no parameters or buffers (the layer has nothing to learn)"),
    Explained(Forward(points=3, build=_centered, inputs=any_shape_input, cases=_centered_cases,
                      defaults=_CENTERED_DEFAULTS, mistakes=_CENTERED_MISTAKES,
                      title="forward subtracts the mean of all entries, for inputs of rank 1 to 4"),
              _explain_centered),
))


# -- known-bad submissions ------------------------------------------------------------------------

_FORWARD = "return X - X.mean()"
_ALL_ENTRIES_HINT = "mean of all entries"

MUTANTS = (
    Mutant("in_place", "Subtracts the mean in place (`X -= X.mean()`): the caller's tensor changes.",
           edits=[(_FORWARD, "X -= X.mean()\n        return X")],
           fails={"forward": ["changed its input `X` in place with the in-place operation sub_.Tensor "
                              "(`X -= X.mean()`)", "`X = X - X.mean()` rather than `X -= X.mean()`"]},
           passes=["names"], line_of={"forward": "X -= X.mean()"}),
    Mutant("learnable_shift", "Adds a learnable shift parameter.",
           edits=[("    def forward(self, X: torch.Tensor)",
                   "    def __init__(self):\n        super().__init__()\n"
                   "        self.shift = nn.Parameter(torch.zeros(1))\n\n    def forward(self, X: torch.Tensor)"),
                  (_FORWARD, "return X - X.mean() + self.shift")],
           fails={"names": ["Unexpected keys: shift", "nothing to learn", "`self.shift`"]}, passes=["forward"]),
    Mutant("per_column_mean", "Subtracts each column's mean instead of the mean of all entries.",
           edits=[(_FORWARD, "return X - X.mean(dim=0)")],
           fails={"forward": ["Tensors are not close", "net = CenteredLayer()", "net(X)", "X - X.mean(dim=0)",
                              "each column's mean", _ALL_ENTRIES_HINT]},
           passes=["names"]),
    Mutant("per_row_mean", "Subtracts each row's mean instead of the mean of all entries.",
           edits=[(_FORWARD, "return X - X.mean(dim=-1, keepdim=True)")],
           fails={"forward": ["Tensors are not close", "each row's mean", _ALL_ENTRIES_HINT]}),
    Mutant("mean_over_dim_1", "Subtracts the mean over dimension 1 (`keepdim=True`): fails on a vector.",
           edits=[(_FORWARD, "return X - X.mean(dim=1, keepdim=True)")],
           fails={"forward": ["IndexError", "Dimension out of range", "any rank", "# shape ("]}),
    Mutant("casts_to_float32", "Casts the output to float32.",
           edits=[(_FORWARD, "return (X - X.mean()).float()")],
           fails={"forward": ["Dtype mismatch: expected float64, got float32"]}),
)
