"""Reference: small shape-changing layers used by CNNs.

Implements ``GlobalAvgPool2d`` (``(N, C, H, W) -> (N, C, 1, 1)``),
``FlattenLayer`` (``(N, ...) -> (N, prod(...))``) and ``channel_concat``
(concatenation along the channel axis 1).
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class GlobalAvgPool2d(nn.Block):
    """Average over the two spatial axes, keeping them as size 1.

    Example:
        >>> GlobalAvgPool2d()(nd.ones((2, 3, 5, 7))).shape
        (2, 3, 1, 1)
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        return X.mean(axis=(2, 3), keepdims=True)


class FlattenLayer(nn.Block):
    """Keep the batch axis, flatten everything else.

    Example:
        >>> FlattenLayer()(nd.ones((2, 3, 4, 5))).shape
        (2, 60)
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        return X.reshape((X.shape[0], -1))


def channel_concat(*xs: nd.NDArray) -> nd.NDArray:
    """Concatenate arrays along axis 1 (channels).

    Example:
        >>> channel_concat(nd.ones((2, 3, 4, 4)), nd.ones((2, 5, 4, 4))).shape
        (2, 8, 4, 4)
    """
    return nd.concat(*xs, dim=1)
