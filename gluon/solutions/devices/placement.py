"""Reference: putting data and new arrays on the right device.

Implements ``to_device`` (move every array in a nested batch with
``as_in_context``, keeping the container types) and ``AddPositions``, a layer
that creates an array inside ``forward`` on the input's context and with its
dtype.
"""
import collections
from typing import Any

import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn


def to_device(batch: Any, ctx: mx.Context) -> Any:
    """Move every array in nested dicts / lists / tuples to ``ctx``.

    ``dict`` (and subclasses such as ``OrderedDict``), ``list``, ``tuple`` and
    namedtuple types are kept; anything that is not an array or one of these
    containers is returned unchanged.

    Example:
        >>> out = to_device({'x': nd.ones(2), 'ids': [nd.arange(3), 'a']}, mx.cpu(1))
        >>> out['x'].context, out['ids'][0].context, out['ids'][1]
        (cpu(1), cpu(1), 'a')
    """
    if isinstance(batch, nd.NDArray):  # mxnet.np.ndarray is an NDArray too
        return batch.as_in_context(ctx)
    if isinstance(batch, dict):
        items = [(k, to_device(v, ctx)) for k, v in batch.items()]
        if isinstance(batch, collections.defaultdict):
            return type(batch)(batch.default_factory, items)
        return type(batch)(items)
    if isinstance(batch, tuple):
        items = [to_device(v, ctx) for v in batch]
        if hasattr(batch, '_fields'):  # a namedtuple takes its fields positionally
            return type(batch)(*items)
        return type(batch)(items)
    if isinstance(batch, list):
        return type(batch)(to_device(v, ctx) for v in batch)
    return batch


class AddPositions(nn.Block):
    """``X + arange(X.shape[-1])``, the positions made on ``X``'s context with ``X``'s dtype.

    Example:
        >>> AddPositions()(nd.zeros((2, 3))).asnumpy().tolist()
        [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]
        >>> AddPositions()(nd.zeros((2, 3), ctx=mx.cpu(1))).context
        cpu(1)
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        return X + nd.arange(X.shape[-1], ctx=X.context, dtype=X.dtype)
