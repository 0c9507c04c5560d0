"""devices/select: ``try_gpu`` and ``try_all_gpus``, choosing devices.

No GPU is needed: GPU counts are simulated in the worker (``torch.cuda.device_count`` and
``torch.cuda.is_available`` patched together; never in the judge, whose expected devices are
computed from the simulated count).

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('devices/select', ['try_gpu', 'try_all_gpus'])
    >>> expected_gpu(2, 1), expected_gpu(1, 1)
    (device(type='cuda', index=1), device(type='cpu'))
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, student_call
from grader.tracks.pytorch.checks.draw import cases
from grader.tracks.pytorch.checks.files import function_location
from grader.tracks.pytorch.compare import describe_value
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import ex

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


EXERCISE = Exercise("devices/select", "try_gpu and try_all_gpus: choosing devices", (
    Custom(id="try_gpu", title="try_gpu(i) is cuda:i when that GPU exists, else cpu (0, 1 and several GPUs "
           "simulated)", points=3, examine=_try_gpu, cases=_gpu_cases, max_examples=15, defaults=_GPU_DEFAULTS),
    Custom(id="try_all_gpus", title="try_all_gpus() lists every GPU, or [cpu] when there is none", points=2,
           examine=_try_all_gpus, cases=_all_cases, max_examples=8, defaults=_ALL_DEFAULTS),
))


# -- known-bad submissions ------------------------------------------------------------------------

_IF_GPU_I = '    if torch.cuda.device_count() >= i + 1:\n        return torch.device(f"cuda:{i}")\n'
_TRY_GPU = _IF_GPU_I + '    return torch.device("cpu")'
_ALL_GPUS = ('    devices = [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]\n'
             '    return devices if devices else [torch.device("cpu")]')

MUTANTS = (
    Mutant("try_gpu_ignores_i", "`try_gpu` always returns `cuda:0`, whatever `i`.",
           edits=[(_IF_GPU_I, '    if torch.cuda.is_available():\n        return torch.device("cuda:0")\n')],
           fails={"try_gpu": ["returned device(type='cuda', index=0)", "use the argument"]},
           passes=["try_all_gpus"]),
    Mutant("try_gpu_always_cuda", "`try_gpu` returns a CUDA device even without a GPU.",
           edits=[(_TRY_GPU, '    return torch.device(f"cuda:{i}")')],
           fails={"try_gpu": ["With 0 GPUs simulated", "expected device(type='cpu')", "There is no GPU here"]},
           passes=["try_all_gpus"]),
    Mutant("try_gpu_off_by_one", "`try_gpu` takes GPU `i` to exist when `device_count() >= i` (GPUs are "
           "numbered from 0).",
           edits=[("torch.cuda.device_count() >= i + 1:",
                   "torch.cuda.device_count() >= i and torch.cuda.is_available():")],
           fails={"try_gpu": ["GPUs are numbered from 0"]}, passes=["try_all_gpus"]),
    Mutant("try_gpu_returns_string", "`try_gpu` returns a string ('cuda:0', 'cpu'), not a `torch.device`.",
           edits=[(_TRY_GPU, '    return f"cuda:{i}" if torch.cuda.device_count() > i else "cpu"')],
           fails={"try_gpu": ["returned 'cpu'", "not a string"]}, passes=["try_all_gpus"]),
    Mutant("all_gpus_empty_without_gpu", "`try_all_gpus` returns `[]` without a GPU.",
           edits=[('    return devices if devices else [torch.device("cpu")]', "    return devices")],
           fails={"try_all_gpus": ["With 0 GPUs simulated, try_all_gpus() returned []", "not an empty list"]},
           passes=["try_gpu"]),
    Mutant("all_gpus_skips_last", "`try_all_gpus` leaves out the last GPU (`range(n - 1)`).",
           edits=[(_ALL_GPUS, "    n = torch.cuda.device_count()\n"
                              '    return [torch.device(f"cuda:{i}") for i in range(n - 1)] if n else '
                              '[torch.device("cpu")]')],
           fails={"try_all_gpus": ["With 1 GPU simulated", "one device per GPU"]}, passes=["try_gpu"]),
)
