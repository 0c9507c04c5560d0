"""read_write/checkpoint: save and restore a model and its optimizer, so that training resumes exactly.

k training steps, ``save_checkpoint``, ``load_checkpoint`` into fresh objects and m more steps
must equal k + m steps straight through (SGD with momentum here; Adam in the hidden checks).
When it does not, the judge replays the known mistakes (a fresh optimizer, nothing loaded, the
parameters not restored, ``assign=True``) to say which one it was.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('read_write/checkpoint', ['resume_sgd', 'epoch', 'load_refuses_code', 'buffers'])
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, student_call
from grader.checks.base import GraderFault
from grader.tracks.pytorch.checks.buffers import BUFFERS_CHECK
from grader.tracks.pytorch.checks.draw import batch, cases, width
from grader.tracks.pytorch.checks.files import fresh_path, function_location
from grader.tracks.pytorch.checks.pair import randn
from grader.tracks.pytorch.checks.planted import refuse_planted
from grader.tracks.pytorch.compare import Tolerance, compare
from grader.mutants import Mutant
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import Spec, ex, handle, nn, torch_attr

_F64 = torch_attr("float64")
_CKPT_TOL = Tolerance(rtol=1e-7, atol=1e-9)
_ckpt_sizes = dict(i=width(1, 5), h=width(1, 6), o=width(1, 3), n=batch(2, 6),
                   k=st.integers(1, 4), m=st.integers(1, 4), lr=st.sampled_from([0.1, 0.05, 0.2, 0.01]))
_sgd_cases = cases(**_ckpt_sizes, momentum=st.sampled_from([0.9, 0.5, 0.99]))
_SGD_DEFAULTS = ({"i": 4, "h": 8, "o": 2, "n": 6, "k": 3, "m": 2, "lr": 0.05, "momentum": 0.9},)


def _model(c: dict[str, Any]) -> Spec:
    return nn.Sequential(nn.Linear(c["i"], c["h"], dtype=_F64), nn.Tanh(), nn.Linear(c["h"], c["o"], dtype=_F64))


def _optimizer(c: dict[str, Any], model: int) -> Spec:
    params = handle(model).attr("parameters")()
    if "momentum" in c:
        return torch_attr("optim.SGD")(params, lr=c["lr"], momentum=c["momentum"])
    return torch_attr("optim.Adam")(params, lr=c["lr"])


def _optimizer_text(c: dict[str, Any], model: str) -> str:
    if "momentum" in c:
        return f"torch.optim.SGD({model}.parameters(), lr={c['lr']}, momentum={c['momentum']})"
    return f"torch.optim.Adam({model}.parameters(), lr={c['lr']})"


def _data(c: dict[str, Any], seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return (randn(gen, c["n"], c["i"], dtype=torch.float64), randn(gen, c["n"], c["o"], dtype=torch.float64))


def _seeds(seed: int) -> tuple[int, int]:
    return seed % 2**31, (seed * 7919 + 1) % 2**31


class _Trainer:
    """Models and optimizers built from specs on one side (worker or reference), trained there."""

    def __init__(self, runner: Any, case: dict[str, Any], X: torch.Tensor, Y: torch.Tensor) -> None:
        self.runner, self.case, self.X, self.Y = runner, case, X, Y

    def new(self, seed: int) -> tuple[int, int]:
        model = self.runner.request("build", spec=_model(self.case).node, seed=seed)["handle"]
        opt = self.runner.request("build", spec=_optimizer(self.case, model).node, seed=seed)["handle"]
        return model, opt

    def train(self, model: int, opt: int, steps: int) -> None:
        self.runner.request("train", model=model, optimizer=opt, X=self.X, Y=self.Y, steps=steps)

    def state(self, model: int) -> dict[str, torch.Tensor]:
        return dict(self.runner.request("state", handle=model)["tensors"])


def _resume_story(c: dict[str, Any], path: str) -> str:
    k, m = c["k"], c["m"]
    return (f"model = {_model(c)}   # seed A\n"
            f"opt = {_optimizer_text(c, 'model')}\n"
            f"X, Y = torch.randn({c['n']}, {c['i']}), torch.randn({c['n']}, {c['o']})   # float64\n"
            f"train(model, opt, X, Y, steps={k})   # full-batch MSE: zero_grad, loss.backward(), opt.step()\n"
            f"save_checkpoint({path!r}, model, opt, epoch={k})\n"
            f"model2 = <the same architecture, another seed>; opt2 = {_optimizer_text(c, 'model2')}\n"
            f"epoch = load_checkpoint({path!r}, model2, opt2)\n"
            f"train(model2, opt2, X, Y, steps={m})\n"
            f"# expected: model2's parameters equal those of the seed-A model trained {k + m} steps straight "
            f"through")


def _resume(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    seed_a, seed_b = _seeds(seed)
    X, Y = _data(case, seed)
    path = fresh_path(ctx, "checkpoint.pt")
    shown = _resume_story(case, path)
    mine = _Trainer(ctx.student, case, X, Y)
    try:
        model, opt = mine.new(seed_a)
        mine.train(model, opt, case["k"])
    except StudentError as err:  # only the grader's own objects so far
        raise Failure(f"Training the model before the checkpoint failed: {err.type}: {err.message}") from None
    student_call(ctx, "value", doing=f"`save_checkpoint({path!r}, model, opt, epoch={case['k']})`", case=shown,
                 spec=ex.save_checkpoint(path, handle(model), handle(opt), epoch=case["k"]).node)
    model2, opt2 = mine.new(seed_b)
    student_call(ctx, "value", doing=f"`load_checkpoint({path!r}, model2, opt2)`", case=shown,
                 spec=ex.load_checkpoint(path, handle(model2), handle(opt2)).node)
    student_call(ctx, "train", doing=f"`train(model2, opt2, X, Y, steps={case['m']})` after load_checkpoint",
                 case=shown, model=model2, optimizer=opt2, X=X, Y=Y, steps=case["m"])
    got = mine.state(model2)

    ref = _Trainer(ctx.reference, case, X, Y)
    r_model, r_opt = ref.new(seed_a)
    ref.train(r_model, r_opt, case["k"] + case["m"])
    expected = ref.state(r_model)
    if ctx.recording:  # a replay needs every answer the hints below may ask for
        _resume_hints(ctx, ref, case, expected, seed_a, seed_b)
    diff = compare(got, expected, tol=_CKPT_TOL)
    if diff is None:
        return
    try:
        hints = _resume_hints(ctx, ref, case, got, seed_a, seed_b)
    except GraderFault:  # a replay that did not record this path: no hint rather than a wrong one
        hints = []
    raise Failure(f"Compared model2's parameters after resuming with those of training {case['k']} + {case['m']} "
                  f"steps straight through.\n{diff}", hints=hints,
                  location=function_location(ctx, "load_checkpoint"), case=shown)


def _resume_hints(ctx: CheckContext, ref: _Trainer, case: dict[str, Any], got: dict[str, torch.Tensor],
                  seed_a: int, seed_b: int) -> list[str]:
    """Which known mistake reproduces the student's parameters."""
    k, m = case["k"], case["m"]
    kind = "momentum buffers" if "momentum" in case else "Adam moments and step counts"
    # the optimizer restarts fresh after k steps (its state was not saved or not restored)
    model, opt = ref.new(seed_a)
    ref.train(model, opt, k)
    if compare(got, ref.state(model), tol=_CKPT_TOL) is None:
        return ["The model restored from the checkpoint did not change in the last training steps: the "
                "optimizer updates other tensors than the model's parameters. `load_state_dict(..., "
                "assign=True)` (or assigning new Parameters) replaces the parameter objects the optimizer was "
                "built over: load with plain `model.load_state_dict(...)`, which copies into them."]
    fresh = ref.runner.request("build", spec=_optimizer(case, model).node, seed=0)["handle"]
    ref.train(model, fresh, m)
    if compare(got, ref.state(model), tol=_CKPT_TOL) is None:
        return [f"Your result equals resuming with a FRESH optimizer: the optimizer's state ({kind}) was not "
                f"saved or not restored. Save `optimizer.state_dict()` in the checkpoint and call "
                f"`optimizer.load_state_dict(...)` on the optimizer passed to load_checkpoint (do not create a "
                f"new one)."]
    # nothing restored into model2 / opt2 (e.g. the loaded state was bound to a new local name)
    model2, opt2 = ref.new(seed_b)
    ref.train(model2, opt2, m)
    if compare(got, ref.state(model2), tol=_CKPT_TOL) is None:
        return ["Your result equals training model2 from its own fresh initialization: nothing was loaded into "
                "the `model` and `optimizer` passed to load_checkpoint. Restore them in place with "
                "`model.load_state_dict(...)` and `optimizer.load_state_dict(...)` (assigning to the name "
                "`model` inside the function changes nothing for the caller)."]
    # the optimizer state restored but not the model's parameters
    model3, opt3 = ref.new(seed_b)
    ctx.reference.derive(opt3, "load the state of opt after k steps",
                         lambda o: o.load_state_dict(ctx.reference.obj(opt).state_dict()), mutates=True)
    ref.train(model3, opt3, m)
    if compare(got, ref.state(model3), tol=_CKPT_TOL) is None:
        return ["Your result equals restoring the optimizer but not the model's parameters: call "
                "`model.load_state_dict(checkpoint['model'])` too."]
    return []


