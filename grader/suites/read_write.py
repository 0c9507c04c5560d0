"""Reading and writing: tensors, checkpoints and clones through real files.

Every file lives in the worker's per-exercise scratch directory (relative
paths); the judge never opens, let alone unpickles, a file a submission wrote.
What is in a file is read inside the worker, by the student's own ``load`` or
by the trusted ``safe_load`` operation (``torch.load(weights_only=True)``);
only tensors and plain data come back. Whether ``load`` runs code hidden in a
file is seen from a side effect: the planted pickles create a marker
directory when unpickled unsafely, and the judge looks for it.
"""
from __future__ import annotations

from typing import Any, Callable

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.checks import CheckContext, Custom, Failure, student_call
from grader.checks.base import GraderFault, student_error_failure
from grader.checks.draw import batch, cases, width
from grader.checks.pair import randn
from grader.compare import Tolerance, compare
from grader.sandbox.client import StudentError
from grader.sandbox.codec import Opaque
from grader.tracks.pytorch.worker.specs import Spec, ex, factory, handle, nn, tensor, torch_attr
from grader.checks.files import code_ran, fresh_path, function_location, short_problem
from grader.checks.buffers import BUFFERS_CHECK, trained_statistics
from grader.checks.tensors import make_tensor, show_tensor

__all__ = ["EXERCISES"]

_EXACT = Tolerance(rtol=0.0, atol=0.0)

# -- shared helpers -------------------------------------------------------------------


_UNSAFE_NEEDLES = ("weights_only=False", "pickle.load", "dill", "torch.load", "pickle")
_SAFE_HINT = ("Load with `torch.load(path, weights_only=True)`: it reads tensors, numbers and plain "
              "containers and refuses anything else. `pickle.load` and `torch.load(path, weights_only=False)` "
              "rebuild arbitrary Python objects, which runs whatever code the file names.")


def refuse_planted(ctx: CheckContext, call: Callable[[str], None], shown_call: str, function: str) -> None:
    """Plant a torch.save zip and a plain pickle that would create a marker directory when
    unpickled; ``call(path)`` runs the student's loader on one of them in the worker. Raising
    is refusing (fine); the marker appearing is a failure."""
    for suffix in (".pt", ".pkl"):
        base, marker = f"planted{suffix.replace('.', '_')}", f"planted{suffix.replace('.', '_')}_RAN"
        ctx.student.request("plant_pickles", base=base, marker=marker)
        path = base + suffix
        kind = "a torch.save file" if suffix == ".pt" else "a plain pickle file"
        try:
            call(path)
        except StudentError:
            pass  # refused
        if code_ran(ctx, marker):
            raise Failure(
                f"{shown_call.format(path=repr(path))} ran code stored in the file ({kind} holding a tensor and "
                f"an object whose unpickling creates the directory {marker!r}): the directory was created. "
                f"A file from anyone else could run any command this way.",
                hints=(_SAFE_HINT,), location=function_location(ctx, function, _UNSAFE_NEEDLES),
                case=f"# {path}: torch.save / pickle.dump of {{'weight': torch.zeros(2), 'evil': <object whose "
                     f"__reduce__ is (os.mkdir, ({marker!r},))>}}\n{shown_call.format(path=repr(path))}")


# -- tensor_io ------------------------------------------------------------------------------

_DTYPES = ("float32", "float64", "int64", "bool", "float16", "bfloat16", "int32", "uint8")
_KEYS = ("x", "w", "b", "layer.weight", "ids", "mask")
_shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)
_leaf = st.tuples(st.sampled_from(_DTYPES), _shapes)
_objects = st.one_of(
    _leaf.map(lambda leaf: ("tensor", leaf)),
    st.lists(_leaf, min_size=1, max_size=3).map(lambda leaves: ("list", tuple(leaves))),
    st.dictionaries(st.sampled_from(_KEYS), _leaf, min_size=1, max_size=3).map(
        lambda d: ("dict", tuple(d.items()))),
)
_io_cases = cases(obj=_objects)
_IO_DEFAULTS = ({"obj": ("dict", (("w", ("float64", (2, 3))), ("ids", ("int64", (4,))), ("mask", ("bool", (2,)))))},
                {"obj": ("list", (("float16", (3,)), ("int32", (2, 2))))},)


