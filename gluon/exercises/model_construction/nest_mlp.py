"""Exercise: blocks nested inside blocks.

Write ``NestMLP`` and ``chimera``. ``chimera`` uses your ``FixedHiddenMLP``
from ``fixed_hidden_mlp.py`` (imported below); a fault there does not cost
points here. Check with ``grade exercise model_construction/nest_mlp --track gluon``.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn

from model_construction.fixed_hidden_mlp import FixedHiddenMLP


class NestMLP(nn.Block):
    """An ``nn.Sequential`` and a ``Dense`` inside a custom block (to 16 features).

    ``NestMLP()`` takes no size arguments. In ``__init__`` (after
    ``super().__init__(**kwargs)``):

    - ``self.net = nn.Sequential()`` with ``nn.Dense(64, activation='relu')``
      and ``nn.Dense(32, activation='relu')`` added, in that order;
    - ``self.dense = nn.Dense(16, activation='relu')``.

    No ``in_units`` anywhere: the input width is inferred. ``forward(X)``
    returns ``dense(net(X))``. The structural parameter names are
    ``net.0.weight net.0.bias net.1.weight net.1.bias dense.weight dense.bias``.

    Example:
        >>> m = NestMLP()
        >>> m.initialize()
        >>> m(nd.random.uniform(shape=(2, 20))).shape
        (2, 16)
    """

    def __init__(self, **kwargs: Any):
        raise NotImplementedError("NestMLP.__init__: create self.net (Sequential) and self.dense")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("NestMLP.forward: return dense(net(X))")


def chimera() -> nn.Sequential:
    """Return a fresh ``nn.Sequential`` with ``NestMLP()``, ``nn.Dense(20)`` and ``FixedHiddenMLP()`` added.

    Added in that order (children ``0``, ``1``, ``2``); a new network on every
    call, not initialized. It maps ``(batch, in_features)`` to a scalar. The
    grader checks its first two children and the class of its third.

    Example:
        >>> net = chimera()
        >>> [type(block).__name__ for block in net]
        ['NestMLP', 'Dense', 'FixedHiddenMLP']
    """
    raise NotImplementedError("chimera: a Sequential with NestMLP(), Dense(20), FixedHiddenMLP() added")
