"""Devices: choosing a device, moving nested batches, creating tensors on the input's device.

No GPU is needed: GPU counts are simulated in the worker (``torch.cuda.device_count``
and ``torch.cuda.is_available`` patched together; never in the judge, whose expected
devices are computed from the simulated count), batches are moved to ``meta``, and
``AddPositions`` runs on ``meta`` under FakeTensorMode, where a tensor created
without ``device=`` raises. Where the worker sees CUDA, the Device check also runs
on it for real.
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.checks import CheckContext, Custom, Failure, Forward, Mistake, student_call
from grader.checks.device import Device
from grader.checks.draw import cases, width
from grader.compare import compare, describe_value
from grader.sandbox.codec import DictValue, NamedTupleValue, Opaque
from grader.tracks.pytorch.worker.specs import Spec, ex, handle, lift, namedtuple_value, ordered_dict, tensor
from grader.checks.files import function_location
from grader.checks.tensors import make_tensor, show_tensor

__all__ = ["EXERCISES"]

# -- select ---------------------------------------------------------------------------------

_counts = st.sampled_from([0, 1, 2, 3, 4, 8])
_gpu_cases = cases(count=_counts, i=st.integers(0, 8), call=st.sampled_from(["i", "default"]))
_GPU_DEFAULTS = ({"count": 3, "i": 1, "call": "i"}, {"count": 1, "i": 1, "call": "i"},
                 {"count": 2, "i": 2, "call": "i"}, {"count": 0, "i": 0, "call": "default"},
                 {"count": 2, "i": 0, "call": "default"})
_all_cases = cases(count=st.integers(0, 8))
_ALL_DEFAULTS = ({"count": 0}, {"count": 1}, {"count": 4})
_STRING_HINT = "Return a `torch.device` (`torch.device(f'cuda:{i}')`, `torch.device('cpu')`), not a string."


def expected_gpu(count: int, i: int) -> torch.device:
    """``cuda:i`` when GPU ``i`` exists among ``count``, else ``cpu`` (computed in the judge)."""
    return torch.device(f"cuda:{i}") if count >= i + 1 else torch.device("cpu")


def _gpus(count: int) -> str:
    return f"{count} GPU" + ("" if count == 1 else "s")


def _simulated(count: int) -> str:
    return (f"# torch.cuda.device_count() == {count}, torch.cuda.is_available() == {count > 0}   "
            f"(simulated)")


def _device_text(value: Any) -> str:
    return repr(value) if isinstance(value, (torch.device, str)) or value is None else describe_value(value)


def _try_gpu_hints(got: Any, count: int, i: int) -> list[str]:
    want = expected_gpu(count, i)
    if isinstance(got, str):
        return [_STRING_HINT]
    if not isinstance(got, torch.device):
        return []
    if got.type == "cuda" and got.index is None:
        return ["`torch.device('cuda')` has no index: return `torch.device(f'cuda:{i}')`."]
    if got.type == "cuda" and count == 0:
        return ["There is no GPU here: return `torch.device('cpu')`. Check `torch.cuda.device_count()` (or "
                "`torch.cuda.is_available()`) before choosing CUDA."]
    if got.type == "cuda" and got.index == 0 and i != 0:
        return [f"try_gpu({i}) returned cuda:0: use the argument, `torch.device(f'cuda:{{i}}')`, after checking "
                f"that GPU i exists (`torch.cuda.device_count() >= i + 1`)."]
    if got.type == "cuda" and want.type == "cpu" and got.index == i:
        return [f"GPU {i} exists only when `torch.cuda.device_count() >= {i} + 1` (GPUs are numbered from 0); "
                f"with {_gpus(count)} try_gpu({i}) must return the CPU."]
    if got.type == "cuda" and want.type == "cuda" and got.index != i:
        return [f"Return GPU number `i` (`torch.device(f'cuda:{{i}}')`), not cuda:{got.index}."]
    if got.type == "cuda" and want.type == "cpu":
        return [f"try_gpu({i}) must check that GPU {i} exists (`torch.cuda.device_count() >= i + 1`), and return "
                f"the CPU otherwise; do not fall back to another GPU."]
    if got.type == "cpu" and want.type == "cuda":
        return [f"GPU {i} exists here (device_count() is {count}): the condition is "
                f"`torch.cuda.device_count() >= i + 1`."]
    return []


def _try_gpu(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    count, default = case["count"], case["call"] == "default"
    i = 0 if default else case["i"]
    call, spec = ("try_gpu()", ex.try_gpu()) if default else (f"try_gpu({i})", ex.try_gpu(i))
    shown = f"{_simulated(count)}\n{call}"
    ctx.student.request("simulate_gpus", count=count)
    got = student_call(ctx, "value", doing=f"`{call}`", case=shown, spec=spec.node)["value"]
    want = expected_gpu(count, i)
    if isinstance(got, torch.device) and got == want:
        return
    raise Failure(f"With {_gpus(count)} simulated, {call} returned {_device_text(got)}; expected {want!r}.",
                  hints=_try_gpu_hints(got, count, i), location=function_location(ctx, "try_gpu", ("return",)),
                  case=shown)


def _try_all_gpus(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    count = case["count"]
    shown = f"{_simulated(count)}\ntry_all_gpus()"
    ctx.student.request("simulate_gpus", count=count)
    got = student_call(ctx, "value", doing="`try_all_gpus()`", case=shown, spec=ex.try_all_gpus().node)["value"]
    want = [torch.device(f"cuda:{k}") for k in range(count)] or [torch.device("cpu")]
    if isinstance(got, list) and all(isinstance(d, torch.device) for d in got) and got == want:
        return
    hints = []
    items = list(got) if isinstance(got, (list, tuple)) else []
    if count == 0 and items == []:
        hints.append("With no GPU, return `[torch.device('cpu')]`, not an empty list.")
    if any(isinstance(d, str) for d in items):
        hints.append(_STRING_HINT)
    if count and len(items) != count and all(isinstance(d, torch.device) for d in items):
        hints.append(f"There are {_gpus(count)}: return `[torch.device(f'cuda:{{i}}') for i in "
                     f"range(torch.cuda.device_count())]`, one device per GPU, numbered from 0.")
    if isinstance(got, tuple):
        hints.append("Return a list, not a tuple.")
    shown_got = "[" + ", ".join(_device_text(d) for d in items) + "]" if isinstance(got, list) else _device_text(got)
    raise Failure(f"With {_gpus(count)} simulated, try_all_gpus() returned {shown_got}; expected {want!r}.",
                  hints=hints, location=function_location(ctx, "try_all_gpus", ("return",)), case=shown)


SELECT = Exercise("devices/select", "try_gpu and try_all_gpus: choosing devices", (
    Custom(id="try_gpu", title="try_gpu(i) is cuda:i when that GPU exists, else cpu (0, 1 and several GPUs "
           "simulated)", points=3, examine=_try_gpu, cases=_gpu_cases, max_examples=15, defaults=_GPU_DEFAULTS),
    Custom(id="try_all_gpus", title="try_all_gpus() lists every GPU, or [cpu] when there is none", points=2,
           examine=_try_all_gpus, cases=_all_cases, max_examples=8, defaults=_ALL_DEFAULTS),
))

# -- placement: to_device --------------------------------------------------------------------

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

PLACEMENT = Exercise("devices/placement", "to_device and AddPositions: tensors on the right device", (
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

EXERCISES = [SELECT, PLACEMENT]
