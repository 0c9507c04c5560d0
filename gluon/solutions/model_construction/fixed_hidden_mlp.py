"""Reference: a block with a constant (non-trainable) weight and control flow.

Implements ``FixedHiddenMLP`` (D2L "Layer and Block"): ``rand_weight`` is a
constant parameter made with ``self.params.get_constant`` (saved with the
parameters, never updated: its ``grad_req`` is ``'null'``), and the same
``dense`` layer is used twice, so its parameters are shared by both uses.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class FixedHiddenMLP(nn.Block):
    """``dense``, a fixed random projection, ``dense`` again, then halved until small; a scalar.

    Example:
        >>> net = FixedHiddenMLP(20)
        >>> net.initialize()
        >>> net(nd.random.uniform(shape=(2, 20))).shape
        (1,)
        >>> [(name, p.grad_req) for name, p in net._collect_params_with_prefix().items()]
        [('rand_weight', 'null'), ('dense.weight', 'write'), ('dense.bias', 'write')]
    """

    def __init__(self, features: int = 20, **kwargs: Any):
        super().__init__(**kwargs)
        # A constant, uniform in [0, 1): a parameter that is never trained.
        self.rand_weight = self.params.get_constant(
            'rand_weight', nd.random.uniform(shape=(features, features)))
        self.dense = nn.Dense(features, activation='relu')

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        X = self.dense(X)
        X = nd.relu(nd.dot(X, self.rand_weight.data(X.context)) + 1)
        # The same layer again: its parameters are shared between both uses.
        X = self.dense(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()
