"""Reference: blocks nested inside blocks.

Implements ``NestMLP`` (an ``nn.Sequential`` plus a ``Dense`` inside a custom
block) and ``chimera()``, which mixes ``NestMLP``, a plain ``Dense`` and
``FixedHiddenMLP`` in one ``nn.Sequential``.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn

from model_construction.fixed_hidden_mlp import FixedHiddenMLP


class NestMLP(nn.Block):
    """``dense(net(X))``: ``net = Sequential(Dense(64, relu), Dense(32, relu))``, ``dense = Dense(16, relu)``.

    Example:
        >>> m = NestMLP()
        >>> m.initialize()
        >>> m(nd.random.uniform(shape=(2, 20))).shape
        (2, 16)
        >>> list(m._collect_params_with_prefix())
        ['net.0.weight', 'net.0.bias', 'net.1.weight', 'net.1.bias', 'dense.weight', 'dense.bias']
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation='relu'),
                     nn.Dense(32, activation='relu'))
        self.dense = nn.Dense(16, activation='relu')

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        return self.dense(self.net(X))


def chimera() -> nn.Sequential:
    """``NestMLP()``, ``Dense(20)`` and ``FixedHiddenMLP()`` added to a fresh ``nn.Sequential``.

    Example:
        >>> net = chimera()
        >>> net.initialize()
        >>> net(nd.random.uniform(shape=(2, 20))).shape
        (1,)
        >>> [type(block).__name__ for block in net]
        ['NestMLP', 'Dense', 'FixedHiddenMLP']
    """
    net = nn.Sequential()
    net.add(NestMLP(), nn.Dense(20), FixedHiddenMLP())
    return net
