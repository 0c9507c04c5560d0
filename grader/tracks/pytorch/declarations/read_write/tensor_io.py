"""read_write/tensor_io: save and load tensors, lists and dicts of tensors through a real file.

The file lives in the worker's per-exercise scratch directory; the judge never opens it. What
it holds is read inside the worker, by the student's ``load`` or by the trusted ``safe_load``
operation (``torch.load(weights_only=True)``); whether ``load`` runs code hidden in a file is
seen from the marker directory a planted pickle creates (see :mod:`grader.tracks.pytorch.checks.planted`).

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('read_write/tensor_io', ['roundtrip', 'torch_load_readable', 'load_refuses_code'])
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, student_call
from grader.checks.base import student_error_failure
from grader.tracks.pytorch.checks.draw import cases
from grader.tracks.pytorch.checks.files import fresh_path, function_location, short_problem
from grader.tracks.pytorch.checks.planted import refuse_planted
from grader.tracks.pytorch.checks.tensors import make_tensor, show_tensor
from grader.tracks.pytorch.compare import Tolerance, compare
from grader.mutants import Mutant
from grader.sandbox.client import StudentError
from grader.sandbox.codec import Opaque
from grader.tracks.pytorch.worker.specs import ex, tensor, torch_attr

_EXACT = Tolerance(rtol=0.0, atol=0.0)
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


EXERCISE = Exercise("read_write/tensor_io", "save and load tensors, lists and dicts of tensors", (
    Custom(id="roundtrip", title="save then load gives back the same tensor / list / dict: dtype, shape, values",
           points=3, examine=_roundtrip, cases=_io_cases, max_examples=15, defaults=_IO_DEFAULTS),
    Custom(id="torch_load_readable", title="save writes a file that torch.load(path, weights_only=True) reads",
           points=1, examine=_readable, cases=_io_cases, max_examples=6, defaults=_IO_DEFAULTS),
    Custom(id="load_refuses_code", title="load refuses a file that would run code when unpickled", points=2,
           examine=_load_refuses_code, max_examples=1),
))


# -- known-bad submissions ------------------------------------------------------------------------

_SAVE = "    torch.save(obj, path)"
_LOAD = "    return torch.load(path, weights_only=True)"
_LOAD_DEF = '''

def load(path: PathLike) -> Any:
    """Read back what ``save`` wrote, refusing files that would run code.

    Example:
        >>> save([torch.ones(2), torch.zeros(3)], "/tmp/xs.pt")
        >>> load("/tmp/xs.pt")
        [tensor([1., 1.]), tensor([0., 0., 0.])]
    """
    return torch.load(path, weights_only=True)
'''
_RAN = "ran code stored in the file"
_SAFE = "torch.load(path, weights_only=True)"

MUTANTS = (
    Mutant("load_weights_only_false", "`load` uses `torch.load(path, weights_only=False)`.",
           edits=[(_LOAD, "    return torch.load(path, weights_only=False)")],
           fails={"load_refuses_code": [_RAN, "load('planted_pt.pt')", _SAFE]},
           passes=["roundtrip", "torch_load_readable"]),
    Mutant("pickle_dump_and_load", "`save` and `load` use `pickle.dump` / `pickle.load`.",
           edits=[("import torch\n", "import pickle\n\nimport torch\n"),
                  (_SAVE, '    with open(path, "wb") as f:\n        pickle.dump(obj, f)'),
                  (_LOAD, '    with open(path, "rb") as f:\n        return pickle.load(f)')],
           fails={"torch_load_readable": ["could not read the file that save wrote", "weights-only load failed",
                                          "torch.save(obj, path)"],
                  "load_refuses_code": [_RAN, "load('planted_pkl.pkl')", _SAFE]},
           passes=["roundtrip"]),
    Mutant("tolist_drops_dtype", "`save` stores `.tolist()` of the tensors; `load` rebuilds them with "
           "`torch.tensor`: dtypes (and empty shapes) are lost.",
           edits=[(_SAVE, "    if isinstance(obj, torch.Tensor):\n        data = obj.tolist()\n"
                          "    elif isinstance(obj, list):\n        data = [t.tolist() for t in obj]\n"
                          "    else:\n        data = {k: v.tolist() for k, v in obj.items()}\n"
                          "    torch.save(data, path)"),
                  (_LOAD, "    data = torch.load(path, weights_only=True)\n"
                          "    if isinstance(data, dict):\n        return {k: torch.tensor(v) for k, v in data.items()}\n"
                          "    if isinstance(data, list) and data and isinstance(data[0], list):\n"
                          "        return [torch.tensor(v) for v in data]\n"
                          "    return torch.tensor(data)")],
           fails={"roundtrip": ["Saved `obj` with your `save`", "back = load('tensor_io.pt')"],
                  "torch_load_readable": ["where `obj` had a tensor"]},
           passes=["load_refuses_code"]),
    Mutant("float_cast_on_save", "Casts every tensor to float32 before saving.",
           edits=[(_SAVE, "    if isinstance(obj, torch.Tensor):\n        obj = obj.float()\n"
                          "    elif isinstance(obj, list):\n        obj = [t.float() for t in obj]\n"
                          "    else:\n        obj = {k: v.float() for k, v in obj.items()}\n" + _SAVE)],
           fails={"roundtrip": ["Dtype mismatch: expected", "got float32", "The dtype changed on the way"]},
           passes=["load_refuses_code"]),
    Mutant("load_returns_tuple_for_list", "`load` turns a saved list into a tuple.",
           edits=[(_LOAD, "    obj = torch.load(path, weights_only=True)\n"
                          "    return tuple(obj) if isinstance(obj, list) else obj")],
           fails={"roundtrip": ["expected a list, got tuple", "A list came back as a tuple"]},
           passes=["torch_load_readable", "load_refuses_code"]),
    Mutant("numpy_save_adds_suffix", "Saves with `np.save`, which adds a `.npy` suffix.",
           edits=[("import torch\n", "import numpy as np\nimport torch\n"),
                  (_SAVE, "    np.save(path, obj.numpy() if isinstance(obj, torch.Tensor) else np.array(0))"),
                  (_LOAD, '    return torch.from_numpy(np.load(str(path) + ".npy"))')],
           fails={"torch_load_readable": ["wrote no file at 'tensor_io.pt'", "tensor_io.pt.npy",
                                          "was a suffix added"]}),
    Mutant("load_refuses_everything", "`load` raises on every file, even one torch.save wrote.",
           edits=[(_LOAD, '    raise ValueError("I trust no file")')],
           fails={"load_refuses_code": ["I trust no file", "must still read a file that `torch.save` wrote"]},
           passes=["torch_load_readable"]),
    Mutant("no_load", "The module defines `save` only: no `load`.",
           edits=[(_LOAD_DEF, "")],
           fails={"load_refuses_code": ["does not define `load`"]}, passes=["torch_load_readable"],
           absent={"load_refuses_code": ["refused the planted files"]}),
)