def _io_object(case: dict[str, Any], gen: torch.Generator) -> Any:
    kind, body = case["obj"]
    if kind == "tensor":
        return make_tensor(*body, gen)
    if kind == "list":
        return [make_tensor(*leaf, gen) for leaf in body]
    return {key: make_tensor(*leaf, gen) for key, leaf in body}


def _as_spec(obj: Any) -> Any:
    if isinstance(obj, torch.Tensor):
        return tensor(obj)
    if isinstance(obj, list):
        return [tensor(t) for t in obj]
    return {k: tensor(t) for k, t in obj.items()}


def _show_object(obj: Any) -> str:
    if isinstance(obj, torch.Tensor):
        return show_tensor(obj)
    if isinstance(obj, list):
        return "[" + ", ".join(show_tensor(t) for t in obj) + "]"
    return "{" + ", ".join(f"{k!r}: {show_tensor(t)}" for k, t in obj.items()) + "}"


def _io_setup(ctx: CheckContext, case: dict[str, Any], seed: int) -> tuple[Any, str, str]:
    obj = _io_object(case, torch.Generator().manual_seed(seed))
    path = fresh_path(ctx, "tensor_io.pt")
    shown = f"obj = {_show_object(obj)}\nsave(obj, {path!r})"
    student_call(ctx, "value", doing=f"`save(obj, {path!r})`", case=shown, spec=ex.save(_as_spec(obj), path).node)
    return obj, path, shown


def _roundtrip_hints(back: Any, obj: Any, who: str = "`load` returned") -> list[str]:
    """Hints for the known ways a round trip loses something (``who`` says what produced ``back``)."""
    hints = []
    pairs: list[tuple[Any, Any]] = [(back, obj)]
    if isinstance(obj, list) and isinstance(back, (list, tuple)):
        pairs += list(zip(back, obj))
    if isinstance(obj, dict) and isinstance(back, dict):
        pairs += [(back[k], obj[k]) for k in obj if k in back]
    for got, want in pairs:
        if isinstance(want, torch.Tensor) and isinstance(got, torch.Tensor) and got.dtype != want.dtype:
            hints.append("The dtype changed on the way: converting to a Python list (`.tolist()`), to NumPy or "
                         "through `torch.tensor(...)` of plain numbers does not keep it. Save the tensors "
                         "themselves with `torch.save(obj, path)`.")
        if isinstance(want, torch.Tensor) and isinstance(got, torch.Tensor) and got.shape != want.shape \
                and got.numel() == want.numel() == 0:
            hints.append("An empty tensor lost its shape: `.tolist()` of a (0, n) tensor is `[]`. Save the "
                         "tensors themselves with `torch.save(obj, path)`.")
        if isinstance(want, torch.Tensor) and not isinstance(got, torch.Tensor):
            what = got.type_name if isinstance(got, Opaque) else type(got).__name__
            hints.append(f"{who} a {what} where `obj` had a tensor: save the tensors themselves with "
                         f"`torch.save(obj, path)` and read them back with `torch.load` (no `.tolist()`, "
                         f"`.item()` or NumPy).")
    if isinstance(obj, list) and isinstance(back, tuple):
        hints.append("A list came back as a tuple: return what was saved, unchanged.")
    if isinstance(obj, dict) and not isinstance(back, dict):
        hints.append("A dict came back as another container: return what was saved, unchanged.")
    return list(dict.fromkeys(hints))


