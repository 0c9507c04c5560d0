"""The operations a judge can ask for, run on one exercise module's objects.

The same :class:`Session` runs in the worker on the student's module and in the
judge on the reference, so both sides do exactly the same thing; only plain
data leaves it (see :mod:`grader.sandbox.codec`; importing this module registers the
tensor codec, :mod:`grader.tracks.pytorch.arrays`). This is the PyTorch track's operations
module: the worker loop (:mod:`grader.sandbox.worker`) imports it by name and uses
:class:`Session`, :func:`cuda_present` and :func:`on_confined`.

Example:
    >>> import types, torch
    >>> mod = types.SimpleNamespace(Lin=torch.nn.Linear)
    >>> s = Session(mod, root=None)
    >>> h = s.run("build", {"spec": {"kind": "call", "fn": {"kind": "attr", "name": "Lin"},
    ...          "args": [{"kind": "value", "value": 2}, {"kind": "value", "value": 3}],
    ...          "kwargs": {}}, "seed": 0})["handle"]
    >>> sorted(s.run("describe", {"handle": h})["state_keys"])
    ['bias', 'weight']
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import torch

from grader.tracks.pytorch import arrays  # noqa: F401 - registers the tensor codec
from grader.sandbox import session as _session
from grader.sandbox.notebook_op import NOTEBOOK_OPS
from grader.tracks.pytorch.worker.inputs_guard import changed_inputs, spy_in_place
from grader.tracks.pytorch.worker.ops_devices import DEVICE_OPS
from grader.tracks.pytorch.worker.ops_files import FILE_OPS
from grader.tracks.pytorch.worker.ops_layers import LAYER_OPS
from grader.tracks.pytorch.worker.ops_params import PARAM_OPS, uninitialized
from grader.tracks.pytorch.worker.ops_trace import TRACE_OPS
from grader.sandbox.session import StudentCodeError
from grader.tracks.pytorch.worker.specs import evaluate
from grader.tracks.pytorch.worker.structure import describe, tensor_candidates

__all__ = ["Session", "StudentCodeError", "OPS", "cuda_present", "on_confined"]

# -- operations -------------------------------------------------------------

def _seed(seed: int) -> None:
    """Seed the CPU generator only (``torch.manual_seed`` also queues lazy CUDA/XPU
    seeding, which costs more than the rest of a request)."""
    torch.random.default_generator.manual_seed(seed)


def op_import(session: Session, module: str) -> dict[str, Any]:
    import importlib

    with session.student("import"):
        session.namespace = importlib.import_module(module)
    return {"file": getattr(session.namespace, "__file__", None) and os.path.basename(session.namespace.__file__)}


def op_build(session: Session, spec: dict[str, Any], seed: int) -> dict[str, Any]:
    _seed(seed)
    with session.student("build"):
        obj = session.eval_spec(spec)
        lazy = uninitialized(obj)
    answer = {"handle": session.store(obj), "type": type(obj).__name__, "is_module": isinstance(obj, torch.nn.Module)}
    return {**answer, "uninitialized": lazy} if lazy else answer


def op_describe(session: Session, handle: int) -> dict[str, Any]:
    with session.student("describe"):
        return describe(session.objects[handle], session)


def op_state(session: Session, handle: int) -> dict[str, Any]:
    """Values of parameters and buffers, each tensor once; ``aliases`` maps every other
    name of a shared tensor (a module used twice) to its first name."""
    module = session.objects[handle]
    tensors: dict[str, torch.Tensor] = {}
    aliases: dict[str, str] = {}
    first: dict[int, str] = {}
    with session.student("state"):
        for name, t, kind in tensor_candidates(module):
            if kind not in ("parameter", "buffer") or isinstance(t, torch.nn.parameter.UninitializedTensorMixin):
                continue
            if id(t) in first:
                aliases[name] = first[id(t)]
            else:
                first[id(t)] = name
                tensors[name] = t.detach().clone()
    return {"tensors": tensors, "aliases": aliases}


def op_assign(session: Session, handle: int, tensors: dict[str, torch.Tensor],
              aliases: dict[str, str] | None = None) -> dict[str, Any]:
    """Copy values into the object's tensors.

    When the object has every name the reference has, by name; otherwise by
    position among tensors of the same shape (a renamed attribute, a plain
    list, 1-based names), then by name for what is left. ``aliases`` (other
    names of one shared reference tensor) go to the same place, or, if the
    object has a separate tensor under that name (an untied copy), get the
    same values too. Returns ``placed``: reference name -> object name.
    """
    module = session.objects[handle]
    with session.student("assign"):
        candidates = tensor_candidates(module)
    by_name: dict[str, torch.Tensor] = {}
    for name, t, _kind in candidates:
        by_name.setdefault(name, t)
    placed: dict[str, str] = {}
    used: set[int] = set()

    def place(ref_name: str, target_name: str, target: torch.Tensor, value: torch.Tensor) -> None:
        _copy(session, target, value)
        placed[ref_name] = target_name
        used.add(id(target))

    def fits(t: torch.Tensor, value: torch.Tensor) -> bool:  # a still-lazy tensor has no shape to fit
        return not isinstance(t, torch.nn.parameter.UninitializedTensorMixin) and list(t.shape) == list(value.shape)

    names_match = all(n in by_name and fits(by_name[n], v) for n, v in tensors.items())
    pending = []
    for name, value in tensors.items():
        if names_match:
            place(name, name, by_name[name], value)
            continue
        match = next(((n, t) for n, t, _ in candidates if id(t) not in used and fits(t, value)), None)
        if match is None:
            pending.append((name, value))
        else:
            place(name, match[0], match[1], value)
    unplaced = []
    for name, value in pending:
        target = by_name.get(name)
        if target is not None and id(target) not in used and fits(target, value):
            place(name, name, target, value)
        else:
            unplaced.append(name)
    for alias, canonical in (aliases or {}).items():
        target = by_name.get(alias)
        if canonical in tensors and target is not None and id(target) not in used \
                and fits(target, tensors[canonical]):
            place(alias, alias, target, tensors[canonical])
        elif canonical in placed:
            placed[alias] = placed[canonical]
        else:
            unplaced.append(alias)
    absent = [n for n in [*tensors, *(aliases or {})] if n not in by_name]  # names the object lacks
    return {"placed": placed, "unplaced": unplaced, "absent": absent}


def _copy(session: Session, target: torch.Tensor, value: torch.Tensor) -> None:
    with session.student("assign"), torch.no_grad():
        target.copy_(value.to(device=target.device) if target.device.type != "meta" else value.to("meta"))


def op_forward(session: Session, handle: int, args: list[Any], kwargs: dict[str, Any] | None = None,
               grad: bool = False) -> dict[str, Any]:
    """``obj(*args, **kwargs)``; ``changed_inputs`` says which tensor arguments the call wrote into,
    and the in-place operation and line that did (see :mod:`grader.tracks.pytorch.worker.inputs_guard`)."""
    obj = session.objects[handle]
    call_args = session._resolve_args(args)
    originals = [a.detach().clone() if isinstance(a, torch.Tensor) else a for a in call_args]
    result: dict[str, Any] = {}

    def call(*values: Any) -> None:
        with torch.set_grad_enabled(grad):
            result["output"] = obj(*values, **(kwargs or {}))

    with session.student("forward"):
        changed = changed_inputs(call_args, call)
    answer: dict[str, Any] = {"output": result["output"]}
    if changed:
        fresh = [a.clone() if isinstance(a, torch.Tensor) else a for a in originals]
        answer["changed_inputs"] = {"positions": changed, **spy_in_place(
            fresh, lambda *v: obj(*v, **(kwargs or {})), root=session.root if session.locate else None)}
    return answer


def op_backward(session: Session, handle: int, args: list[Any], upstream: torch.Tensor | None,
                kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Forward, then backward of ``(output * upstream).sum()``; returns every gradient."""
    module = session.objects[handle]
    call_args = session._resolve_args(args)
    named = [(n, t) for n, t, kind in tensor_candidates(module)
             if kind in ("parameter", "unregistered") or (kind == "attribute" and isinstance(t, torch.nn.Parameter))]
    for _, t in named:
        t.grad = None
    with session.student("forward"):
        out = module(*call_args, **(kwargs or {}))
    if not isinstance(out, torch.Tensor):
        return {"output": out, "grads": {}, "connected": False}
    connected = out.requires_grad
    if connected:
        with session.student("backward"):
            target = upstream if upstream is not None and upstream.shape == out.shape else torch.ones_like(out)
            # a scalar loss: backward(grad_tensors) would import sympy (0.5 s) on first use
            (out * target.to(out.dtype)).sum().real.backward()
    grads = {n: (t.grad.detach().clone() if t.grad is not None else None) for n, t in named}
    return {"output": out.detach(), "grads": grads, "connected": connected}


