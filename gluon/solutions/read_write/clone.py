"""Reference: cloning a model through a parameter file.

Implements ``clone``: ``save_parameters`` writes ``net``'s parameters to a
file, a fresh model from ``make()`` reads them with ``load_parameters``. The
clone computes the same outputs but shares no storage with ``net``.
"""
import os
from collections.abc import Callable

from mxnet.gluon import nn

PathLike = str | os.PathLike


def clone(net: nn.Block, make: Callable[[], nn.Block], path: PathLike) -> nn.Block:
    """``net.save_parameters(path)``, then ``make().load_parameters(path)``; return the new model.

    Example:
        >>> from mxnet import nd
        >>> net = nn.Dense(2)
        >>> net.initialize()
        >>> X = nd.random.uniform(shape=(3, 4))
        >>> _ = net(X)                 # parameters get their shapes
        >>> twin = clone(net, lambda: nn.Dense(2), '/tmp/dense.params')
        >>> twin is net, bool((twin(X) == net(X)).min().asscalar())
        (False, True)
    """
    path = os.fspath(path)
    net.save_parameters(path)
    model = make()
    model.load_parameters(path)
    return model
