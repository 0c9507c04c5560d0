"""How the Gluon track's arrays cross the boundary, with NumPy only: an MXNet array (``nd`` or
``np``) crosses as dtype, shape and raw bytes (:func:`grader.sandbox.codec.array_payload`) under
the tag ``mxarray``, with ``api`` saying which MXNet array it was (``"nd"``, ``"np"``, or
``"numpy"`` for a plain NumPy array).

The judge's NumPy (2.x) and the worker's (< 1.24) never meet: on the judge's side an
``mxarray`` decodes to an :class:`MXArray` (a NumPy array that remembers the MXNet context it
was on, ``ctx``, and its ``api``) and a NumPy array encodes to one (the worker makes it an
MXNet array of the kind its module uses, on the array's ``ctx`` when it has one:
:mod:`grader.tracks.gluon.worker.arrays`). An MXNet context crosses under the tag ``mxctx`` as
``{"device_type": "cpu", "device_id": 1}`` and decodes to a :class:`Context`. Importing this
module registers both with :mod:`grader.sandbox.codec`.

Example:
    >>> import numpy
    >>> from grader.sandbox import codec
    >>> x = numpy.arange(6, dtype="float32").reshape(2, 3)
    >>> data = codec.encode({"x": x})
    >>> data["$dict"]["x"]["$mxarray"]["dtype"], data["$dict"]["x"]["$mxarray"]["shape"]
    ('float32', [2, 3])
    >>> y = codec.decode(data)["x"]
    >>> y.dtype, y.shape, bool((y == x).all()), y.flags.writeable, y.ctx
    (dtype('float32'), (2, 3), True, True, None)
    >>> codec.decode({"$mxctx": {"device_type": "gpu", "device_id": 1}})
    Context(device_type='gpu', device_id=1)
    >>> str(Context("cpu", 1)), codec.encode(on(x, "cpu(1)"))["$mxarray"]["ctx"]
    ('cpu(1)', 'cpu(1)')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy

from grader.sandbox.codec import CodecError, array_data, array_payload, register

__all__ = ["DTYPES", "TAG", "CONTEXT_TAG", "Context", "MXArray", "numpy_payload", "numpy_array", "on"]

CONTEXT_TAG = "mxctx"

TAG = "mxarray"
#: the dtypes that cross (MXNet's own; never ``object``)
DTYPES = ("float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool")


@dataclass(frozen=True)
class Context:
    """An MXNet context as the judge sees it (``cpu(0)``, ``gpu(1)``)."""

    device_type: str
    device_id: int = 0

    def __str__(self) -> str:
        return f"{self.device_type}({self.device_id})"


class MXArray(numpy.ndarray):
    """A NumPy array that came from an MXNet one: ``ctx`` is where it was (``"cpu(1)"``), ``api``
    which MXNet array it was (``"nd"``, ``"np"``); None for arrays the judge made."""

    ctx: str | None = None
    api: str | None = None

    def __array_finalize__(self, obj: Any) -> None:
        self.ctx = getattr(obj, "ctx", None)
        self.api = getattr(obj, "api", None)


def on(a: Any, ctx: str | None) -> MXArray:
    """``a`` as an array the worker puts on the context ``ctx`` (``"cpu(1)"``) when it arrives."""
    out = numpy.asarray(a).view(MXArray)
    out.ctx = ctx
    return out


def numpy_payload(a: Any, api: str = "numpy") -> dict[str, Any]:
    """A NumPy array as plain data (C order); ``api`` says what kind of array it stands for, and an
    :class:`MXArray`'s ``ctx`` goes along.

    Example:
        >>> numpy_payload(numpy.zeros(2, "uint8"), "np")
        {'dtype': 'uint8', 'shape': [2], 'api': 'np', 'data': 'AAA='}
    """
    ctx = getattr(a, "ctx", None)
    shape = numpy.shape(a)
    a = numpy.ascontiguousarray(a).reshape(shape)  # NumPy < 1.24 makes a 0-d array (1,) here
    if a.dtype.name not in DTYPES:
        raise CodecError(f"arrays of dtype {a.dtype.name} do not cross (known: {', '.join(DTYPES)})")
    extra = {"api": api, **({"ctx": str(ctx)} if ctx else {})}
    return array_payload(a.dtype.name, list(a.shape), a.tobytes(), **extra)


def numpy_array(meta: dict[str, Any]) -> Any:
    """Inverse of :func:`numpy_payload`: a writable NumPy array (CodecError when malformed).

    Example:
        >>> numpy_array({"dtype": "object", "shape": [1], "data": ""})
        Traceback (most recent call last):
        ...
        grader.sandbox.codec.CodecError: unknown dtype 'object'
    """
    name = str(meta.get("dtype"))
    if name not in DTYPES:
        raise CodecError(f"unknown dtype {name!r}")
    dtype = numpy.dtype(name)
    shape, raw = array_data(meta, dtype.itemsize)
    if raw is None:
        raise CodecError("an MXNet array always carries its data")
    out = numpy.frombuffer(bytearray(raw), dtype=dtype).reshape(shape).view(MXArray)
    out.ctx = str(meta["ctx"]) if meta.get("ctx") else None
    out.api = str(meta["api"]) if meta.get("api") else None
    return out


def _context(payload: Any) -> Context:
    if not isinstance(payload, dict) or not isinstance(payload.get("device_type"), str):
        raise CodecError(f"malformed MXNet context {payload!r:.80}")
    return Context(payload["device_type"], int(payload.get("device_id", 0)))


register(TAG, numpy.ndarray, numpy_payload, numpy_array)
register(CONTEXT_TAG, Context, lambda c: {"device_type": c.device_type, "device_id": c.device_id}, _context)
