"""Reference: tied (shared) parameters.

Implements ``tied_net``: the third ``Dense`` is built with
``params=shared.params``, so it uses the very same ``Parameter`` objects as
``shared``; their gradient is the sum of the gradients of both uses.
"""
from mxnet.gluon import nn


def tied_net() -> nn.Sequential:
    """``Dense(8, relu)``, ``shared``, ``Dense(8, relu, params=shared.params)``, ``Dense(10)``.

    Example:
        >>> net = tied_net()
        >>> net[1].weight is net[2].weight
        True
        >>> from mxnet import nd
        >>> net.initialize()
        >>> net(nd.ones((2, 4))).shape
        (2, 10)
    """
    shared = nn.Dense(8, activation='relu')
    net = nn.Sequential()
    net.add(nn.Dense(8, activation='relu'),
            shared,
            nn.Dense(8, activation='relu', params=shared.params),
            nn.Dense(10))
    return net
