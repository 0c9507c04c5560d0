"""Exercise: parameters of nested blocks.

Write ``block1``, ``block2`` and ``rgnet`` (D2L "Parameter Management").
Check them with ``grade exercise parameters/nested``.
"""
from torch import nn


def block1() -> nn.Sequential:
    """Return ``nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())``.

    A fresh block on every call.
    """
    raise NotImplementedError("block1: Sequential(Linear(4, 8), ReLU(), Linear(8, 4), ReLU())")


def block2(n: int = 4) -> nn.Sequential:
    """Return an ``nn.Sequential`` holding ``n`` fresh ``block1()`` blocks.

    Add them with ``add_module`` under the names ``'block 0'``, ``'block 1'``,
    ... (with a space), so the ``state_dict`` keys look like
    ``block 0.0.weight``.

    Example:
        >>> list(block2(2).state_dict())[:2]
        ['block 0.0.weight', 'block 0.0.bias']
    """
    raise NotImplementedError("block2: add n block1() under 'block 0', 'block 1', ...")


def rgnet(n: int = 4) -> nn.Sequential:
    """Return ``nn.Sequential(block2(n), nn.Linear(4, 1))``.

    The ``state_dict`` keys look like ``0.block 0.0.weight`` ... ``1.weight 1.bias``.

    Example:
        >>> list(rgnet().state_dict())[:2]
        ['0.block 0.0.weight', '0.block 0.0.bias']
    """
    raise NotImplementedError("rgnet: Sequential(block2(n), Linear(4, 1))")
