"""MXNet values through the codec, in the worker.

- An ``nd.NDArray`` or an ``np.ndarray`` (and a plain NumPy array) crosses as
  :mod:`grader.tracks.gluon.arrays` says (tag ``mxarray``: ``dtype``, ``shape``, ``api``, ``data``),
  with the context it lives on as ``ctx`` (``"cpu(0)"``, ``"cpu(1)"``, ``"gpu(0)"``; a plain NumPy
  array has none). What the judge sends comes in as the MXNet array its module uses (``mxnet.np``
  after ``npx.set_np()``, else ``mxnet.nd``; an explicit ``api`` of ``"nd"`` or ``"np"`` wins), on
  the context its ``ctx`` names (the CPU without one).
- A context (``mx.cpu(1)``) crosses under the tag ``mxctx`` as
  ``{"device_type": "cpu", "device_id": 1}`` and comes back as ``mxnet.Context``.
- NumPy scalars a student's function returns (``numpy.float32``, ``numpy.int64``, ``numpy.bool_``)
  become plain Python numbers: :func:`plain`, applied by the operations to what student code returns
  (the codec wraps every registered type in a tag, so this cannot be a codec entry).

Example (in the Gluon environment):
    >>> import mxnet as mx, numpy
    >>> from mxnet import nd
    >>> from grader.sandbox import codec
    >>> data = codec.encode(nd.ones((2, 3), ctx=mx.cpu(1)))
    >>> {k: v for k, v in data["$mxarray"].items() if k != "data"}
    {'dtype': 'float32', 'shape': [2, 3], 'api': 'nd', 'ctx': 'cpu(1)'}
    >>> back = codec.decode(data)
    >>> type(back).__name__, back.shape, back.dtype.__name__, str(back.context)
    ('NDArray', (2, 3), 'float32', 'cpu(1)')
    >>> codec.encode(mx.np.array(2.5))["$mxarray"]["shape"]
    []
    >>> codec.encode(mx.gpu(2))
    {'$mxctx': {'device_type': 'gpu', 'device_id': 2}}
    >>> codec.decode(codec.encode([mx.cpu(1)]))
    [cpu(1)]
    >>> plain({"n": numpy.int64(3), "xs": (numpy.float32(0.5), 2)})
    {'n': 3, 'xs': (0.5, 2)}
"""
from __future__ import annotations

import copy
import re
from typing import Any

import mxnet
import numpy
from mxnet import npx

from grader.sandbox.codec import CodecError, register
from grader.tracks.gluon.arrays import TAG, numpy_array, numpy_payload

__all__ = ["CONTEXT_TAG", "encode_array", "decode_array", "encode_context", "decode_context", "as_context",
           "context_name", "array_context", "is_array", "plain"]

CONTEXT_TAG = "mxctx"
#: the device types a context may name (MXNet's ``Context.devtype2str``)
DEVICE_TYPES = ("cpu", "gpu", "cpu_pinned", "cpu_shared")
_CONTEXT_TEXT = re.compile(r"^\s*(cpu|gpu|cpu_pinned|cpu_shared)\s*\(\s*(\d+)\s*\)\s*$")
_MAX_DEVICE_ID = 1 << 16


def is_array(value: Any) -> bool:
    """Whether ``value`` is an MXNet array (``nd`` or ``np``)."""
    return isinstance(value, (mxnet.nd.NDArray, mxnet.np.ndarray))


def array_context(a: Any) -> str:
    """The context an MXNet array lives on, as text (``"cpu(1)"``)."""
    return str(a.ctx)


def _payload(a: Any, api: str) -> dict[str, Any]:
    """:func:`~grader.tracks.gluon.arrays.numpy_payload` with the array's own shape: the worker's NumPy
    (< 2) makes a 0-d array 1-d in ``ascontiguousarray`` (an np-mode ``X.sum()`` has shape ``()``)."""
    payload = numpy_payload(a, api)
    payload["shape"] = [int(d) for d in numpy.shape(a)]
    return payload


def encode_array(a: Any) -> dict[str, Any]:
    """An MXNet (or NumPy) array as plain data; ``api`` says which it was, ``ctx`` where it lived."""
    if isinstance(a, mxnet.np.ndarray):
        payload, ctx = _payload(a.asnumpy(), "np"), array_context(a)
    elif isinstance(a, mxnet.nd.NDArray):
        payload, ctx = _payload(a.asnumpy(), "nd"), array_context(a)
    else:
        return _payload(a, "numpy")
    data = payload.pop("data")
    return {**payload, "ctx": ctx, "data": data}


