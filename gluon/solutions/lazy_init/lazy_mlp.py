"""Reference: deferred initialization.

Implements ``lazy_mlp``, whose ``Dense`` layers are not told their input width
(their weights report the deferred shape ``(units, 0)`` until the first
forward pass), and ``materialize``, which initializes such a network
(Xavier-uniform weights, zero biases) and runs that first pass.
"""
from mxnet import init, nd
from mxnet.gluon import nn


def lazy_mlp(hidden: int = 256, out_features: int = 10) -> nn.Sequential:
    """``Sequential(Dense(hidden, relu), Dense(out_features))``, no input width given.

    Example:
        >>> net = lazy_mlp(256, 10)
        >>> net[0].weight.shape, net[1].weight.shape
        ((256, 0), (10, 0))
    """
    net = nn.Sequential()
    net.add(nn.Dense(hidden, activation='relu'), nn.Dense(out_features))
    return net


def materialize(net: nn.Block, example: nd.NDArray) -> nn.Block:
    """Initialize ``net`` (Xavier-uniform weights, zero biases), run it once on ``example``; return it.

    The initialization waits for the forward pass, which fixes every deferred
    shape; ``force_reinit`` makes it apply to a network initialized before.

    Example:
        >>> net = materialize(lazy_mlp(8, 3), nd.random.uniform(shape=(2, 5)))
        >>> net[0].weight.shape, net[1].weight.shape, net[0].bias.data().sum().asscalar()
        ((8, 5), (3, 8), 0.0)
    """
    net.initialize(init=init.Xavier(), force_reinit=True)
    net(example)
    return net
