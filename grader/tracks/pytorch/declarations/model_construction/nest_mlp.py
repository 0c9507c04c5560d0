"""model_construction/nest_mlp: NestMLP and chimera, blocks inside blocks.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/nest_mlp', ['names', 'forward', 'chimera_structure'])
"""
from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Mistake, Names, student_call
from grader.tracks.pytorch.checks.draw import batch, cases
from grader.tracks.pytorch.checks.pair import randn
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import ex

_batches = cases(batch=batch())


def _chimera_structure(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = ex.chimera()
    built = student_call(ctx, "build", doing="`chimera()`", case="chimera()", spec=spec.node, seed=seed)
    if built["type"] != "Sequential":
        raise Failure(f"chimera() returned a {built['type']}, expected an nn.Sequential.", case="chimera()")
    desc = student_call(ctx, "describe", doing="`chimera()`", handle=built["handle"])
    kinds = [c["type"] for c in desc["children"]]
    want = ["NestMLP", "Linear", "FixedHiddenMLP"]
    if kinds != want:
        raise Failure(f"chimera() holds {kinds}, expected {want} in that order.", case="chimera()")
    linear = {p["name"]: tuple(p["shape"]) for p in desc["parameters"] if p["name"].startswith("1.")}
    if linear.get("1.weight") != (20, 16):
        raise Failure(f"chimera()[1] has weight shape {linear.get('1.weight')}, expected Linear(16, 20), "
                      "i.e. (20, 16).", case="chimera()")


EXERCISE = Exercise("model_construction/nest_mlp", "NestMLP and chimera: blocks inside blocks", (
    Names(points=1, build=lambda c: ex.NestMLP(), cases=st.just({}), max_examples=1),
    Forward(points=2, build=lambda c: ex.NestMLP(), inputs=lambda c, g: [randn(g, c["batch"], 20)], cases=_batches,
            mistakes=(Mistake("Your output equals `linear(net(X))` without the last ReLU inside `net`.",
                              lambda m, X: m.linear(m.net[2](m.net[1](m.net[0](X))))),)),
    Custom(id="chimera_structure", title="chimera() is Sequential(NestMLP(), Linear(16, 20), FixedHiddenMLP())",
           points=2, examine=_chimera_structure, max_examples=1),
))


# -- known-bad submissions ------------------------------------------------------------------------

_CHIMERA = "return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())"
_NET = """        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(),
                                 nn.Linear(64, 32), nn.ReLU())"""
_IMPORT = "from model_construction.fixed_hidden_mlp import FixedHiddenMLP"

MUTANTS = (
    Mutant("missing_last_relu", "`net` lacks its last ReLU.",
           edits=[(_NET, """        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(),
                                 nn.Linear(64, 32))""")],
           fails={"forward": ["without the last ReLU inside `net`"]},
           passes=["names", "chimera_structure"]),
    Mutant("chimera_wrong_order", "`chimera()` puts `FixedHiddenMLP` before the Linear layer.",
           edits=[(_CHIMERA, "return nn.Sequential(NestMLP(), FixedHiddenMLP(), nn.Linear(16, 20))")],
           fails={"chimera_structure": ["holds ['NestMLP', 'FixedHiddenMLP', 'Linear']",
                                        "expected ['NestMLP', 'Linear', 'FixedHiddenMLP'] in that order"]},
           passes=["names", "forward"]),
    Mutant("chimera_wrong_size", "`chimera()`'s Linear layer is `Linear(20, 16)` instead of `Linear(16, 20)`.",
           edits=[(_CHIMERA, "return nn.Sequential(NestMLP(), nn.Linear(20, 16), FixedHiddenMLP())")],
           fails={"chimera_structure": ["chimera()[1] has weight shape (16, 20)", "expected Linear(16, 20)"]},
           passes=["names", "forward"]),
    Mutant("chimera_returns_list", "`chimera()` returns a plain list of the three modules.",
           edits=[(_CHIMERA, "return [NestMLP(), nn.Linear(16, 20), FixedHiddenMLP()]")],
           fails={"chimera_structure": ["chimera() returned a list, expected an nn.Sequential"]},
           passes=["names", "forward"]),
    Mutant("no_inner_sequential", "Separate Linear attributes instead of the `net` Sequential.",
           edits=[(_NET, """        self.l1 = nn.Linear(20, 64)
        self.l2 = nn.Linear(64, 32)"""),
                  ("return self.linear(self.net(X))",
                   "return self.linear(torch.relu(self.l2(torch.relu(self.l1(X)))))")],
           fails={"names": ["Missing keys: net.0.weight", "`l1` looks like `net.0`", "`l2` looks like `net.2`"]},
           passes=["forward", "chimera_structure"],
           absent={"names": ["`l2` looks like `net.0`"]}),
    Mutant("without_its_fixed_hidden_mlp",
           "nest_mlp.py submitted alone: its import of the sibling module fixed_hidden_mlp fails.",
           siblings={"model_construction/fixed_hidden_mlp.py": None},
           fails={c: ["could not be imported", "No module named 'model_construction.fixed_hidden_mlp'"]
                  for c in ("names", "forward", "chimera_structure")},
           line_of={"names": _IMPORT}),
)
