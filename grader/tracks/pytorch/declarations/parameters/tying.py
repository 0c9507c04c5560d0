"""parameters/tying: tied parameters, one ``nn.Linear`` object in two places (``tied_net``).

The structure check asks for one object at indices 2 and 4 (not a copy, not two
layers sharing only their weight, not a layer shared between calls); the
gradient check compares with the reference, where the tied layer gets the sum of
the gradients of both uses.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('parameters/tying', ['structure', 'forward', 'gradients'])
"""
from __future__ import annotations

from typing import Any

import torch

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Gradients, student_call
from grader.checks.annotate import WithHints
from grader.tracks.pytorch.checks.draw import batch, cases
from grader.tracks.pytorch.checks.init import where_defined
from grader.tracks.pytorch.checks.pair import randn
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import ex

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


EXERCISE = Exercise("parameters/tying", "Tied parameters: one layer in two places", (
    Custom(id="structure", title="tied_net(): one nn.Linear(8, 8) object at indices 2 and 4", points=2,
           examine=_tied_structure, max_examples=1),
    Forward(points=1, build=lambda c: ex.tied_net(), inputs=_tied_input, cases=_tied_cases, max_examples=4),
    WithHints(Gradients(points=2, build=lambda c: ex.tied_net(), inputs=_tied_input, cases=_tied_cases,
                        max_examples=4,
                        title="gradients match the reference: the tied layer gets the sum of both uses"),
              diagnose=_untied),
))



# -- known-bad submissions ------------------------------------------------------------------------

_SHARED_AT_4 = """                         shared, nn.ReLU(),
                         nn.Linear(8, 1))"""

MUTANTS = (
    Mutant("copied_weights", "The second use is a deep copy of `shared`, not the same layer.",
           edits=[("from torch import nn\n", "import copy\nfrom torch import nn\n"),
                  (_SHARED_AT_4, """                         copy.deepcopy(shared), nn.ReLU(),
                         nn.Linear(8, 1))""")],
           fails={"structure": ["two different nn.Linear objects (copies with equal values)", "net[2] is net[4]",
                                "Copied weights instead of tied ones: put the same nn.Linear object at both "
                                "positions"],
                  "gradients": ["In the gradient of 2.weight", "Copied weights instead of tied ones"]},
           passes=["forward"], line_of={"structure": "def tied_net"}),
    Mutant("fresh_untied_layer", "The second use is a new `nn.Linear(8, 8)`, not `shared`.",
           edits=[(_SHARED_AT_4, """                         nn.Linear(8, 8), nn.ReLU(),
                         nn.Linear(8, 1))""")],
           fails={"structure": ["independent layers"], "gradients": ["Copied weights instead of tied ones"]}),
    Mutant("weight_only", "Only the weight is shared between the two layers, not the whole layer.",
           edits=[("    shared = nn.Linear(8, 8)\n", """    shared = nn.Linear(8, 8)
    other = nn.Linear(8, 8)
    other.weight = shared.weight
"""), (_SHARED_AT_4, """                         other, nn.ReLU(),
                         nn.Linear(8, 1))""")],
           fails={"structure": ["sharing only their weight", "Tie the whole layer"]}, passes=["forward"]),
    Mutant("module_level_shared", "`shared` is made once at module level: every call of `tied_net` shares it.",
           edits=[("    shared = nn.Linear(8, 8)\n", ""),
                  ("def tied_net()", "shared = nn.Linear(8, 8)\n\n\ndef tied_net()")],
           fails={"structure": ["Two calls of tied_net() share their tied layer", "not at module level"]},
           passes=["forward", "gradients"]),
    Mutant("tanh", "The activation after the second shared layer is Tanh, not ReLU.",
           edits=[("shared, nn.ReLU(),\n                         nn.Linear(8, 1)",
                   "shared, nn.Tanh(),\n                         nn.Linear(8, 1)")],
           # the forward check matches the parameters by name here: no "matched by position" note
           fails={"structure": ["'Tanh'"], "forward": ["Tensors are not close"]},
           absent={"forward": ["matched by position"]}),
)
