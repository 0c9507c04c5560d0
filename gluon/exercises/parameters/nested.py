"""Exercise: parameters of nested blocks.

Write ``block1``, ``block2`` and ``rgnet`` (D2L "Parameter Management").
Check them with ``grade exercise parameters/nested --track gluon``.

Each function returns a fresh, uninitialized network on every call; no
``in_units`` anywhere (input widths are inferred).
"""
from mxnet.gluon import nn


def block1() -> nn.Sequential:
    """Return an ``nn.Sequential`` with ``Dense(32, activation='relu')`` and ``Dense(16, activation='relu')`` added.

    Structural parameter names: ``0.weight 0.bias 1.weight 1.bias``.

    Example:
        >>> len(block1())
        2
    """
    raise NotImplementedError("block1: Sequential with Dense(32, relu), Dense(16, relu)")


def block2(n: int = 4) -> nn.Sequential:
    """Return an ``nn.Sequential`` holding ``n`` fresh ``block1()``, added one by one.

    Structural names look like ``0.0.weight`` ... ``3.1.bias``.

    Example:
        >>> len(block2(2))
        2
    """
    raise NotImplementedError("block2: a Sequential of n block1()")


def rgnet(n: int = 4) -> nn.Sequential:
    """Return an ``nn.Sequential`` with ``block2(n)`` and then ``Dense(10)`` added.

    Structural names look like ``0.1.0.weight`` (block ``1`` of ``block2``,
    its first ``Dense``) ... ``1.weight 1.bias``.

    Example:
        >>> [type(b).__name__ for b in rgnet()]
        ['Sequential', 'Dense']
    """
    raise NotImplementedError("rgnet: Sequential with block2(n), Dense(10)")
