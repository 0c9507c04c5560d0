"""Exercise: small shape-changing layers used by CNNs.

Write ``GlobalAvgPool2d``, ``FlattenLayer`` and ``channel_concat``. Check
them with ``grade exercise custom_layers/pooling --track gluon``.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class GlobalAvgPool2d(nn.Block):
    """Average over height and width: ``(N, C, H, W) -> (N, C, 1, 1)``.

    Keep the two spatial axes as size 1 (do not drop them). No parameters;
    ``__init__`` only calls ``super().__init__(**kwargs)``.

    Example:
        >>> GlobalAvgPool2d()(nd.ones((2, 3, 5, 7))).shape
        (2, 3, 1, 1)
    """

    def __init__(self, **kwargs: Any):
        raise NotImplementedError("GlobalAvgPool2d.__init__: just call super().__init__(**kwargs)")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("GlobalAvgPool2d.forward: mean over axes 2 and 3, keeping them")


class FlattenLayer(nn.Block):
    """Keep the batch axis, flatten the rest: ``(N, ...) -> (N, prod(...))``.

    Inputs have rank >= 2 and batch ``N >= 1``; a rank-2 input comes back
    unchanged. No parameters; ``__init__`` only calls
    ``super().__init__(**kwargs)``.

    Example:
        >>> FlattenLayer()(nd.ones((2, 3, 4, 5))).shape
        (2, 60)
    """

    def __init__(self, **kwargs: Any):
        raise NotImplementedError("FlattenLayer.__init__: just call super().__init__(**kwargs)")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("FlattenLayer.forward: (N, ...) -> (N, prod(...))")


def channel_concat(*xs: nd.NDArray) -> nd.NDArray:
    """Concatenate the given arrays along axis 1 (the channel axis).

    They agree on every other axis. ``nd.concat(*xs, dim=1)`` or
    ``np.concatenate(xs, axis=1)``.

    Example:
        >>> channel_concat(nd.ones((2, 3, 4, 4)), nd.ones((2, 5, 4, 4))).shape
        (2, 8, 4, 4)
    """
    raise NotImplementedError("channel_concat: concatenate along axis 1")
