"""MXNet arrays through the codec, in the worker: an ``nd.NDArray`` or an ``np.ndarray`` (and a
plain NumPy array) crosses as :mod:`grader.tracks.gluon.arrays` says; what the judge sends comes
in as the MXNet array its module uses: ``mxnet.np`` after ``npx.set_np()``, else ``mxnet.nd``.

Example (in the Gluon environment):
    >>> from mxnet import nd
    >>> from grader.sandbox import codec
    >>> back = codec.decode(codec.encode(nd.ones((2, 3))))
    >>> type(back).__name__, back.shape, back.dtype.__name__
    ('NDArray', (2, 3), 'float32')
"""
from __future__ import annotations

from typing import Any

import mxnet
import numpy
from mxnet import npx

from grader.sandbox.codec import register
from grader.tracks.gluon.arrays import TAG, numpy_array, numpy_payload

__all__ = ["encode_array", "decode_array"]


def encode_array(a: Any) -> dict[str, Any]:
    """An MXNet (or NumPy) array as plain data; ``api`` says which it was."""
    if isinstance(a, mxnet.np.ndarray):
        return numpy_payload(a.asnumpy(), "np")
    if isinstance(a, mxnet.nd.NDArray):
        return numpy_payload(a.asnumpy(), "nd")
    return numpy_payload(a, "numpy")


def decode_array(meta: dict[str, Any]) -> Any:
    """The array the judge sent, as the MXNet array the current mode uses (on the CPU)."""
    a = numpy_array(meta)
    if npx.is_np_array():
        return mxnet.np.array(a, dtype=a.dtype)
    return mxnet.nd.array(a, dtype=a.dtype)


register(TAG, (mxnet.nd.NDArray, mxnet.np.ndarray, numpy.ndarray), encode_array, decode_array)
