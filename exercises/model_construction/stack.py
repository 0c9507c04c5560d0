"""Exercise: a deep network from a block factory.

Write ``stack``. Check it with ``grade exercise model_construction/stack``.
"""
from collections.abc import Callable

from torch import nn


def stack(make_block: Callable[[], nn.Module], n: int) -> nn.Sequential:
    """Return an ``nn.Sequential`` of ``n`` independent blocks, in order.

    Call ``make_block()`` exactly ``n`` times and put the ``n`` results, in
    the order they were made, into one ``nn.Sequential`` (keys ``0.``, ``1.``,
    ...). Repeating one instance (``[block] * n``) is wrong: the blocks must
    share no parameter. ``n = 0`` gives an empty ``Sequential``.

    Example:
        >>> net = stack(lambda: nn.Linear(4, 4), 3)
        >>> len(net), net[0] is net[1]
        (3, False)
    """
    raise NotImplementedError("stack: call make_block() n times and put the blocks in a Sequential")
