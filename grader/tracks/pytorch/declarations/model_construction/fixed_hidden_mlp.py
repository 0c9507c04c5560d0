"""model_construction/fixed_hidden_mlp: constant weights, a reused layer and control flow.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/fixed_hidden_mlp', ['names', 'rand_weight_buffer', 'forward', 'gradients'])
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Gradients, Mistake, Names, build_pair, student_call
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex

_fixed_sizes = cases(f=width(1, 12), batch=batch())
_FIXED_DEFAULTS = ({"f": 20, "batch": 2},)


def _fixed(c: dict[str, Any]) -> Spec:
    return ex.FixedHiddenMLP(c["f"])


def _fixed_forward_without_plus_one(m: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    X = m.linear(X)
    X = F.relu(X @ m.rand_weight)
    X = m.linear(X)
    while X.abs().sum() > 1:
        X = X / 2
    return X.sum()


def _fixed_forward_no_loop(m: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    X = m.linear(F.relu(m.linear(X) @ m.rand_weight + 1))
    return X.sum()


def _two_linears(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    linears = [m for m in mine["modules"] if m["type"] == "Linear"]
    if len({m["object"] for m in linears}) > 1:
        return ["FixedHiddenMLP uses ONE layer `linear` twice in forward (the same parameters both times): "
                "do not create a second Linear layer."]
    return []


def _rand_weight_is_buffer(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _fixed(case)
    pair = build_pair(ctx, spec, seed=seed, align=False)
    desc = student_call(ctx, "describe", doing=f"`{spec}`", handle=pair.student)
    loc = desc.get("locations", {})
    where = {"file": loc["file"], "line": loc.get("__init__", 0)} if "file" in loc else None
    params = {p["name"] for p in desc["parameters"]}
    buffers = {b["name"]: b for b in desc["buffers"]}
    hint = ("Create it with `self.register_buffer('rand_weight', torch.rand(features, features))`: a buffer is "
            "saved in state_dict and follows `.to()`, but is not a trainable parameter.")
    if "rand_weight" in params:
        raise Failure("`rand_weight` is an nn.Parameter: the optimizer would train it, but it must stay constant.",
                      hints=(hint,), location=where, case=f"net = {spec}")
    if "rand_weight" not in buffers:
        attrs = [a["name"] for a in desc["attributes"]]
        what = ("a plain tensor attribute, so it is not in state_dict and does not follow .to(device)"
                if "rand_weight" in attrs else "not found among the module's buffers")
        raise Failure(f"`rand_weight` is {what}.", hints=(hint,), location=where, case=f"net = {spec}")
    info = buffers["rand_weight"]
    f = case["f"]
    if info["shape"] != [f, f]:
        raise Failure(f"`rand_weight` has shape {tuple(info['shape'])}, expected ({f}, {f}).", location=where,
                      case=f"net = {spec}")
    if info["requires_grad"]:
        raise Failure("`rand_weight` requires grad: it must be a constant.", hints=(hint,), location=where,
                      case=f"net = {spec}")
    if "rand_weight" not in desc["state_keys"]:
        raise Failure("`rand_weight` is not saved in state_dict (registered with persistent=False?).",
                      hints=(hint,), location=where, case=f"net = {spec}")
    student_call(ctx, "to", doing=f"`{spec}.to(torch.float64)`", handle=pair.student, dtype="float64")
    moved = student_call(ctx, "describe", doing=f"`{spec}`", handle=pair.student)
    dtypes = {b["name"]: b["dtype"] for b in moved["buffers"]}
    if dtypes.get("rand_weight") != "float64":
        raise Failure("After `net.to(torch.float64)`, `rand_weight` is still "
                      f"{dtypes.get('rand_weight')}: it does not follow the module.", hints=(hint,),
                      location=where, case=f"net = {spec}\nnet.to(torch.float64)")
    state = student_call(ctx, "state", doing=f"`{spec}`", handle=pair.student)["tensors"]
    values = state.get("rand_weight")
    if values is not None and values.numel() and (float(values.min()) < 0 or float(values.max()) >= 1):
        raise Failure(f"`rand_weight` has values in [{float(values.min()):.3g}, {float(values.max()):.3g}], "
                      "outside [0, 1): it must be drawn with torch.rand (uniform), not torch.randn.",
                      location=where, case=f"net = {spec}")


EXERCISE = Exercise("model_construction/fixed_hidden_mlp",
                    "FixedHiddenMLP: constant weights, a reused layer and control flow", (
    Names(points=1, build=_fixed, cases=_fixed_sizes, defaults=_FIXED_DEFAULTS, diagnose=_two_linears),
    Custom(id="rand_weight_buffer", title="rand_weight is a constant uniform buffer: saved, follows .to(), not trained",
           points=2, examine=_rand_weight_is_buffer, cases=cases(f=width(2, 12))),
    Forward(points=3, build=_fixed, inputs=matrix_input("f"), cases=_fixed_sizes, defaults=_FIXED_DEFAULTS, mistakes=(
        Mistake("Your output equals the computation without `+ 1` after `X @ rand_weight`.",
                _fixed_forward_without_plus_one),
        Mistake("Your output equals the computation without the `while X.abs().sum() > 1: X /= 2` loop.",
                _fixed_forward_no_loop),
    )),
    Gradients(points=1, build=_fixed, inputs=matrix_input("f"), cases=_fixed_sizes, defaults=_FIXED_DEFAULTS,
              title="gradients reach `linear`, summed over its two uses"),
))


# -- known-bad submissions ------------------------------------------------------------------------

_BUFFER_LINE = 'self.register_buffer("rand_weight", torch.rand(features, features))'
_BUFFER_HINT = "self.register_buffer('rand_weight', torch.rand(features, features))"

MUTANTS = (
    Mutant("rand_weight_parameter", "`rand_weight` is an nn.Parameter: the optimizer would train it.",
           edits=[(_BUFFER_LINE, "self.rand_weight = nn.Parameter(torch.rand(features, features))")],
           fails={"rand_weight_buffer": ["`rand_weight` is an nn.Parameter", _BUFFER_HINT],
                  "names": ["rand_weight should be a buffer, but it is a parameter"]},
           passes=["forward", "gradients"]),
    Mutant("rand_weight_plain_attribute", "`rand_weight` is a plain tensor attribute, not a buffer.",
           edits=[(_BUFFER_LINE, "self.rand_weight = torch.rand(features, features)")],
           fails={"rand_weight_buffer": ["plain tensor attribute", "does not follow .to(device)", _BUFFER_HINT],
                  "names": ["Missing keys: rand_weight", "`rand_weight` is a plain tensor attribute"]},
           passes=["forward", "gradients"]),
    Mutant("rand_weight_randn", "`rand_weight` drawn with `torch.randn` instead of `torch.rand`.",
           edits=[("torch.rand(features, features)", "torch.randn(features, features)")],
           fails={"rand_weight_buffer": ["outside [0, 1)", "torch.rand (uniform), not torch.randn"]},
           passes=["names", "forward", "gradients"]),
    Mutant("rand_weight_not_persistent", "`rand_weight` registered with `persistent=False`: not in state_dict.",
           edits=[(_BUFFER_LINE,
                   'self.register_buffer("rand_weight", torch.rand(features, features), persistent=False)')],
           fails={"rand_weight_buffer": ["not saved in state_dict", "persistent=False"],
                  "names": ["Missing keys: rand_weight", "registered with `persistent=False`"]},
           passes=["forward", "gradients"]),
    Mutant("two_linear_layers", "A second Linear layer instead of using `linear` twice.",
           edits=[("        self.linear = nn.Linear(features, features)\n",
                   "        self.linear = nn.Linear(features, features)\n"
                   "        self.linear2 = nn.Linear(features, features)\n"),
                  ("""        # The same layer again: its parameters are shared between both uses.
        X = self.linear(X)""", "        X = self.linear2(X)")],
           fails={"names": ["Unexpected keys: linear2.weight, linear2.bias", "ONE layer `linear` twice",
                            "do not create a second Linear layer"]},
           passes=["rand_weight_buffer"]),
    Mutant("without_plus_one", "`relu(X @ rand_weight)` without the `+ 1`.",
           edits=[("F.relu(X @ self.rand_weight + 1)", "F.relu(X @ self.rand_weight)")],
           fails={"forward": ["without `+ 1` after `X @ rand_weight`"]}, passes=["names", "rand_weight_buffer"],
           absent={"forward": ["without the `while"]}),
    Mutant("without_loop", "No `while X.abs().sum() > 1: X /= 2` loop.",
           edits=[("""        while X.abs().sum() > 1:
            X = X / 2
""", "")],
           fails={"forward": ["without the `while X.abs().sum() > 1: X /= 2` loop"]},
           passes=["names", "rand_weight_buffer"]),
    Mutant("output_through_item", "The output is rebuilt from `.item()`: it is cut off from autograd.",
           edits=[("return X.sum()", "return torch.tensor(X.sum().item())")],
           fails={"gradients": ["does not require grad", "`.item()`"]},
           passes=["names", "rand_weight_buffer", "forward"]),
)
