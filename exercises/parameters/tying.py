"""Exercise: tied (shared) parameters.

Write ``tied_net``. Check it with ``grade exercise parameters/tying``.
"""
from torch import nn


def tied_net() -> nn.Sequential:
    """Return ``Sequential(Linear(4,8), ReLU(), shared, ReLU(), shared, ReLU(), Linear(8,1))``.

    ``shared = nn.Linear(8, 8)`` is **one** object placed at indices 2 and 4
    (``net[2] is net[4]``), not two layers with copied values. Its gradient is
    then the sum of the gradients of both uses. ``named_parameters()`` lists it
    once, under ``2.weight`` / ``2.bias``. Build a fresh network on every call.

    Example:
        >>> net = tied_net()
        >>> net[2] is net[4]
        True
    """
    raise NotImplementedError("tied_net: one shared Linear(8, 8) at indices 2 and 4")
