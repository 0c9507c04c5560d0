"""How torch values cross the judge–worker boundary: tensors as dtype, shape, device and raw
bytes (:func:`grader.sandbox.codec.array_payload`), devices and dtypes by name.

Importing this module registers them with :mod:`grader.sandbox.codec`: the worker does when
it imports the track's operations, the judge when it uses the track
(:meth:`grader.tracks.Track.load`, or the reference runtime).

Example:
    >>> import torch
    >>> from grader.sandbox import codec
    >>> t = torch.arange(6.0).reshape(2, 3)
    >>> torch.equal(codec.decode(codec.encode({"x": t}))["x"], t)
    True
    >>> codec.encode([torch.device("cpu"), torch.int64])
    [{'$device': 'cpu'}, {'$dtype': 'int64'}]
"""
from __future__ import annotations

from typing import Any

import torch

from grader.sandbox.codec import CodecError, array_data, array_payload, register

__all__ = ["encode_tensor", "decode_tensor", "dtype_named"]

_DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64,
    torch.complex128, torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64,
    torch.bool,
)}


def encode_tensor(t: torch.Tensor) -> dict[str, Any]:
    """A tensor as plain data (a meta or fake tensor carries no data)."""
    t = t.detach()
    dtype, shape = str(t.dtype).removeprefix("torch."), list(t.shape)
    facts = {"device": str(t.device), "requires_grad": bool(t.requires_grad)}
    if t.device.type == "meta" or _is_fake(t):
        return array_payload(dtype, shape, None, **facts)
    if t.is_sparse or t.layout != torch.strided:
        t = t.to_dense()
    # clone: a one-element view with a stride other than 1 survives .contiguous()
    flat = t.to("cpu").reshape(-1).clone(memory_format=torch.contiguous_format)
    raw = flat.view(torch.uint8) if flat.numel() else torch.empty(0, dtype=torch.uint8)
    return array_payload(dtype, shape, raw.numpy().tobytes(), **facts)


def _is_fake(t: torch.Tensor) -> bool:
    return type(t).__name__ == "FakeTensor"


def dtype_named(name: str) -> torch.dtype:
    """The torch dtype called ``name`` (``"float32"``); CodecError for any other name.

    Example:
        >>> dtype_named("float32")
        torch.float32
        >>> dtype_named("object")
        Traceback (most recent call last):
        ...
        grader.sandbox.codec.CodecError: unknown dtype 'object'
    """
    try:
        return _DTYPES[name]
    except KeyError:
        raise CodecError(f"unknown dtype {name!r}") from None


def decode_tensor(meta: dict[str, Any]) -> torch.Tensor:
    """Inverse of :func:`encode_tensor` (on the CPU; a tensor without data comes back on ``meta``)."""
    dtype = dtype_named(meta["dtype"])
    shape, raw = array_data(meta, torch.empty((), dtype=dtype).element_size(), kind="tensor")
    if raw is None:
        return torch.empty(shape, dtype=dtype, device="meta")
    if not raw:
        return torch.empty(shape, dtype=dtype)
    flat = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype)
    return flat.reshape(shape)


register("tensor", torch.Tensor, encode_tensor, decode_tensor)
register("device", torch.device, str, torch.device)
register("dtype", torch.dtype, lambda d: str(d).removeprefix("torch."), dtype_named)