def decode_array(meta: dict[str, Any]) -> Any:
    """The array the judge sent, as the MXNet array the current mode uses (or the ``api`` it names),
    on the context of its ``ctx`` (the CPU without one)."""
    a = numpy_array(meta)
    ctx = as_context(meta["ctx"]) if meta.get("ctx") else mxnet.cpu()
    api = meta.get("api")
    if api == "np" or (api != "nd" and npx.is_np_array()):
        return mxnet.np.array(a, dtype=a.dtype, ctx=ctx)
    return mxnet.nd.array(a, dtype=a.dtype, ctx=ctx)


def encode_context(ctx: Any) -> dict[str, Any]:
    """A context as plain data: ``{"device_type": "cpu", "device_id": 1}``."""
    return {"device_type": str(ctx.device_type), "device_id": int(ctx.device_id)}


def decode_context(payload: Any) -> Any:
    """Inverse of :func:`encode_context` (CodecError when malformed)."""
    if not isinstance(payload, dict):
        raise CodecError(f"a context is a dict with device_type and device_id, not {type(payload).__name__}")
    kind, number = payload.get("device_type"), payload.get("device_id")
    if kind not in DEVICE_TYPES or not isinstance(number, int) or isinstance(number, bool) \
            or not 0 <= number < _MAX_DEVICE_ID:
        raise CodecError(f"not a context: {payload!r}")
    return mxnet.Context(kind, number)


def as_context(value: Any) -> Any:
    """A context from what a request may carry: ``"cpu(1)"``, ``"gpu"`` (device 0), a context, or a
    decoded ``mxctx`` payload; ValueError otherwise.

    Example (in the Gluon environment):
        >>> as_context("cpu(1)"), as_context("gpu"), as_context({"device_type": "cpu", "device_id": 2})
        (cpu(1), gpu(0), cpu(2))
    """
    if isinstance(value, mxnet.Context):
        return value
    if isinstance(value, dict):
        return decode_context(value)
    if isinstance(value, str):
        text = value.strip()
        if text in DEVICE_TYPES:
            return mxnet.Context(text, 0)
        found = _CONTEXT_TEXT.match(text)
        if found and int(found.group(2)) < _MAX_DEVICE_ID:
            return mxnet.Context(found.group(1), int(found.group(2)))
    raise ValueError(f"not a context: {value!r} (expected text such as 'cpu(1)')")


def context_name(ctx: Any) -> str:
    """A context as the text the answers use (``"cpu(0)"``)."""
    return str(as_context(ctx))


def plain(value: Any, _depth: int = 0) -> Any:
    """``value`` with every NumPy scalar (``numpy.float32(0.5)``) made a Python number, inside lists,
    tuples (namedtuples kept) and dicts too; containers are copied only where something changed."""
    if isinstance(value, numpy.generic) and not isinstance(value, (numpy.str_, numpy.bytes_, numpy.void)):
        return value.item()
    if _depth > 50 or not isinstance(value, (list, tuple, dict)):
        return value
    if isinstance(value, dict):
        items = {k: plain(v, _depth + 1) for k, v in value.items()}
        if all(items[k] is v for k, v in value.items()):
            return value
        try:
            out = copy.copy(value) if type(value) is not dict else {}
            out.update(items)
            return out
        except Exception:  # noqa: BLE001 - a student's dict subclass may refuse: a plain dict then
            return items
    items_list = [plain(v, _depth + 1) for v in value]
    if all(a is b for a, b in zip(items_list, value)):
        return value
    try:
        if isinstance(value, list):
            return items_list if type(value) is list else type(value)(items_list)
        if hasattr(value, "_fields"):
            return type(value)._make(items_list)
    except Exception:  # noqa: BLE001 - a subclass that cannot be rebuilt crosses as its base
        return items_list if isinstance(value, list) else tuple(items_list)
    return tuple(items_list)


register(TAG, (mxnet.nd.NDArray, mxnet.np.ndarray, numpy.ndarray), encode_array, decode_array)
register(CONTEXT_TAG, mxnet.Context, encode_context, decode_context)