_epoch_cases = cases(epoch=st.integers(0, 100), i=width(1, 4), o=width(1, 3), n=batch(2, 4),
                     optimizer=st.sampled_from(["sgd", "adam"]))


def _epoch(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    c = {"i": case["i"], "h": 3, "o": case["o"], "n": case["n"], "lr": 0.05}
    if case["optimizer"] == "sgd":
        c["momentum"] = 0.9
    X, Y = _data(c, seed)
    path = fresh_path(ctx, "checkpoint_epoch.pt")
    e = case["epoch"]
    mine = _Trainer(ctx.student, c, X, Y)
    model, opt = mine.new(seed)
    mine.train(model, opt, 1)
    shown = (f"model = {_model(c)}\nopt = {_optimizer_text(c, 'model')}   # after one training step\n"
             f"save_checkpoint({path!r}, model, opt, epoch={e})\n"
             f"model2, opt2 = <fresh objects of the same kinds>\nepoch = load_checkpoint({path!r}, model2, opt2)")
    student_call(ctx, "value", doing=f"`save_checkpoint({path!r}, model, opt, epoch={e})`", case=shown,
                 spec=ex.save_checkpoint(path, handle(model), handle(opt), epoch=e).node)
    model2, opt2 = mine.new(seed + 1)
    got = student_call(ctx, "value", doing=f"`load_checkpoint({path!r}, model2, opt2)`", case=shown,
                       spec=ex.load_checkpoint(path, handle(model2), handle(opt2)).node)["value"]
    diff = compare(got, e)
    if diff is None:
        return
    hints = []
    if got is None:
        hints.append("load_checkpoint returns nothing: end it with `return checkpoint['epoch']`.")
    elif isinstance(got, int) and not isinstance(got, bool) and got == e + 1:
        hints.append("You return the epoch after the saved one: return the epoch that was saved (the caller "
                     "decides where to go on from).")
    elif isinstance(got, (torch.Tensor, float)):
        hints.append("Return the epoch as a Python int: `int(checkpoint['epoch'])`.")
    elif isinstance(got, int) and got != e:
        hints.append("The epoch passed to save_checkpoint must be stored in the file and returned by "
                     "load_checkpoint.")
    raise Failure(f"Compared the epoch load_checkpoint returned with the one passed to save_checkpoint.\n{diff}",
                  hints=hints, location=function_location(ctx, "load_checkpoint", ("return",)), case=shown)


def _checkpoint_refuses_code(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    c = {"i": 3, "h": 4, "o": 2, "n": 4, "lr": 0.05, "momentum": 0.9}
    X, Y = _data(c, seed)
    mine = _Trainer(ctx.student, c, X, Y)
    model, opt = mine.new(seed)
    mine.train(model, opt, 1)
    path = fresh_path(ctx, "checkpoint_good.pt")
    shown = (f"model = {_model(c)}\nopt = {_optimizer_text(c, 'model')}\n"
             f"save_checkpoint({path!r}, model, opt, epoch=1)\nload_checkpoint({path!r}, model2, opt2)")
    student_call(ctx, "value", doing=f"`save_checkpoint({path!r}, model, opt, epoch=1)`", case=shown,
                 spec=ex.save_checkpoint(path, handle(model), handle(opt), epoch=1).node)
    model2, opt2 = mine.new(seed + 1)
    student_call(ctx, "value", doing=f"`load_checkpoint({path!r}, model2, opt2)`", case=shown,
                 spec=ex.load_checkpoint(path, handle(model2), handle(opt2)).node)

    def call(planted: str) -> None:
        ctx.student.request("value", spec=ex.load_checkpoint(planted, handle(model2), handle(opt2)).node)

    refuse_planted(ctx, call, "load_checkpoint({path}, model2, opt2)", "load_checkpoint")


EXERCISE = Exercise("read_write/checkpoint", "Checkpoints: resume training exactly where it stopped", (
    Custom(id="resume_sgd", title="SGD with momentum: k steps, save, load into fresh objects, m steps == k + m "
           "steps straight through", points=2, examine=_resume, cases=_sgd_cases, max_examples=4,
           defaults=_SGD_DEFAULTS),
    Custom(id="epoch", title="load_checkpoint returns the saved epoch as an int", points=1, examine=_epoch,
           cases=_epoch_cases, max_examples=4),
    Custom(id="load_refuses_code", title="load_checkpoint refuses a file that would run code when unpickled",
           points=1, examine=_checkpoint_refuses_code, max_examples=1),
    BUFFERS_CHECK,
))

_adam_cases = cases(**_ckpt_sizes)
_ADAM_DEFAULTS = ({"i": 4, "h": 8, "o": 2, "n": 6, "k": 3, "m": 2, "lr": 0.01},)

HIDDEN = (
    Custom(id="resume_adam", title="Adam: k steps, save, load into fresh objects, m steps == k + m steps straight "
           "through", points=2, examine=_resume, cases=_adam_cases, max_examples=4, defaults=_ADAM_DEFAULTS),
)


# -- known-bad submissions ------------------------------------------------------------------------

_SAVE_OPTIMIZER = '        "optimizer": optimizer.state_dict(),\n'
_LOAD_MODEL = 'model.load_state_dict(checkpoint["model"])'
_LOAD_OPTIMIZER = '    optimizer.load_state_dict(checkpoint["optimizer"])'
_RETURN = '    return int(checkpoint["epoch"])'
_FRESH_OPTIMIZER = "resuming with a FRESH optimizer"

MUTANTS = (
    Mutant("no_optimizer_state", "The optimizer's state is not saved: resumes with a fresh optimizer.",
           edits=[(_SAVE_OPTIMIZER, ""), (_LOAD_OPTIMIZER + "\n", "")],
           fails={"resume_sgd": [_FRESH_OPTIMIZER, "momentum buffers", "steps straight through"],
                  "resume_adam": [_FRESH_OPTIMIZER, "Adam moments"]},
           passes=["epoch", "load_refuses_code"]),
    Mutant("new_optimizer_inside_load", "`load_checkpoint` loads the optimizer's state into a new optimizer "
           "bound to the local name, not into the one passed in.",
           edits=[(_LOAD_OPTIMIZER, "    optimizer = type(optimizer)(model.parameters(), **optimizer.defaults)\n"
                                    + _LOAD_OPTIMIZER)],
           fails={"resume_sgd": [_FRESH_OPTIMIZER], "resume_adam": [_FRESH_OPTIMIZER]},
           passes=["epoch", "load_refuses_code"]),
    Mutant("epoch_plus_one", "`load_checkpoint` returns the epoch after the saved one.",
           edits=[(_RETURN, '    return checkpoint["epoch"] + 1')],
           fails={"epoch": ["expected int 0, got int 1", "the epoch after the saved one", "epoch = load_checkpoint("]},
           passes=["resume_sgd", "resume_adam", "load_refuses_code"]),
    Mutant("epoch_not_returned", "`load_checkpoint` returns nothing.",
           edits=[("\n" + _RETURN, "")],
           fails={"epoch": ["got NoneType None", "returns nothing"]},
           passes=["resume_sgd", "resume_adam", "load_refuses_code"]),
    Mutant("model_rebound_locally", "`load_checkpoint` loads into a deep copy of `model`: the caller's model and "
           "optimizer are untouched.",
           edits=[("import os\n", "import copy\nimport os\n"),
                  ("    " + _LOAD_MODEL + "\n" + _LOAD_OPTIMIZER,
                   "    model = copy.deepcopy(model)\n    " + _LOAD_MODEL)],
           fails={"resume_sgd": ["nothing was loaded into the `model` and `optimizer`"]},
           passes=["epoch", "load_refuses_code"]),
    Mutant("assign_true_detaches_optimizer", "`load_state_dict(..., assign=True)` replaces the parameters the "
           "optimizer was built over.",
           edits=[(_LOAD_MODEL, 'model.load_state_dict(checkpoint["model"], assign=True)')],
           fails={"resume_sgd": ["assign=True"], "resume_adam": ["assign=True"]},
           passes=["epoch", "load_refuses_code"]),
    Mutant("unsafe_load", "`load_checkpoint` uses `torch.load(path, weights_only=False)`.",
           edits=[("torch.load(path, weights_only=True)", "torch.load(path, weights_only=False)")],
           fails={"load_refuses_code": ["ran code stored in the file", "load_checkpoint('planted_pt.pt', model2, opt2)",
                                        "torch.load(path, weights_only=True)"]},
           passes=["resume_sgd", "resume_adam", "epoch"]),
    Mutant("parameters_only", "Saves only the parameters (`named_parameters()`) and loads with `strict=False`: "
           "BatchNorm's running statistics are lost.",
           edits=[('"model": model.state_dict(),', '"model": dict(model.named_parameters()),'),
                  (_LOAD_MODEL, 'model.load_state_dict(checkpoint["model"], strict=False)')],
           fails={"buffers": ["running_mean", "BatchNorm's running statistics", "save `model.state_dict()`"]},
           passes=["epoch", "load_refuses_code", "resume_sgd"]),
)
