"""Hidden checks of devices: to_device must not modify its input.

Example:
    >>> sorted(HIDDEN)
    ['devices/placement']
"""
from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from grader.checks import CheckContext, Custom, Failure, student_call
from grader.checks.draw import cases
from grader.compare import compare
from grader.tracks.pytorch.worker.specs import ex, handle
from grader.suites.devices import _T, _containers, _setup_batch, _tensor_leaf
from grader.checks.files import function_location

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


HIDDEN = {"devices/placement": (
    Custom(id="to_device_input_unchanged", title="to_device leaves its input unchanged", points=1,
           examine=_input_unchanged, cases=_tensor_batch_cases, max_examples=8, defaults=_TENSOR_BATCH_DEFAULTS),
)}
