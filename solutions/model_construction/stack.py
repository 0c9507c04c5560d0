"""Reference: building a deep network from a block factory.

Implements ``stack(make_block, n)``: ``n`` independent instances of a block in
sequence. Calling the factory ``n`` times (rather than repeating one instance)
is what keeps their parameters separate.
"""
from collections.abc import Callable

from torch import nn


def stack(make_block: Callable[[], nn.Module], n: int) -> nn.Sequential:
    """Return ``Sequential(make_block(), ..., make_block())`` with ``n`` blocks.

    Example:
        >>> net = stack(lambda: nn.Linear(4, 4), 3)
        >>> len(net), net[0] is net[1]
        (3, False)
        >>> list(net.state_dict())[:2]
        ['0.weight', '0.bias']
    """
    return nn.Sequential(*[make_block() for _ in range(n)])
