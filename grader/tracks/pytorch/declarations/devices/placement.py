"""devices/placement: ``to_device`` (a nested batch moved, container types kept) and ``AddPositions``
(a tensor made inside ``forward`` on the input's device, with its dtype).

No GPU is needed: batches are moved to ``meta``, and ``AddPositions`` runs on ``meta`` under
FakeTensorMode, where a tensor created without ``device=`` raises. Where the worker sees CUDA, the
Device check also runs on it for real.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks][:2]
    ('devices/placement', ['to_device', 'add_positions_forward'])
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Mistake, student_call
from grader.tracks.pytorch.checks.device import Device
from grader.tracks.pytorch.checks.draw import cases, width
from grader.tracks.pytorch.checks.files import function_location
from grader.tracks.pytorch.checks.tensors import make_tensor, show_tensor
from grader.tracks.pytorch.compare import compare
from grader.mutants import Mutant
from grader.sandbox.codec import DictValue, NamedTupleValue, Opaque
from grader.tracks.pytorch.worker.specs import Spec, ex, handle, lift, namedtuple_value, ordered_dict, tensor

_DTYPES = ("float32", "int64", "float64", "bool", "float16", "int32")
_KEYS = ("x", "y", "ids", "mask", "meta", "lengths")
_FIELDS = ("inputs", "labels", "mask")
_NAMEDTUPLES = {1: "Item", 2: "Pair", 3: "Batch"}  # one class per arity, so that each name has one definition
_tensor_leaf = st.tuples(st.just("tensor"), st.sampled_from(_DTYPES),
                         st.lists(st.integers(0, 3), max_size=3).map(tuple))
_value_leaf = st.tuples(st.just("value"), st.one_of(st.integers(-3, 9), st.sampled_from(["a", "text"]), st.none(),
                                                    st.sampled_from([0.5, -1.25]), st.booleans()))


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    items = st.lists(children, max_size=3).map(tuple)
    keyed = st.dictionaries(st.sampled_from(_KEYS), children, max_size=3).map(lambda d: tuple(d.items()))
    return st.one_of(
        items.map(lambda xs: ("list", xs)),
        items.map(lambda xs: ("tuple", xs)),
        keyed.map(lambda kv: ("dict", kv)),
        keyed.map(lambda kv: ("odict", kv)),
        st.lists(children, min_size=1, max_size=3).map(lambda xs: ("namedtuple", tuple(xs))),
    )


_batches = st.recursive(st.one_of(_tensor_leaf, _value_leaf), _containers, max_leaves=6)
_batch_cases = cases(batch=_batches)
_T = ("tensor", "float32", (2, 3))
_BATCH_DEFAULTS = (
    {"batch": ("dict", (("x", _T), ("ids", ("tensor", "int64", (3,))), ("meta", ("value", "text")),
                        ("lengths", ("list", (("value", 3), ("value", None)))),
                        ("y", ("tuple", (_T, ("value", 2))))))},
    {"batch": ("namedtuple", (_T, ("odict", (("mask", ("tensor", "bool", (2,))), ("x", ("value", 0.5))))))},
    {"batch": ("list", (("tuple", (_T,)), ("dict", (("x", _T),)), ("namedtuple", (_T,))))},
)


class _Batch:
    """A drawn batch as a build spec, the value to_device must return (meta tensors), and the input itself."""

    def __init__(self, tree: tuple[Any, ...], gen: torch.Generator) -> None:
        self.types: dict[str, tuple[str, ...]] = {}
        self.spec, self.moved, self.original, self.text = self._make(tree, gen)

    def definitions(self) -> str:
        """The namedtuple classes the batch uses, as Python."""
        return "".join(f"{name} = namedtuple({name!r}, {list(fields)})\n" for name, fields in self.types.items())

    def _make(self, tree: tuple[Any, ...], gen: torch.Generator) -> tuple[Any, Any, Any, str]:
        kind = tree[0]
        if kind == "tensor":
            t = make_tensor(tree[1], tree[2], gen)
            return tensor(t), torch.empty(t.shape, dtype=t.dtype, device="meta"), t, show_tensor(t)
        if kind == "value":
            return tree[1], tree[1], tree[1], repr(tree[1])
        if kind in ("dict", "odict"):
            parts = {k: self._make(child, gen) for k, child in tree[1]}
            name = "dict" if kind == "dict" else "OrderedDict"
            body = "{" + ", ".join(f"{k!r}: {p[3]}" for k, p in parts.items()) + "}"
            spec = {k: p[0] for k, p in parts.items()}
            return (spec if kind == "dict" else ordered_dict(spec),
                    DictValue({k: p[1] for k, p in parts.items()}, type_name=name),
                    DictValue({k: p[2] for k, p in parts.items()}, type_name=name),
                    body if kind == "dict" else f"OrderedDict({body})")
        parts_list = [self._make(child, gen) for child in tree[1]]
        texts = [p[3] for p in parts_list]
        if kind == "namedtuple":
            fields = _FIELDS[:len(parts_list)]
            name = _NAMEDTUPLES[len(fields)]
            self.types[name] = fields
            body = ", ".join(f"{f}={t}" for f, t in zip(fields, texts))
            return (namedtuple_value(name, fields, [p[0] for p in parts_list]),
                    NamedTupleValue(name, fields, tuple(p[1] for p in parts_list)),
                    NamedTupleValue(name, fields, tuple(p[2] for p in parts_list)),
                    f"{name}({body})")
        if kind == "tuple":
            body = "(" + ", ".join(texts) + ("," if len(texts) == 1 else "") + ")"
            return (tuple(p[0] for p in parts_list), tuple(p[1] for p in parts_list),
                    tuple(p[2] for p in parts_list), body)
        return ([p[0] for p in parts_list], [p[1] for p in parts_list], [p[2] for p in parts_list],
                "[" + ", ".join(texts) + "]")


def _setup_batch(ctx: CheckContext, case: dict[str, Any], seed: int) -> tuple[_Batch, int, str]:
    b = _Batch(case["batch"], torch.Generator().manual_seed(seed))
    shown = f"{b.definitions()}batch = {b.text}\nout = to_device(batch, 'meta')"
    built = ctx.student.request("build", spec=lift(b.spec), seed=seed)["handle"]
    return b, built, shown


_HINTS = {
    "namedtuple": "A namedtuple came back as a plain tuple (or another type): rebuild it as the same class with "
                  "`type(x)(*items)` (a namedtuple takes its fields as separate arguments).",
    "tuple": "A tuple came back as a list: rebuild each container with its own type, e.g. `type(x)(items)` or "
             "`tuple(items)` for a tuple.",
    "list": "A list came back as another type: a list must stay a list.",
    "OrderedDict": "An OrderedDict came back as a plain dict: rebuild dicts with `type(x)(...)` to keep the "
                   "class.",
    "dict": "A dict came back as another type: rebuild it as a dict with the same keys.",
    "order": "A dict's keys came back in another order: iterate over `x.items()` and keep the order.",
    "untouched": "A value that is not a tensor was changed: return ints, strings, None, ... unchanged.",
    "generator": "to_device returned a lazy object (map / generator): build the container itself.",
}


def _not_moved_hint(where: str) -> str:
    return (f"A tensor inside a {where} was not moved: recurse into every container (dict values, list, tuple "
            f"and namedtuple items) and call `.to(device)` on each tensor.")


def to_device_hints(got: Any, want: Any, parent: str = "top level") -> list[str]:
    """Walk what to_device returned next to what it should have, naming the known mistakes."""
    hints: list[str] = []
    if isinstance(got, Opaque):
        return [_HINTS["generator"]] if got.type_name in ("map", "generator", "filter", "zip") else []
    if isinstance(want, torch.Tensor):
        if isinstance(got, torch.Tensor) and got.device.type != want.device.type:
            hints.append(_not_moved_hint(parent) if parent != "top level" else
                         "A tensor was not moved: call `.to(device)` on it.")
        return hints
    if isinstance(want, NamedTupleValue):
        if not isinstance(got, NamedTupleValue):
            hints.append(_HINTS["namedtuple"])
        kind = "namedtuple"
    elif isinstance(want, tuple):
        if isinstance(got, list) or isinstance(got, NamedTupleValue):
            hints.append(_HINTS["tuple"])
        kind = "tuple"
    elif isinstance(want, list):
        if not isinstance(got, list):
            hints.append(_HINTS["list"])
        kind = "list"
    elif isinstance(want, DictValue):
        if not isinstance(got, dict):
            return [_HINTS["dict"]]
        if isinstance(got, DictValue) and got.type_name != want.type_name:
            hints.append(_HINTS["OrderedDict"] if want.type_name == "OrderedDict" else _HINTS["dict"])
        if list(got) != list(want) and set(got) == set(want):
            hints.append(_HINTS["order"])
        for key in want:
            if key in got:
                hints += to_device_hints(got[key], want[key], want.type_name)
        return hints
    else:
        if compare(got, want) is not None:
            hints.append(_HINTS["untouched"])
        return hints
    if isinstance(got, (list, tuple)) and len(got) == len(want):
        for g, w in zip(got, want):
            hints += to_device_hints(g, w, kind)
    return hints


def _to_device(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    b, built, shown = _setup_batch(ctx, case, seed)
    got = student_call(ctx, "value", doing="`to_device(batch, 'meta')`", case=shown,
                       spec=ex.to_device(handle(built), "meta").node)["value"]
    diff = compare(got, b.moved, check_device=True) or _order_problem(got, b.moved)
    if diff is None:
        return
    raise Failure(f"Compared `out` with `batch` where every tensor is on meta (same dtypes and shapes), every "
                  f"container of the same type and every other value unchanged.\n{diff}",
                  hints=list(dict.fromkeys(to_device_hints(got, b.moved))),
                  location=function_location(ctx, "to_device"), case=shown)


def _order_problem(got: Any, want: Any, path: str = "") -> str | None:
    """compare() accepts a dict's keys in any order; to_device must keep the order."""
    if isinstance(want, dict) and isinstance(got, dict):
        if list(got) != list(want):
            return f"In {path or 'out'}: keys in the order {list(got)}, expected {list(want)}."
        return next((p for k in want if (p := _order_problem(got[k], want[k], f"{path}[{k!r}]"))), None)
    if isinstance(want, (list, tuple)) and isinstance(got, (list, tuple)):
        return next((p for i, (g, w) in enumerate(zip(got, want)) if (p := _order_problem(g, w, f"{path}[{i}]"))),
                    None)
    return None


