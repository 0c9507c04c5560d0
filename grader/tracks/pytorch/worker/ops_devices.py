"""Operations for device handling: simulated GPU counts, and forward on another device.

Without a GPU, a module moved to ``meta`` and run under ``FakeTensorMode``
raises on a tensor created without ``device=`` and on a tensor attribute that
is not a buffer; with CUDA present, the same runs on ``cuda`` for real.

Example:
    >>> import torch
    >>> from grader.tracks.pytorch.worker.ops import Session
    >>> s = Session(None, None); s.objects[1] = torch.nn.Linear(3, 2)
    >>> op_forward_on(s, 1, [[[4, 3], "float32"]], device="meta")["output"]["shape"]
    [4, 2]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["DEVICE_OPS", "describe_output", "op_forward_on"]


def op_simulate_gpus(session: "Session", count: int) -> dict[str, Any]:
    """Make ``torch.cuda.device_count()`` say ``count`` and ``is_available()`` agree."""
    torch.cuda.device_count = lambda: count  # type: ignore[assignment]
    torch.cuda.is_available = lambda: count > 0  # type: ignore[assignment]
    return {"count": count}


def describe_output(out: Any) -> dict[str, Any]:
    """Shape, dtype and device of a tensor output (``{"type": name}`` for anything else)."""
    if isinstance(out, torch.Tensor):
        return {"shape": list(out.shape), "dtype": str(out.dtype).removeprefix("torch."),
                "device": str(out.device)}
    return {"type": type(out).__name__}


def op_forward_on(session: "Session", handle: int, inputs: list[Any], device: str = "meta",
                  backward: bool = True, values: list[torch.Tensor] | None = None) -> dict[str, Any]:
    """Move the module to ``device`` and run forward (and backward) there.

    On ``meta`` the inputs are empty meta tensors of the given ``[shape, dtype]``
    and everything runs under ``FakeTensorMode``; on a real device ``values``
    are moved there and the output comes back to the CPU.
    """
    module = session.objects[handle]
    with session.student("to"):
        moved = module.to(device)
    module = moved if moved is not None else module
    session.objects[handle] = module
    if device == "meta":
        from torch._subclasses.fake_tensor import FakeTensorMode

        with FakeTensorMode(allow_non_fake_inputs=True):
            args = [torch.empty(shape, dtype=getattr(torch, dtype), device="meta") for shape, dtype in inputs]
            with session.student("forward"):
                out = module(*args)
            info = describe_output(out)
            if backward and isinstance(out, torch.Tensor) and out.requires_grad:
                with session.student("backward"):
                    out.float().sum().backward() if not out.is_complex() else out.abs().sum().backward()
        return {"output": info}
    args = [v.to(device) for v in (values or [])]
    with session.student("forward"):
        out = module(*args)
    info = describe_output(out)
    if backward and isinstance(out, torch.Tensor) and out.requires_grad:
        with session.student("backward"):
            out.float().sum().backward() if not out.is_complex() else out.abs().sum().backward()
    return {"output": info, "value": out.detach().cpu() if isinstance(out, torch.Tensor) else None}


def op_cuda_available(session: "Session") -> dict[str, Any]:
    return {"available": bool(torch.cuda.is_available()), "count": int(torch.cuda.device_count())}


DEVICE_OPS = {"simulate_gpus": op_simulate_gpus, "forward_on": op_forward_on, "cuda_available": op_cuda_available}
