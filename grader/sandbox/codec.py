"""Encode and decode the plain data that crosses the judge–worker boundary.

Only JSON crosses: tensors travel as dtype, shape, device and raw bytes in
base64, never as a pickle, so decoding cannot run code.

Example:
    >>> import torch
    >>> t = torch.arange(6.0).reshape(2, 3)
    >>> torch.equal(decode(encode({"x": t}))["x"], t)
    True
"""
from __future__ import annotations

import base64
import json
from typing import Any

import torch

__all__ = ["encode", "decode", "dumps", "loads", "CodecError", "MAX_REPR"]

MAX_REPR = 300
_DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64,
    torch.complex128, torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64,
    torch.bool,
)}


class CodecError(ValueError):
    """Raised when a message does not follow the protocol."""


def _encode_tensor(t: torch.Tensor) -> dict[str, Any]:
    t = t.detach()
    meta = {"dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape),
            "device": str(t.device), "requires_grad": bool(t.requires_grad)}
    if t.device.type == "meta" or _is_fake(t):
        meta["data"] = None
        return {"$tensor": meta}
    if t.is_sparse or t.layout != torch.strided:
        t = t.to_dense()
    # clone: a one-element view with a stride other than 1 survives .contiguous()
    flat = t.to("cpu").reshape(-1).clone(memory_format=torch.contiguous_format)
    raw = flat.view(torch.uint8) if flat.numel() else torch.empty(0, dtype=torch.uint8)
    meta["data"] = base64.b64encode(raw.numpy().tobytes()).decode("ascii")
    return {"$tensor": meta}


def _is_fake(t: torch.Tensor) -> bool:
    return type(t).__name__ == "FakeTensor"


def encode(value: Any, _depth: int = 0) -> Any:
    """Turn ``value`` into JSON-ready data: tensors, numbers, strings, containers.

    Objects that are none of these become ``{"$object": type name, "repr": ...}``.
    """
    if _depth > 50:
        return {"$object": "too deeply nested", "repr": ""}
    if isinstance(value, torch.Tensor):
        return _encode_tensor(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {"$float": repr(value)}
        return value
    if isinstance(value, torch.device):
        return {"$device": str(value)}
    if isinstance(value, torch.dtype):
        return {"$dtype": str(value).removeprefix("torch.")}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {"$namedtuple": type(value).__name__, "fields": list(value._fields),
                "items": [encode(v, _depth + 1) for v in value]}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, _depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"$dict": {k: encode(v, _depth + 1) for k, v in value.items()},
                    "type": type(value).__name__}
        return {"$object": type(value).__name__, "repr": _short_repr(value)}
    return {"$object": type(value).__name__, "repr": _short_repr(value)}


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except BaseException:  # noqa: BLE001 - a student's __repr__ may do anything
        text = f"<{type(value).__name__}>"
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + "…"


class Opaque:
    """An object that could not cross the boundary; keeps its type name and repr."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def decode(data: Any) -> Any:
    """Inverse of :func:`encode`. Namedtuples come back as plain tuples with ``_type``
    recorded by wrapping them in :class:`NamedTupleValue`."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$tensor" in data:
        return _decode_tensor(data["$tensor"])
    if "$float" in data:
        return float(data["$float"])
    if "$tuple" in data:
        return tuple(decode(v) for v in data["$tuple"])
    if "$namedtuple" in data:
        return NamedTupleValue(data["$namedtuple"], tuple(data["fields"]),
                               tuple(decode(v) for v in data["items"]))
    if "$dict" in data:
        return DictValue({k: decode(v) for k, v in data["$dict"].items()},
                         type_name=data.get("type", "dict"))
    if "$device" in data:
        return torch.device(data["$device"])
    if "$dtype" in data:
        return _dtype(data["$dtype"])
    if "$object" in data:
        return Opaque(str(data["$object"]), str(data.get("repr", "")))
    return {k: decode(v) for k, v in data.items()}


class DictValue(dict):
    """A decoded dict that remembers the class name it had in the worker."""

    def __init__(self, items: dict[str, Any], *, type_name: str = "dict") -> None:
        super().__init__(items)
        self.type_name = type_name


class NamedTupleValue(tuple):
    """A decoded namedtuple: a tuple that remembers its type name and fields."""

    def __new__(cls, type_name: str, fields: tuple[str, ...], items: tuple[Any, ...]):
        obj = super().__new__(cls, items)
        obj.type_name = type_name
        obj.fields = fields
        return obj

    def __getnewargs__(self):  # pragma: no cover - pickling not used
        return (self.type_name, self.fields, tuple(self))


def _dtype(name: str) -> torch.dtype:
    try:
        return _DTYPES[name]
    except KeyError:
        raise CodecError(f"unknown dtype {name!r}") from None


def _decode_tensor(meta: dict[str, Any]) -> torch.Tensor:
    dtype = _dtype(meta["dtype"])
    shape = [int(s) for s in meta["shape"]]
    if meta.get("data") is None:
        return torch.empty(shape, dtype=dtype, device="meta")
    raw = base64.b64decode(meta["data"])
    numel = 1
    for s in shape:
        numel *= s
    itemsize = torch.empty((), dtype=dtype).element_size()
    if len(raw) != numel * itemsize:
        raise CodecError(f"tensor of shape {shape} and dtype {meta['dtype']} "
                         f"carries {len(raw)} bytes, expected {numel * itemsize}")
    if numel == 0:
        return torch.empty(shape, dtype=dtype)
    flat = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype)
    return flat.reshape(shape)


def dumps(value: Any) -> bytes:
    """Encode and serialise ``value`` to UTF-8 JSON bytes."""
    return json.dumps(encode(value), separators=(",", ":")).encode("utf-8")


def loads(raw: bytes) -> Any:
    """Parse bytes written by :func:`dumps`; raises :class:`CodecError` when malformed."""
    try:
        return decode(json.loads(raw.decode("utf-8")))
    except CodecError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError, RuntimeError) as exc:
        raise CodecError(f"malformed message: {exc}") from None
