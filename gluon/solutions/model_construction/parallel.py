"""Reference: running two blocks side by side.

Implements ``Parallel``: both children see the same input and their outputs
are concatenated along ``axis``.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class Parallel(nn.Block):
    """``concat(net1(X), net2(X))`` along ``axis``.

    Example:
        >>> p = Parallel(nn.Dense(3), nn.Dense(5))
        >>> p.initialize()
        >>> p(nd.random.uniform(shape=(2, 4))).shape
        (2, 8)
        >>> list(p._collect_params_with_prefix())
        ['net1.weight', 'net1.bias', 'net2.weight', 'net2.bias']
    """

    def __init__(self, net1: nn.Block, net2: nn.Block, axis: int = 1, **kwargs: Any):
        super().__init__(**kwargs)
        # Assigning a Block to an attribute registers it as a child.
        self.net1 = net1
        self.net2 = net2
        self.axis = axis

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        return nd.concat(self.net1(X), self.net2(X), dim=self.axis)
