"""Exercise: tied (shared) parameters.

Write ``tied_net``. Check it with ``grade exercise parameters/tying --track gluon``.
"""
from mxnet.gluon import nn


def tied_net() -> nn.Sequential:
    """Return an ``nn.Sequential`` with four layers added, the middle two sharing their parameters.

    Build ``shared = nn.Dense(8, activation='relu')`` and add, in order:

    0. ``nn.Dense(8, activation='relu')``
    1. ``shared``
    2. ``nn.Dense(8, activation='relu', params=shared.params)``
    3. ``nn.Dense(10)``

    Layer 2 is a separate block built on **the same** parameters as
    ``shared`` (``net[1].weight is net[2].weight``), not a copy of their
    values: one set of parameters, whose gradient is the sum of the
    gradients of both uses. The structural names list it once, under
    ``1.weight`` / ``1.bias``. No ``in_units``; a fresh, uninitialized
    network on every call.

    Example:
        >>> net = tied_net()
        >>> net[1].weight is net[2].weight
        True
    """
    raise NotImplementedError("tied_net: Dense(8), shared, Dense(8, params=shared.params), Dense(10)")
