"""Reference: parameters of nested blocks.

Implements ``block1``, ``block2`` and ``rgnet`` (D2L "Parameter Management"):
``nn.Sequential`` blocks inside ``nn.Sequential`` blocks, whose structural
parameter names chain the child indices (``0.1.0.weight``).
"""
from mxnet.gluon import nn


def block1() -> nn.Sequential:
    """A fresh ``Sequential(Dense(32, relu), Dense(16, relu))``.

    Example:
        >>> list(block1()._collect_params_with_prefix())
        ['0.weight', '0.bias', '1.weight', '1.bias']
    """
    net = nn.Sequential()
    net.add(nn.Dense(32, activation='relu'),
            nn.Dense(16, activation='relu'))
    return net


def block2(n: int = 4) -> nn.Sequential:
    """A ``Sequential`` holding ``n`` fresh ``block1()``.

    Example:
        >>> list(block2(2)._collect_params_with_prefix())[-2:]
        ['1.1.weight', '1.1.bias']
    """
    net = nn.Sequential()
    for _ in range(n):
        net.add(block1())
    return net


def rgnet(n: int = 4) -> nn.Sequential:
    """``Sequential(block2(n), Dense(10))``.

    Example:
        >>> from mxnet import nd
        >>> net = rgnet()
        >>> net.initialize()
        >>> net(nd.random.uniform(shape=(2, 20))).shape
        (2, 10)
        >>> names = list(net._collect_params_with_prefix())
        >>> names[:2], names[-2:]
        (['0.0.0.weight', '0.0.0.bias'], ['1.weight', '1.bias'])
    """
    net = nn.Sequential()
    net.add(block2(n), nn.Dense(10))
    return net
