"""model_construction/mlp: a multilayer perceptron as an nn.Module subclass.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/mlp', ['names', 'forward', 'gradients'])
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import Forward, Gradients, Mistake, Names
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex

_mlp_sizes = cases(i=width(), h=width(), o=width(), batch=batch())
_MLP_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2},)


def _mlp(c: dict[str, Any]) -> Spec:
    return ex.MLP(c["i"], c["h"], c["o"])


def _mlp_relu_before_hidden(m: torch.nn.Module, X: torch.Tensor) -> Any:
    # With no negative input, relu(X) == X: this is indistinguishable from "no ReLU at all", whose
    # hint ("the ReLU between `hidden` and `output` is missing") is true of both; do not claim more.
    if not bool((X < 0).any()):
        return None
    return m.output(m.hidden(F.relu(X)))


EXERCISE = Exercise("model_construction/mlp", "A multilayer perceptron as an nn.Module subclass", (
    Names(points=2, build=_mlp, cases=_mlp_sizes, defaults=_MLP_DEFAULTS),
    Forward(points=3, build=_mlp, inputs=matrix_input("i"), cases=_mlp_sizes, defaults=_MLP_DEFAULTS, mistakes=(
        Mistake("Your output equals `output(hidden(X))`: the ReLU between `hidden` and `output` is missing.",
                lambda m, X: m.output(m.hidden(X))),
        Mistake("Your output equals `relu(output(relu(hidden(X))))`: there is no ReLU after `output`.",
                lambda m, X: F.relu(m.output(F.relu(m.hidden(X))))),
        Mistake("Your output equals `output(hidden(relu(X)))`: the ReLU goes after `hidden`, not before it.",
                _mlp_relu_before_hidden),
    )),
    Gradients(points=1, build=_mlp, inputs=matrix_input("i"), cases=_mlp_sizes, defaults=_MLP_DEFAULTS),
))


# -- known-bad submissions ------------------------------------------------------------------------

_FORWARD = "return self.output(F.relu(self.hidden(X)))"
_INIT = """        self.hidden = nn.Linear(in_features, hidden)
        self.output = nn.Linear(hidden, out_features)"""
_SUPER_HINT = "super().__init__()"
_SIGNATURE_HINT = "signature against the exercise"

MUTANTS = (
    Mutant("missing_relu", "No ReLU between `hidden` and `output`.",
           edits=[(_FORWARD, "return self.output(self.hidden(X))")],
           fails={"forward": ["the ReLU between `hidden` and `output` is missing", "net = MLP(1, 1, 1)"]},
           passes=["names"],
           # the minimal case has X > 0, where "ReLU before hidden" cannot be told apart: do not claim it
           absent={"forward": ["the ReLU goes after `hidden`, not before it"]}),
    Mutant("out_instead_of_output", "The output layer is called `out` instead of `output`.",
           edits=[("self.output = nn.Linear", "self.out = nn.Linear"),
                  (_FORWARD, "return self.out(F.relu(self.hidden(X)))")],
           fails={"names": ["Missing keys: output.weight, output.bias", "Unexpected keys: out.weight, out.bias",
                            "`out` looks like `output` under another name"]},
           passes=["forward", "gradients"]),  # parameters are matched by position
    Mutant("relu_after_output", "A ReLU after `output` too.",
           edits=[(_FORWARD, "return F.relu(self.output(F.relu(self.hidden(X))))")],
           fails={"forward": ["there is no ReLU after `output`"]}, passes=["names"],
           absent={"forward": ["is missing"]}),
    Mutant("layers_in_plain_list", "The two layers kept in a plain Python list.",
           edits=[(_INIT, "        self.layers = [nn.Linear(in_features, hidden), nn.Linear(hidden, out_features)]"),
                  (_FORWARD, "return self.layers[1](F.relu(self.layers[0](X)))")],
           fails={"names": ["Your keys:     (none)", "`self.layers` is a plain Python list holding 2 module(s)",
                            "nn.ModuleList"]},
           passes=["forward", "gradients"]),
    Mutant("no_super_init", "`super().__init__()` never called.",
           edits=[("        super().__init__()\n", "")],
           fails={c: ["cannot assign module before Module.__init__() call", _SUPER_HINT]
                  for c in ("names", "forward", "gradients")}),
    Mutant("signature_without_hidden", "The constructor has no `hidden` argument (256 hard-coded).",
           edits=[("in_features: int = 20, hidden: int = 256, out_features: int = 10",
                   "in_features: int = 20, out_features: int = 10"),
                  ("nn.Linear(in_features, hidden)", "nn.Linear(in_features, 256)"),
                  ("nn.Linear(hidden, out_features)", "nn.Linear(256, out_features)")],
           fails={c: ["TypeError", "positional arguments but 4 were given", _SIGNATURE_HINT]
                  for c in ("names", "forward", "gradients")}),
    Mutant("hard_coded_sizes", "The layer sizes are hard-coded (20, 256, 10) instead of the arguments.",
           edits=[("nn.Linear(in_features, hidden)", "nn.Linear(20, 256)"),
                  ("nn.Linear(hidden, out_features)", "nn.Linear(256, 10)")],
           fails={"names": ["Shape of hidden.weight: expected (1, 1), got (256, 20)"],
                  "forward": ["mat1 and mat2 shapes cannot be multiplied", "does not match its `in_features`"]}),
    Mutant("hidden_through_data", "The hidden activations go through `.data`: no gradient reaches `hidden`.",
           edits=[(_FORWARD, "return self.output(F.relu(self.hidden(X)).data)")],
           fails={"gradients": ["hidden.weight: no gradient (its .grad is None)", "`.data`"]},
           passes=["names", "forward"]),
    Mutant("lazy_linear", "nn.LazyLinear where the exercise gives the input width (the second edition's habit).",
           edits=[("nn.Linear(in_features, hidden)", "nn.LazyLinear(hidden)"),
                  ("nn.Linear(hidden, out_features)", "nn.LazyLinear(out_features)")],
           fails={"names": ["No shape yet when the model is built", "are nn.LazyLinear"]},
           passes=["forward", "gradients"]),
)
