"""model_construction/parallel: two networks side by side.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/parallel', ['names', 'forward', 'gradients'])
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import Forward, Gradients, Mistake, Names
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex, nn

_par_cases = cases(i=width(1, 8), a=width(1, 8), b=width(1, 8), dim=st.sampled_from([1, 0]), batch=batch())


def _parallel(c: dict[str, Any]) -> Spec:
    b = c["a"] if c["dim"] == 0 else c["b"]
    if c["dim"] == 1:
        return ex.Parallel(nn.Linear(c["i"], c["a"]), nn.Linear(c["i"], b))
    return ex.Parallel(nn.Linear(c["i"], c["a"]), nn.Linear(c["i"], b), dim=0)


EXERCISE = Exercise("model_construction/parallel", "Parallel: two networks side by side", (
    Names(points=1, build=_parallel, cases=_par_cases),
    Forward(points=3, build=_parallel, inputs=matrix_input("i"), cases=_par_cases, mistakes=(
        Mistake("Your output is concatenated along dimension 0 (the batch): concatenate along `dim`.",
                lambda m, X: torch.cat([m.net1(X), m.net2(X)], dim=0)),
        Mistake("Your output is concatenated along dimension 1 whatever `dim` says: use the `dim` argument.",
                lambda m, X: torch.cat([m.net1(X), m.net2(X)], dim=1)),
        Mistake("Your output has `net2`'s part first: the order is `cat([net1(X), net2(X)], dim)`.",
                lambda m, X: torch.cat([m.net2(X), m.net1(X)], dim=m.dim if hasattr(m, "dim") else 1)),
    )),
    Gradients(points=1, build=_parallel, inputs=matrix_input("i"), cases=_par_cases),
))


# -- known-bad submissions ------------------------------------------------------------------------

_FORWARD = "return torch.cat([self.net1(X), self.net2(X)], dim=self.dim)"
_ASSIGN = """        self.net1 = net1
        self.net2 = net2"""
_SIGNATURE_HINT = "signature against the exercise"

MUTANTS = (
    Mutant("cat_on_dim_0", "The outputs are concatenated along dimension 0.",
           edits=[(_FORWARD, "return torch.cat([self.net1(X), self.net2(X)], dim=0)")],
           fails={"forward": ["Shape mismatch: expected (1, 2), got (2, 1)", "concatenated along dimension 0"]},
           passes=["names"]),
    Mutant("ignores_dim", "The outputs are concatenated along dimension 1 whatever `dim` says.",
           edits=[(_FORWARD, "return torch.cat((self.net1(X), self.net2(X)), 1)")],
           fails={"forward": ["dim=0", "concatenated along dimension 1 whatever `dim` says"]},
           passes=["names"]),
    Mutant("net2_first", "`net2`'s output comes first in the concatenation.",
           edits=[(_FORWARD, "return torch.cat([self.net2(X), self.net1(X)], dim=self.dim)")],
           fails={"forward": ["`net2`'s part first"]}, passes=["names"],
           absent={"forward": ["dimension 0", "whatever `dim` says"]}),
    Mutant("no_dim_argument", "The constructor has no `dim` argument (always concatenates along 1).",
           edits=[("def __init__(self, net1: nn.Module, net2: nn.Module, dim: int = 1):",
                   "def __init__(self, net1: nn.Module, net2: nn.Module):"),
                  ("        self.dim = dim\n", ""),
                  (_FORWARD, "return torch.cat([self.net1(X), self.net2(X)], dim=1)")],
           fails={c: ["unexpected keyword argument 'dim'", _SIGNATURE_HINT] for c in ("names", "forward", "gradients")}),
    Mutant("nets_in_plain_list", "Both networks kept in a plain Python list.",
           edits=[(_ASSIGN, "        self.nets = [net1, net2]"),
                  (_FORWARD, "return torch.cat([net(X) for net in self.nets], dim=self.dim)")],
           fails={"names": ["Missing keys: net1.weight", "`self.nets` is a plain Python list holding 2 module(s)"]},
           passes=["forward", "gradients"]),
    Mutant("other_attribute_names", "The networks are stored as `a` and `b` instead of `net1` and `net2`.",
           edits=[(_ASSIGN, """        self.a = net1
        self.b = net2"""),
                  (_FORWARD, "return torch.cat([self.a(X), self.b(X)], dim=self.dim)")],
           fails={"names": ["`a` looks like `net1`", "`b` looks like `net2`"]}, passes=["forward", "gradients"],
           absent={"names": ["`b` looks like `net1`"]}),
    Mutant("concat_in_numpy", "The outputs are concatenated in NumPy: no gradient reaches either network.",
           edits=[("import torch\n", "import numpy as np\nimport torch\n"),
                  (_FORWARD, "parts = [self.net1(X).detach().numpy(), self.net2(X).detach().numpy()]\n"
                             "        return torch.from_numpy(np.concatenate(parts, axis=self.dim))")],
           fails={"gradients": ["The output does not require grad: it is not connected to any parameter",
                                "Look for `.data`, `.detach()`"]},
           passes=["names", "forward"]),
)