# -- placement: AddPositions -------------------------------------------------------------------

_pos_shapes = st.lists(width(1, 6), min_size=1, max_size=3).map(tuple)
_pos_cases = cases(shape=_pos_shapes)
_dtype_cases = cases(shape=_pos_shapes, dtype=st.sampled_from(["float64", "float16", "int32", "bfloat16", "int64"]))
_meta_cases = cases(shape=_pos_shapes, dtype=st.sampled_from(["float32", "float64"]))
_POS_DEFAULTS = ({"shape": (2, 5)},)
_DTYPE_DEFAULTS = ({"shape": (2, 5), "dtype": "float16"}, {"shape": (2, 5), "dtype": "int32"})


def _positions(c: dict[str, Any]) -> Spec:
    return ex.AddPositions()


def _input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [make_tensor(c.get("dtype", "float32"), c["shape"], gen)]


_NO_DTYPE = Mistake("Your output has arange's default dtype (int64) where the input's is narrower: create the "
                    "positions with `dtype=X.dtype`.",
                    lambda m, X: X + torch.arange(X.shape[-1]))
_FLOAT32 = Mistake("Your positions are float32 whatever the input's dtype (a float `arange`, `.float()` or "
                   "`dtype=torch.float32`), so a float16 / bfloat16 input comes out promoted: create them with "
                   "`dtype=X.dtype`.",
                   lambda m, X: X + torch.arange(X.shape[-1], dtype=torch.float32))
