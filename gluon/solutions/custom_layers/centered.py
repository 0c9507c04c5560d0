"""Reference: a custom layer without parameters.

Implements ``CenteredLayer``: subtracts the mean of the whole input array.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class CenteredLayer(nn.Block):
    """``X - X.mean()`` (the mean over all entries); no parameters.

    Example:
        >>> CenteredLayer()(nd.array([1, 2, 3, 4, 5])).asnumpy().tolist()
        [-2.0, -1.0, 0.0, 1.0, 2.0]
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        return X - X.mean()