def _roundtrip(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    obj, path, shown = _io_setup(ctx, case, seed)
    shown += f"\nback = load({path!r})"
    back = student_call(ctx, "value", doing=f"`load({path!r})`", case=shown, spec=ex.load(path).node)["value"]
    diff = compare(back, obj, tol=_EXACT)
    if diff is None:
        return
    raise Failure(f"Saved `obj` with your `save`, read it back with your `load`, and compared `back` with `obj` "
                  f"(structure, shape, dtype, exact values).\n{diff}",
                  hints=_roundtrip_hints(back, obj), location=function_location(ctx, "save"), case=shown)


_TORCH_SAVE_HINT = ("Write the file with `torch.save(obj, path)`: `torch.load(path, weights_only=True)` reads what "
                    "it writes (tensors, lists, dicts, numbers), and nothing written by `pickle.dump`, NumPy or "
                    "JSON, nor Python objects other than those.")


def _readable(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    obj, path, shown = _io_setup(ctx, case, seed)
    shown += f"\ntorch.load({path!r}, weights_only=True)"
    where = function_location(ctx, "save", ("save", "dump", "write", "open"))
    if not ctx.student.request("exists", path=path)["exists"]:
        listing = ctx.student.request("listdir", path=".")["entries"]
        others = [e for e in listing if e.startswith("tensor_io")]
        extra = f" (the folder holds {others}: was a suffix added?)" if others else ""
        raise Failure(f"save(obj, {path!r}) wrote no file at {path!r}{extra}.", hints=(_TORCH_SAVE_HINT,),
                      location=where, case=shown)
    read = ctx.student.request("safe_load", path=path)
    if read["problem"]:
        raise Failure(f"torch.load({path!r}, weights_only=True) could not read the file that save wrote: "
                      f"{short_problem(read['problem'])}", hints=(_TORCH_SAVE_HINT,), location=where, case=shown)
    diff = compare(read["value"], obj, tol=_EXACT)
    if diff is not None:
        raise Failure(f"Read the file that save wrote with torch.load(path, weights_only=True) and compared it "
                      f"with `obj`.\n{diff}", hints=_roundtrip_hints(read["value"], obj, "The file holds"),
                      location=where, case=shown)


def _load_refuses_code(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    def call(planted: str) -> None:
        ctx.student.request("value", spec=ex.load(planted).node)

    refuse_planted(ctx, call, "load({path})", "load")
    # refusing counts only from a load that reads what torch.save writes
    gen = torch.Generator().manual_seed(seed)
    good = {"w": make_tensor("float32", (2, 3), gen), "ids": make_tensor("int64", (3,), gen)}
    path = fresh_path(ctx, "written_by_torch_save.pt")
    ctx.student.request("value", spec=torch_attr("save")({k: tensor(v) for k, v in good.items()}, path).node)
    shown = f"torch.save({_show_object(good)}, {path!r})\nload({path!r})"
    hint = ("`load` refused the planted files, but it must still read a file that `torch.save` wrote: use "
            "`torch.load(path, weights_only=True)`.")
    try:
        back = ctx.student.request("value", spec=ex.load(path).node)["value"]
    except StudentError as err:
        failure = student_error_failure(err, doing=f"`load({path!r})`", case=shown)
        if err.type not in ("NotImplementedError", "MissingName", "NotCallableName"):  # it did run, and refused
            failure.hints += (hint,)
        raise failure from None
    diff = compare(back, good, tol=_EXACT)
    if diff is not None:
        raise Failure(f"Compared what `load` returned for a file written by torch.save with what was saved.\n{diff}",
                      hints=(hint,), location=function_location(ctx, "load"), case=shown)


TENSOR_IO = Exercise("read_write/tensor_io", "save and load tensors, lists and dicts of tensors", (
    Custom(id="roundtrip", title="save then load gives back the same tensor / list / dict: dtype, shape, values",
           points=3, examine=_roundtrip, cases=_io_cases, max_examples=15, defaults=_IO_DEFAULTS),
    Custom(id="torch_load_readable", title="save writes a file that torch.load(path, weights_only=True) reads",
           points=1, examine=_readable, cases=_io_cases, max_examples=6, defaults=_IO_DEFAULTS),
    Custom(id="load_refuses_code", title="load refuses a file that would run code when unpickled", points=2,
           examine=_load_refuses_code, max_examples=1),
))

# -- checkpoint ----------------------------------------------------------------------------

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


CHECKPOINT = Exercise("read_write/checkpoint", "Checkpoints: resume training exactly where it stopped", (
    Custom(id="resume_sgd", title="SGD with momentum: k steps, save, load into fresh objects, m steps == k + m "
           "steps straight through", points=2, examine=_resume, cases=_sgd_cases, max_examples=4,
           defaults=_SGD_DEFAULTS),
    Custom(id="epoch", title="load_checkpoint returns the saved epoch as an int", points=1, examine=_epoch,
           cases=_epoch_cases, max_examples=4),
    Custom(id="load_refuses_code", title="load_checkpoint refuses a file that would run code when unpickled",
           points=1, examine=_checkpoint_refuses_code, max_examples=1),
    BUFFERS_CHECK,
))

# -- clone -----------------------------------------------------------------------------------

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


CLONE = Exercise("read_write/clone", "clone: a model copied through its state_dict on disk", (
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

EXERCISES = [TENSOR_IO, CHECKPOINT, CLONE]