_NO_POSITIONS = Mistake("Your output equals X: the positions were not added.", lambda m, X: X.clone())

EXERCISE = Exercise("devices/placement", "to_device and AddPositions: tensors on the right device", (
    Custom(id="to_device", title="to_device moves every tensor to meta, keeps container types (dict, OrderedDict, "
           "list, tuple, namedtuple) and leaves other values alone", points=3, examine=_to_device,
           cases=_batch_cases, max_examples=20, defaults=_BATCH_DEFAULTS),
    Forward(id="add_positions_forward", title="AddPositions: X + arange(X.shape[-1]) on the CPU, float32",
            points=1, build=_positions, inputs=_input, cases=_pos_cases, max_examples=6, defaults=_POS_DEFAULTS,
            mistakes=(_NO_POSITIONS,)),
    Forward(id="add_positions_dtype", title="AddPositions: the output keeps the input's dtype (float64, float16, "
            "bfloat16, int32, int64)", points=2, build=_positions, inputs=_input, cases=_dtype_cases,
            max_examples=10, defaults=_DTYPE_DEFAULTS, mistakes=(_NO_DTYPE, _FLOAT32)),
    Device(id="add_positions_device", title="AddPositions runs on the meta device (and on CUDA where there is "
           "one): the positions are created on the input's device", points=2, build=_positions,
           inputs=lambda c: [(tuple(c["shape"]), c["dtype"])], cases=_meta_cases, max_examples=4,
           defaults=({"shape": (2, 5), "dtype": "float32"},)),
))

