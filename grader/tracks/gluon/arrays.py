"""How the Gluon track's arrays cross the boundary, with NumPy only: an MXNet array (``nd`` or
``np``) crosses as dtype, shape and raw bytes (:func:`grader.sandbox.codec.array_payload`) under
the tag ``mxarray``, with ``api`` saying which MXNet array it was (``"nd"``, ``"np"``, or
``"numpy"`` for a plain NumPy array).

The judge's NumPy (2.x) and the worker's (< 1.24) never meet: on the judge's side an
``mxarray`` decodes to a NumPy array and a NumPy array encodes to one (the worker makes it an
MXNet array of the kind its module uses, :mod:`grader.tracks.gluon.worker.arrays`). Importing
this module registers that with :mod:`grader.sandbox.codec`.

Example:
    >>> import numpy
    >>> from grader.sandbox import codec
    >>> x = numpy.arange(6, dtype="float32").reshape(2, 3)
    >>> data = codec.encode({"x": x})
    >>> data["$dict"]["x"]["$mxarray"]["dtype"], data["$dict"]["x"]["$mxarray"]["shape"]
    ('float32', [2, 3])
    >>> y = codec.decode(data)["x"]
    >>> y.dtype, y.shape, bool((y == x).all()), y.flags.writeable
    (dtype('float32'), (2, 3), True, True)
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.sandbox.codec import CodecError, array_data, array_payload, register

__all__ = ["DTYPES", "TAG", "numpy_payload", "numpy_array"]

TAG = "mxarray"
#: the dtypes that cross (MXNet's own; never ``object``)
DTYPES = ("float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool")


def numpy_payload(a: Any, api: str = "numpy") -> dict[str, Any]:
    """A NumPy array as plain data (C order); ``api`` says what kind of array it stands for.

    Example:
        >>> numpy_payload(numpy.zeros(2, "uint8"), "np")
        {'dtype': 'uint8', 'shape': [2], 'api': 'np', 'data': 'AAA='}
    """
    a = numpy.ascontiguousarray(a)
    if a.dtype.name not in DTYPES:
        raise CodecError(f"arrays of dtype {a.dtype.name} do not cross (known: {', '.join(DTYPES)})")
    return array_payload(a.dtype.name, list(a.shape), a.tobytes(), api=api)


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
    return numpy.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)


register(TAG, numpy.ndarray, numpy_payload, numpy_array)
