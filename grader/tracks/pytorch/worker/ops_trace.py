"""The ``trace`` operation: run forward with hooks on every named submodule and record, call by
call, each one's input and output and the student's line that called it.

The judge runs the same operation on the reference and compares the two traces to say where the
computation first diverges (:mod:`grader.tracks.pytorch.checks.diverge`).

Example:
    >>> import torch
    >>> from grader.tracks.pytorch.worker.ops import Session
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    >>> s = Session(None, None); s.objects[1] = net
    >>> calls = op_trace(s, 1, [torch.ones(1, 2)])["calls"]
    >>> [(c["name"], c["type"], list(c["output"].shape)) for c in calls]
    [('0', 'Linear', [1, 3]), ('1', 'ReLU', [1, 3])]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import torch

from grader.tracks.pytorch.worker.inputs_guard import student_frame

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["TRACE_OPS", "op_trace"]

MAX_CALLS = 64


def _first_tensor(value: Any) -> torch.Tensor | None:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (list, tuple)):
        return next((t for t in map(_first_tensor, value) if t is not None), None)
    return None


def _copy(value: Any) -> torch.Tensor | None:
    t = _first_tensor(value)
    return None if t is None or t.device.type == "meta" else t.detach().clone()


def op_trace(session: "Session", handle: int, args: list[Any], kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Forward (no gradients) with hooks on every named submodule (not the object itself)."""
    module = session.objects[handle]
    calls: list[dict[str, Any]] = []
    if not isinstance(module, torch.nn.Module):
        return {"calls": calls}
    hooks = []

    def recorder(name: str, sub: torch.nn.Module) -> Callable[..., None]:
        def hook(_m: torch.nn.Module, inputs: Any, output: Any) -> None:
            if len(calls) < MAX_CALLS:
                calls.append({"name": name, "type": type(sub).__name__, "input": _copy(inputs),
                              "output": _copy(output),
                              "frame": student_frame(session.root) if session.locate else None})
        return hook

    with session.student("forward"):
        for name, sub in module.named_modules():
            if name:
                hooks.append(sub.register_forward_hook(recorder(name, sub)))
        try:
            with torch.no_grad():
                module(*session._resolve_args(args), **(kwargs or {}))
        finally:
            for h in hooks:
                h.remove()
    return {"calls": calls}


TRACE_OPS: dict[str, Callable[..., dict[str, Any]]] = {"trace": op_trace}
