"""Reference: a hand-written ``nn.Sequential``.

Implements ``MySequential``: ``add(block)`` registers the block as a child with
``register_child`` (so ``initialize()`` reaches it and ``collect_params()``
lists it), under the name ``str(len(children))``; ``forward`` chains the
children in the order they were added.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class MySequential(nn.Block):
    """Apply the added blocks one after the other (no block: the identity).

    The same block added twice is registered twice (as ``'0'`` and ``'1'``)
    and applied twice, as ``nn.Sequential`` does.

    Example:
        >>> net = MySequential()
        >>> net.add(nn.Dense(256, activation='relu'))
        >>> net.add(nn.Dense(10))
        >>> net.initialize()
        >>> net(nd.random.uniform(shape=(2, 20))).shape
        (2, 10)
        >>> list(net._collect_params_with_prefix())
        ['0.weight', '0.bias', '1.weight', '1.bias']
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)

    def add(self, block: nn.Block) -> None:
        # register_child names it str(len(self._children)): a block added twice
        # gets two names, so forward visits it twice.
        self.register_child(block)

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        for block in self._children.values():
            X = block(X)
        return X
