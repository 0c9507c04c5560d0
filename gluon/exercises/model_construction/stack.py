"""Exercise: a deep network from a block factory.

Write ``stack``. Check it with
``grade exercise model_construction/stack --track gluon``.
"""
from collections.abc import Callable

from mxnet.gluon import nn


def stack(make_block: Callable[[], nn.Block], n: int) -> nn.Sequential:
    """Return an ``nn.Sequential`` of ``n`` independent blocks, in order.

    Call ``make_block()`` exactly ``n`` times and add the ``n`` results, in
    the order they were made, to one fresh ``nn.Sequential`` (children ``0``,
    ``1``, ...; structural names ``0.weight``, ...). Adding one instance ``n``
    times is wrong: the blocks must share no parameter. ``n = 0`` gives an
    empty ``Sequential``. Do not initialize it.

    Example:
        >>> net = stack(lambda: nn.Dense(4), 3)
        >>> len(net), net[0] is net[1]
        (3, False)
    """
    raise NotImplementedError("stack: call make_block() n times and add the blocks to a Sequential")