def op_to(session: Session, handle: int, dtype: str | None = None, device: str | None = None) -> dict[str, Any]:
    """``obj.to(dtype)`` / ``obj.to(device)``; keeps the returned object under the same handle."""
    obj = session.objects[handle]
    target: dict[str, Any] = {}
    if dtype:
        target["dtype"] = getattr(torch, dtype)
    if device:
        target["device"] = torch.device(device)
    with session.student("to"):
        moved = obj.to(**target)
    session.objects[handle] = moved if moved is not None else obj
    return {"type": type(session.objects[handle]).__name__}


def op_counters(session: Session) -> dict[str, Any]:
    return {"counters": dict(session.counters)}


def op_value(session: Session, spec: dict[str, Any], seed: int = 0, keep: bool = False) -> dict[str, Any]:
    """Evaluate a spec (typically a call of the student's function) and return its value;
    ``keep`` also stores it under a handle."""
    _seed(seed)
    with session.student("call"):
        value = session.eval_spec(spec)
    answer: dict[str, Any] = {"value": value, "type": type(value).__name__}
    if keep:
        answer["handle"] = session.store(value)
    return answer


def op_ping(session: Session) -> dict[str, Any]:
    return {"pid": os.getpid(), "python": sys.version.split()[0]}


OPS: dict[str, Callable[..., dict[str, Any]]] = {
    **DEVICE_OPS, **FILE_OPS, **LAYER_OPS, **PARAM_OPS, **TRACE_OPS, **NOTEBOOK_OPS,
    "import": op_import, "build": op_build, "describe": op_describe, "state": op_state,
    "assign": op_assign, "forward": op_forward, "backward": op_backward,
    "counters": op_counters, "to": op_to, "value": op_value, "ping": op_ping,
}


class Session(_session.Session):
    """A session that runs every operation of :data:`OPS` (the worker's, and the reference's in the judge)."""

    def __init__(self, namespace: Any, root: Path | None) -> None:
        super().__init__(namespace, root, OPS, specs=evaluate)


def cuda_present() -> bool:
    """Whether CUDA is there (NVML check, no initialisation): its driver maps far more
    address space than any limit we could set, so the worker leaves RLIMIT_AS off then."""
    return torch.version.cuda is not None and torch.cuda.is_available()


def on_confined() -> None:
    """The worker is confined and runs no student code yet: one intra-op thread per worker."""
    torch.set_num_threads(1)
