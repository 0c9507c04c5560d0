"""Did a forward change the tensors it was given? And which in-place operation did it?

A layer that writes into its input (``X -= X.mean()``, ``X.relu_()``,
``nn.ReLU(inplace=True)`` on the input) changes the caller's tensor. The worker
keeps a copy of each input, compares after the call, and only when one changed,
runs the forward once more on fresh copies under :class:`InPlaceSpy`, a
``TorchDispatchMode`` that notes every operation writing into an input's storage
and the student's line that called it.

Example:
    >>> import torch
    >>> def bad(X):
    ...     X -= X.mean()
    ...     return X
    >>> X = torch.tensor([1.0, 3.0])
    >>> changed_inputs([X], lambda *a: bad(*a))
    [0]
    >>> spy_in_place([torch.tensor([1.0, 3.0])], lambda *a: bad(*a), root=None)["op"]
    'aten.sub_.Tensor'
    >>> changed_inputs([torch.tensor([1.0, 3.0])], lambda X: X - X.mean())
    []
"""
from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any, Callable

import torch
from torch.utils._python_dispatch import TorchDispatchMode

__all__ = ["changed_inputs", "spy_in_place", "InPlaceSpy", "student_frame"]


def _comparable(t: Any) -> bool:
    return isinstance(t, torch.Tensor) and t.device.type not in ("meta",) and not _is_fake(t)


def _is_fake(t: torch.Tensor) -> bool:
    return type(t).__name__ == "FakeTensor"


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.is_floating_point() or a.is_complex():
        return bool(torch.equal(a.isnan(), b.isnan()) and torch.equal(a.nan_to_num(), b.nan_to_num()))
    return bool(torch.equal(a, b))


def changed_inputs(args: list[Any], call: Callable[..., Any]) -> list[int]:
    """Run ``call(*args)``; the positions of the tensor arguments whose values it changed."""
    before = {i: a.detach().clone() for i, a in enumerate(args) if _comparable(a)}
    call(*args)
    return [i for i, copy in before.items() if not _same(args[i].detach(), copy)]


class InPlaceSpy(TorchDispatchMode):
    """Notes the first operation that writes into one of the ``watched`` storages."""

    def __init__(self, watched: set[int], root: Path | None) -> None:
        super().__init__()
        self.watched, self.root = watched, root
        self.found: dict[str, Any] | None = None

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if self.found is None:
            for i, arg in enumerate(func._schema.arguments):
                if arg.alias_info is None or not arg.alias_info.is_write:
                    continue
                value = args[i] if i < len(args) else kwargs.get(arg.name)
                if isinstance(value, torch.Tensor) and value.untyped_storage().data_ptr() in self.watched:
                    self.found = {"op": str(func), "frame": student_frame(self.root)}
                    break
        return func(*args, **kwargs)


def student_frame(root: Path | None) -> dict[str, Any] | None:
    if root is None:
        return None
    for fs in reversed(traceback.extract_stack()):
        try:
            inside = Path(fs.filename).resolve().is_relative_to(root)
        except OSError:
            inside = False
        if inside:
            return {"file": os.path.relpath(fs.filename, root), "line": fs.lineno or 0, "function": fs.name,
                    "in_submission": True, "text": (fs.line or "").strip()}
    return None


def spy_in_place(args: list[Any], call: Callable[..., Any], *, root: Path | None) -> dict[str, Any]:
    """Run ``call(*args)`` under :class:`InPlaceSpy` watching the tensor arguments: the operation that
    wrote into one (``{"op": "aten.sub_.Tensor", "frame": ...}``), or ``{}``; any exception is swallowed
    (this is a diagnosis of a run that already completed once)."""
    watched = {a.untyped_storage().data_ptr() for a in args if _comparable(a)}
    spy = InPlaceSpy(watched, root)
    try:
        with spy:
            call(*args)
    except Exception:  # noqa: BLE001
        pass
    return spy.found or {}
