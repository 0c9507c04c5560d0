"""read_write/clone: a model copied through its ``state_dict`` on disk.

``clone(net, make, path)`` must write ``net.state_dict()`` to a real file, load it into a new model
built by ``make()`` and return that in eval mode: the same outputs as ``net``, and no storage
shared with it. ``net`` holds Dropout, or BatchNorm with running statistics unlike a fresh layer's.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('read_write/clone', ['same_outputs', 'eval_mode', 'no_shared_storage', 'file'])
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, student_call
from grader.tracks.pytorch.checks.buffers import trained_statistics
from grader.tracks.pytorch.checks.draw import batch, cases, width
from grader.tracks.pytorch.checks.files import fresh_path, function_location, short_problem
from grader.tracks.pytorch.checks.pair import randn
from grader.tracks.pytorch.compare import Tolerance, compare
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex, factory, handle, nn

_EXACT = Tolerance(rtol=0.0, atol=0.0)


_clone_cases = cases(i=width(1, 6), h=width(2, 8), o=width(1, 4), batch=batch(2, 6),
                     arch=st.sampled_from(["dropout", "batchnorm"]))
_CLONE_DEFAULTS = ({"i": 4, "h": 8, "o": 3, "batch": 4, "arch": "dropout"},
                   {"i": 4, "h": 8, "o": 3, "batch": 4, "arch": "batchnorm"})


def _net(c: dict[str, Any]) -> Spec:
    if c["arch"] == "batchnorm":
        return nn.Sequential(nn.Linear(c["i"], c["h"]), nn.BatchNorm1d(c["h"]), nn.ReLU(), nn.Dropout(0.5),
                             nn.Linear(c["h"], c["o"]))
    return nn.Sequential(nn.Linear(c["i"], c["h"]), nn.Dropout(0.5), nn.Linear(c["h"], c["o"]))


class _Cloned:
    """``net`` built in the worker with the reference's values, and what ``clone`` returned."""

    def __init__(self, ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
        spec = _net(case)
        self.path = fresh_path(ctx, "clone.params")
        self.shown = f"net = {spec}   # in training mode\nclone_ = clone(net, {factory(spec)}, {self.path!r})"
        self.reference = ctx.reference
        self.ref = ctx.reference.request("build", spec=spec.node, seed=seed)["handle"]

        def prepared_state(net: torch.nn.Module) -> dict[str, torch.Tensor]:
            if case["arch"] == "batchnorm":  # running statistics that differ from a fresh layer's
                return trained_statistics(net, net[1], seed=seed, tracked=7)
            return {k: v.detach().clone() for k, v in net.state_dict().items()}

        self.state = dict(ctx.reference.derive(self.ref, "clone: net's state", prepared_state))
        self.params = set(ctx.reference.derive(self.ref, "clone: parameter names",
                                               lambda net: sorted(name for name, _ in net.named_parameters())))
        self.net = ctx.student.request("build", spec=spec.node, seed=seed)["handle"]
        ctx.student.request("assign", handle=self.net, tensors=self.state)
        call = ex.clone(handle(self.net), factory(spec, counter="make"), self.path)
        before = ctx.student.request("counters")["counters"].get("make", 0)
        built = student_call(ctx, "value", doing=f"`clone(net, make, {self.path!r})`", case=self.shown,
                             spec=call.node, keep=True)
        self.made = ctx.student.request("counters")["counters"].get("make", 0) - before
        self.clone, self.type = built["handle"], built["type"]
        if self.type == "NoneType" or not self._is_module(ctx):
            raise Failure(f"clone returned {'None' if self.type == 'NoneType' else 'a ' + self.type}, expected the "
                          f"new nn.Module.", hints=("End clone with `return model` (the one `make()` built, in "
                                                    "eval mode).",) if self.type == "NoneType" else (),
                          location=function_location(ctx, "clone", ("return",)), case=self.shown)

    def _is_module(self, ctx: CheckContext) -> bool:
        return bool(student_call(ctx, "describe", doing="the returned clone", handle=self.clone)["is_module"])


def _clone_outputs(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    cl = _Cloned(ctx, case, seed)
    X = randn(torch.Generator().manual_seed(seed + 1), case["batch"], case["i"])
    shown = cl.shown + "\nclone_.eval()\nclone_(X) == net.eval()(X)   # X: standard normal, shape " \
        f"{(case['batch'], case['i'])}"
    student_call(ctx, "value", doing="`clone_.eval()`", case=shown, spec=handle(cl.clone).attr("eval")().node)
    got = student_call(ctx, "forward", doing="the clone", case=shown, handle=cl.clone, args=[X])["output"]
    def eval_output(net: torch.nn.Module) -> torch.Tensor:
        with torch.no_grad():
            return net.eval()(X)

    expected = cl.reference.derive(cl.ref, "clone: net.eval()(X)", eval_output, inputs=[X])
    diff = compare(got, expected)
    if diff is None:
        return
    mine = student_call(ctx, "state", doing="the clone", handle=cl.clone)["tensors"]
    differ = [k for k, v in cl.state.items() if k in mine and compare(mine[k], v) is not None]
    missing = [k for k in cl.state if k not in mine]
    hints = []
    params = cl.params
    if differ and not any(k in params for k in differ):
        hints.append(f"The clone's buffers {', '.join(differ[:4])} differ from net's (running statistics): save "
                     f"`net.state_dict()`, which holds the buffers too, not only the parameters.")
    elif differ:
        hints.append(f"The clone's {', '.join(differ[:4])} differ from net's: load the state_dict read back from "
                     f"the file into the model that `make()` returned (`model.load_state_dict(torch.load(path, "
                     f"weights_only=True))`), and return that model.")
    if missing:
        hints.append(f"The clone has no {', '.join(missing[:4])}: build it with `make()`.")
    raise Failure(f"Compared the clone's output (in eval mode) with net's, on the same input.\n{diff}", hints=hints,
                  location=function_location(ctx, "clone"), case=shown)


def _clone_eval(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    cl = _Cloned(ctx, case, seed)
    desc = student_call(ctx, "describe", doing="the clone", handle=cl.clone)
    training = [m["name"] for m in desc["modules"] if m["training"]]
    if training:
        which = ", ".join((["the model"] if "" in training else []) +
                          [f"submodule {n}" for n in training if n][:4])
        raise Failure(f"The clone is in training mode (`training` is True for {which}): Dropout "
                      f"would still zero activations at random and BatchNorm would use batch statistics.",
                      hints=("Call `model.eval()` on the clone before returning it.",),
                      location=function_location(ctx, "clone", ("return",)), case=cl.shown + "\nclone_.training")


_SHARE_HINT = ("Load the state_dict read back from the file into `make()`'s model without `assign=True`: "
               "`load_state_dict(net.state_dict(), assign=True)` (or assigning net's parameters, or `copy.copy`) "
               "puts net's own tensors into the clone.")


def _clone_independent(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    cl = _Cloned(ctx, case, seed)
    mine = student_call(ctx, "describe", doing="the clone", handle=cl.clone)
    theirs = ctx.student.request("describe", handle=cl.net)
    where = function_location(ctx, "clone", ("return",))
    shown = cl.shown + "\nclone_ is net, or shares a tensor's storage with it?"
    if mine["modules"] and mine["modules"][0]["object"] == theirs["modules"][0]["object"]:
        raise Failure("clone returned `net` itself: changing the clone would change net.",
                      hints=("Return the new model built by `make()`, with the saved state_dict loaded into it.",),
                      location=where, case=shown)
    if cl.made == 0:
        raise Failure("clone never called `make()`: the clone must be a model built by `make()` (not `net`, nor a "
                      "`copy.deepcopy` of it), with the state_dict read back from the file loaded into it.",
                      hints=("`model = make()`, then `model.load_state_dict(torch.load(path, weights_only=True))`.",),
                      location=where, case=cl.shown + "\n# how many times clone called make()")
    owners = {t["storage"]: t["name"] for t in theirs["parameters"] + theirs["buffers"] if t["storage"] != -1}
    shared = [(t["name"], owners[t["storage"]]) for t in mine["parameters"] + mine["buffers"]
              if t["storage"] in owners]
    if shared:
        pairs = ", ".join(f"clone's {a} and net's {b}" for a, b in shared[:4])
        raise Failure(f"The clone shares storage with net ({pairs}): training one would change the other.",
                      hints=(_SHARE_HINT,), location=where, case=shown)


def _clone_file(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    cl = _Cloned(ctx, case, seed)
    shown = cl.shown + f"\ntorch.load({cl.path!r}, weights_only=True) == net.state_dict()"
    where = function_location(ctx, "clone", ("save", "dump", "open"))
    hint = f"Write the file with `torch.save(net.state_dict(), path)`."
    if not ctx.student.request("exists", path=cl.path)["exists"]:
        raise Failure(f"clone(net, make, {cl.path!r}) left no file at {cl.path!r}: the state_dict must go through "
                      f"a real file.", hints=(hint,), location=where, case=shown)
    read = ctx.student.request("safe_load", path=cl.path)
    if read["problem"]:
        whole = " (it seems to hold the module object itself)" if "Sequential" in read["problem"] or \
            "Module" in read["problem"] else ""
        raise Failure(f"torch.load({cl.path!r}, weights_only=True) could not read the file{whole}: "
                      f"{short_problem(read['problem'])}",
                      hints=(hint + " Save the state_dict, not the model: `torch.save(net, path)` pickles the "
                             "classes, which a safe load refuses.",), location=where, case=shown)
    diff = compare(read["value"], cl.state, tol=_EXACT)
    if diff is not None:
        raise Failure(f"Compared the file's content with net.state_dict().\n{diff}", hints=(hint,), location=where,
                      case=shown)


EXERCISE = Exercise("read_write/clone", "clone: a model copied through its state_dict on disk", (
    Custom(id="same_outputs", title="the clone computes the same outputs as net (eval mode)", points=2,
           examine=_clone_outputs, cases=_clone_cases, max_examples=5, defaults=_CLONE_DEFAULTS),
    Custom(id="eval_mode", title="the clone is returned in eval mode", points=1, examine=_clone_eval,
           cases=_clone_cases, max_examples=2),
    Custom(id="no_shared_storage", title="the clone is a new model built by make() that shares no storage with net",
           points=2,
           examine=_clone_independent, cases=_clone_cases, max_examples=3, defaults=_CLONE_DEFAULTS),
    Custom(id="file", title="net's state_dict is saved at path, readable with torch.load(weights_only=True)",
           points=1, examine=_clone_file, cases=_clone_cases, max_examples=2, defaults=_CLONE_DEFAULTS),
))


# -- known-bad submissions ------------------------------------------------------------------------

_SAVE = "    torch.save(net.state_dict(), path)\n"
_LOAD = "model.load_state_dict(torch.load(path, weights_only=True))"
_AFTER_MAKE = f"    {_LOAD}\n    model.eval()\n    return model"

MUTANTS = (
    Mutant("no_eval", "The clone is left in training mode.",
           edits=[("    model.eval()\n", "")],
           fails={"eval_mode": ["training mode", "model.eval()"]},
           passes=["same_outputs", "no_shared_storage", "file"]),
    Mutant("returns_net_itself", "Returns `net` itself.",
           edits=[("    model = make()\n" + _AFTER_MAKE, "    return net.eval()")],
           fails={"no_shared_storage": ["clone returned `net` itself"]},
           passes=["same_outputs", "eval_mode", "file"]),
    Mutant("assign_true_shares_storage", "Loads `net.state_dict()` into `make()`'s model with `assign=True`: the "
           "clone holds net's own tensors.",
           edits=[(_LOAD, "model.load_state_dict(net.state_dict(), assign=True)")],
           fails={"no_shared_storage": ["shares storage with net", "clone's 0.weight and net's 0.weight",
                                        "assign=True"]},
           passes=["same_outputs", "eval_mode", "file"]),
    Mutant("no_file", "Copies the `state_dict` without writing the file.",
           edits=[(_SAVE, ""), (_LOAD, "model.load_state_dict(net.state_dict())")],
           fails={"file": ["left no file at 'clone.params'"]},
           passes=["same_outputs", "eval_mode", "no_shared_storage"]),
    Mutant("saves_whole_model", "Saves the module object itself and loads it back unsafely; `make` is never "
           "called.",
           edits=[(_SAVE + "    model = make()\n" + _AFTER_MAKE,
                   "    torch.save(net, path)\n    return torch.load(path, weights_only=False).eval()")],
           fails={"file": ["could not read the file (it seems to hold the module object itself)",
                           "Save the state_dict, not the model"],
                  "no_shared_storage": ["never called `make()`"]},
           passes=["same_outputs", "eval_mode"]),
    Mutant("deepcopy_instead_of_make", "The clone is a `copy.deepcopy` of `net`, not a model built by `make()`.",
           edits=[("import os\n", "import copy\nimport os\n"), ("model = make()", "model = copy.deepcopy(net)"),
                  ("    model.eval()\n    return model", "    return model.eval()")],
           fails={"no_shared_storage": ["never called `make()`"]},
           passes=["same_outputs", "eval_mode", "file"]),
    Mutant("nothing_loaded", "Returns `make()` without loading the saved parameters.",
           edits=[("    model = make()\n" + _AFTER_MAKE, "    return make().eval()")],
           fails={"same_outputs": ["Compared the clone's output (in eval mode) with net's", "differ from net's"]},
           passes=["eval_mode", "no_shared_storage", "file"]),
    Mutant("parameters_only", "Saves only the parameters (`named_parameters()`) and loads with `strict=False`: "
           "BatchNorm's running statistics are lost.",
           edits=[("torch.save(net.state_dict(), path)", "torch.save(dict(net.named_parameters()), path)"),
                  (_LOAD, "model.load_state_dict(torch.load(path, weights_only=True), strict=False)")],
           fails={"same_outputs": ["BatchNorm1d", "buffers", "running_mean", "running"],
                  "file": ["missing ['1.num_batches_tracked', '1.running_mean', '1.running_var']", "1.running_mean"]},
           passes=["eval_mode", "no_shared_storage"]),
    Mutant("returns_state_dict", "Returns what `load_state_dict` returns (its missing / unexpected keys), not the "
           "model.",
           edits=[(_AFTER_MAKE, f"    return {_LOAD}")],
           fails={"same_outputs": ["clone returned a _IncompatibleKeys, expected the new nn.Module"],
                  "eval_mode": ["expected the new nn.Module"]}),
)
