"""Reference: building a deep network from a block factory.

Implements ``stack(make_block, n)``: ``n`` independent blocks in sequence.
Calling the factory ``n`` times (rather than adding one instance ``n`` times)
is what keeps their parameters separate.
"""
from collections.abc import Callable

from mxnet.gluon import nn


def stack(make_block: Callable[[], nn.Block], n: int) -> nn.Sequential:
    """Return an ``nn.Sequential`` holding ``make_block()``, ..., ``make_block()`` (``n`` calls).

    Example:
        >>> net = stack(lambda: nn.Dense(4), 3)
        >>> len(net), net[0] is net[1]
        (3, False)
        >>> list(net._collect_params_with_prefix())[:2]
        ['0.weight', '0.bias']
    """
    net = nn.Sequential()
    for _ in range(n):
        net.add(make_block())
    return net
