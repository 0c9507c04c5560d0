"""Exercise: putting data and new arrays on the right device.

Write ``to_device`` and ``AddPositions``. Check them with
``grade exercise devices/placement --track gluon``. No GPU is needed: a
second CPU context, ``mx.cpu(1)``, plays the other device.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn


def to_device(batch: Any, ctx: mx.Context) -> Any:
    """Return ``batch`` with every array in it moved to ``ctx`` (``x.as_in_context(ctx)``).

    ``batch`` may be an array or nested dicts / lists / tuples of them. Keep
    the container types: a ``dict`` stays a ``dict`` (with the same keys,
    in order), a ``list`` a ``list``, a ``tuple`` a ``tuple`` and a
    namedtuple the same namedtuple class (build it with ``type(x)(*items)``).
    Arrays are ``nd.NDArray`` or ``mxnet.np.ndarray`` (a subclass of it).
    Anything else (ints, strings, ``None`` ...) is returned unchanged. Do
    not modify the input in place.

    Example:
        >>> out = to_device({'x': nd.ones(2), 'ids': [nd.arange(3), 'a']}, mx.cpu(1))
        >>> out['x'].context, out['ids'][1]
        (cpu(1), 'a')
    """
    raise NotImplementedError("to_device: recurse into dict/list/tuple/namedtuple, move arrays with as_in_context")


class AddPositions(nn.Block):
    """Add the position index to each entry along the last axis.

    ``forward(X) = X + arange(X.shape[-1])``. The positions must be created
    **on X's context and with X's dtype**
    (``nd.arange(n, ctx=X.context, dtype=X.dtype)``, or
    ``np.arange(n, ctx=X.ctx, dtype=X.dtype)``). MXNet does not refuse
    arithmetic that mixes ``cpu(0)`` and ``cpu(1)`` arrays, so the grader
    watches where the positions are made. No parameters; ``__init__`` only
    calls ``super().__init__(**kwargs)``.

    Example:
        >>> AddPositions()(nd.zeros((2, 3))).asnumpy().tolist()
        [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]
    """

    def __init__(self, **kwargs: Any):
        raise NotImplementedError("AddPositions.__init__: just call super().__init__(**kwargs)")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("AddPositions.forward: X + arange(X.shape[-1]) on X's context, X's dtype")