# -- hidden: to_device must not modify its input -------------------------------------------------

# tensors and containers only: mutation is about containers, and a to_device that mishandles other values
# already fails the to_device check
_tensor_batch_cases = cases(batch=st.recursive(_tensor_leaf, _containers, max_leaves=6))
_TENSOR_BATCH_DEFAULTS = (
    {"batch": ("dict", (("x", _T), ("y", ("list", (_T, ("tensor", "int64", (3,))))),
                        ("mask", ("odict", (("x", _T),)))))},
    {"batch": ("list", (("tuple", (_T,)), ("dict", (("x", _T),)), ("namedtuple", (_T,))))},
)


def _input_unchanged(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    b, built, shown = _setup_batch(ctx, case, seed)
    student_call(ctx, "value", doing="`to_device(batch, 'meta')`", case=shown,
                 spec=ex.to_device(handle(built), "meta").node)
    after = ctx.student.request("value", spec=handle(built).node)["value"]
    diff = compare(after, b.original, check_device=True)
    if diff is None:
        return
    raise Failure(f"After `out = to_device(batch, 'meta')`, compared `batch` with what it was before.\n{diff}",
                  hints=("Build new containers (`[to_device(v, device) for v in x]`, `{k: ... for k, v in "
                         "x.items()}`) instead of assigning into the input's lists and dicts.",),
                  location=function_location(ctx, "to_device"), case=shown + "\nbatch   # after the call")


HIDDEN = (
    Custom(id="to_device_input_unchanged", title="to_device leaves its input unchanged", points=1,
           examine=_input_unchanged, cases=_tensor_batch_cases, max_examples=8, defaults=_TENSOR_BATCH_DEFAULTS),
)


# -- known-bad submissions ------------------------------------------------------------------------

_DICT = ("    if isinstance(batch, dict):\n"
         "        items = [(k, to_device(v, device)) for k, v in batch.items()]\n"
         "        if isinstance(batch, collections.defaultdict):\n"
         "            return type(batch)(batch.default_factory, items)\n"
         "        return type(batch)(items)\n")
_TUPLE = ("    if isinstance(batch, tuple):\n"
          "        items = [to_device(v, device) for v in batch]\n"
          '        if hasattr(batch, "_fields"):  # a namedtuple takes its fields positionally\n'
          "            return type(batch)(*items)\n"
          "        return type(batch)(items)\n")
_LIST = "    if isinstance(batch, list):\n        return type(batch)(to_device(v, device) for v in batch)\n"
_ARANGE = "torch.arange(X.shape[-1], device=X.device, dtype=X.dtype)"
_TO_DEVICE_CHECKS = ["to_device", "to_device_input_unchanged"]
_POSITION_CHECKS = ["add_positions_forward", "add_positions_dtype", "add_positions_device"]


def _arange(slug: str, bug: str, new: str, fails: dict[str, list[str]], passes: list[str]) -> Mutant:
    """A mutant of AddPositions: its arange written as ``new``; to_device stays right."""
    return Mutant(slug, bug, edits=[(_ARANGE, new)], fails=fails, passes=_TO_DEVICE_CHECKS + passes)


MUTANTS = (
    Mutant("tuples_become_lists", "`to_device` turns tuples into lists.",
           edits=[(_TUPLE, "    if isinstance(batch, tuple):\n        return [to_device(v, device) for v in batch]\n")],
           fails={"to_device": ["expected a tuple, got list", "A tuple came back as a list"]},
           passes=["to_device_input_unchanged"] + _POSITION_CHECKS),
    Mutant("namedtuples_become_tuples", "`to_device` turns namedtuples into plain tuples.",
           edits=[(_TUPLE, "    if isinstance(batch, tuple):\n        return tuple(to_device(v, device) for v in batch)\n")],
           fails={"to_device": ["(namedtuple), got tuple", "= namedtuple(", "type(x)(*items)"]},
           passes=["to_device_input_unchanged"] + _POSITION_CHECKS),
    Mutant("dicts_not_recursed", "`to_device` returns dicts as they are: the tensors inside are not moved.",
           edits=[(_DICT, "")],
           fails={"to_device": ["Device mismatch: expected meta, got cpu", "A tensor inside a dict was not moved"]},
           passes=["to_device_input_unchanged"] + _POSITION_CHECKS),
    Mutant("ordered_dict_becomes_dict", "`to_device` turns an OrderedDict into a plain dict.",
           edits=[(_DICT, "    if isinstance(batch, dict):\n"
                          "        return {k: to_device(v, device) for k, v in batch.items()}\n")],
           fails={"to_device": ["expected an OrderedDict, got a dict", "An OrderedDict came back"]},
           passes=["to_device_input_unchanged"] + _POSITION_CHECKS),
    Mutant("non_tensors_converted", "`to_device` turns ints and floats into tensors.",
           edits=[(_LIST, _LIST + "    if isinstance(batch, (int, float)):\n"
                                  "        return torch.tensor(batch).to(device)\n")],
           fails={"to_device": ["got Tensor", "A value that is not a tensor was changed"]},
           passes=["to_device_input_unchanged"] + _POSITION_CHECKS),
    Mutant("moves_in_place", "`to_device` moves the tensors in place in the caller's dicts and lists.",
           edits=[(_DICT, "    if isinstance(batch, dict):\n        for k in batch:\n"
                          "            batch[k] = to_device(batch[k], device)\n        return batch\n"),
                  (_LIST, "    if isinstance(batch, list):\n        for i, v in enumerate(batch):\n"
                          "            batch[i] = to_device(v, device)\n        return batch\n")],
           fails={"to_device_input_unchanged": ["compared `batch` with what it was before",
                                                "Device mismatch: expected cpu, got meta"]},
           passes=["to_device"] + _POSITION_CHECKS),
    _arange("arange_without_device", "`AddPositions` creates its positions without `device=X.device`.",
            "torch.arange(X.shape[-1], dtype=X.dtype)",
            fails={"add_positions_device": ["on the meta device raised", "found at least two devices, meta and cpu",
                                            "device=X.device", "net = AddPositions().to('meta')"]},
            passes=["add_positions_forward", "add_positions_dtype"]),
    _arange("arange_without_dtype", "`AddPositions` creates its positions without `dtype=X.dtype`.",
            "torch.arange(X.shape[-1], device=X.device)",
            fails={"add_positions_dtype": ["Dtype mismatch: expected int32, got int64", "arange's default dtype"]},
            passes=["add_positions_forward", "add_positions_device"]),
    _arange("float32_positions", "`AddPositions` makes its positions float32 whatever the input's dtype.",
            "torch.arange(X.shape[-1], device=X.device).float()",
            fails={"add_positions_dtype": ["Dtype mismatch: expected float16, got float32", "are float32 whatever"]},
            passes=["add_positions_forward", "add_positions_device"]),
    _arange("positions_on_cpu_without_dtype", "`AddPositions` creates its positions with neither `device=` nor "
            "`dtype=`.", "torch.arange(X.shape[-1])",
            fails={"add_positions_device": ["meta and cpu"], "add_positions_dtype": ["expected int32, got int64"]},
            passes=["add_positions_forward"]),
    _arange("hard_coded_cuda", "`AddPositions` creates its positions on `'cuda'`.",
            'torch.arange(X.shape[-1], dtype=X.dtype, device="cuda")',
            fails={"add_positions_forward": ["raised"], "add_positions_device": ["raised"]}, passes=[]),
    _arange("positions_start_at_one", "`AddPositions` numbers the positions from 1.",
            "torch.arange(1, X.shape[-1] + 1, device=X.device, dtype=X.dtype)",
            fails={"add_positions_forward": ["Tensors are not close!"], "add_positions_dtype": ["not close"]},
            passes=["add_positions_device"]),
)
