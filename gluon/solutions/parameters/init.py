"""Reference: (re)initializing a network's parameters.

Implements ``init_normal``, ``init_constant``, ``init_xavier_first`` and the
custom initializer ``MyInit`` (D2L "Parameter Management"). Each works on a
built network in place with ``force_reinit=True``; on a network that has not
run yet the initializer is remembered and applied at the first forward pass,
once the deferred shapes are known. A ``Dense`` bias carries its own
initializer (``'zeros'``), which wins over the one passed to ``initialize``.
"""
from mxnet import init, nd
from mxnet.gluon import nn


def init_normal(net: nn.Block) -> None:
    """Weights ~ N(0, 0.01^2), biases 0.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, activation='relu'), nn.Dense(1))
        >>> init_normal(net)
        >>> _ = net(nd.ones((2, 4)))
        >>> net[0].weight.shape, float(net[0].bias.data().abs().sum().asscalar())
        ((8, 4), 0.0)
    """
    net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)


def init_constant(net: nn.Block, value: float = 1.0) -> None:
    """Every weight entry = ``value``, biases 0.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, in_units=4))
        >>> init_constant(net, 3.0)
        >>> net[0].weight.data()[0].asnumpy().tolist(), net[0].bias.data()[0].asscalar()
        ([3.0, 3.0, 3.0, 3.0], 0.0)
    """
    net.initialize(init=init.Constant(value), force_reinit=True)


def init_xavier_first(net: nn.Block) -> None:
    """Xavier-uniform on ``net[0].weight`` only: U(-a, a), a = sqrt(6 / (fan_in + fan_out)).

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, in_units=4), nn.Dense(1, in_units=8))
        >>> net.initialize(init.Constant(1.0))
        >>> init_xavier_first(net)
        >>> bool(net[0].weight.data().abs().max() <= (6 / 12) ** 0.5), net[1].weight.data()[0, 0].asscalar()
        (True, 1.0)
    """
    net[0].weight.initialize(init=init.Xavier(), force_reinit=True)


class MyInit(init.Initializer):
    """Weights ~ U(-10, 10), then every entry with |w| < 5 set to 0.

    Use it as ``net.initialize(MyInit(), force_reinit=True)``.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, in_units=4))
        >>> net.initialize(MyInit(), force_reinit=True)
        >>> w = net[0].weight.data()
        >>> bool(((w == 0) + (w.abs() >= 5)).min().asscalar()), bool(w.abs().max() <= 10)
        (True, True)
    """

    def _init_weight(self, name: str, data: nd.NDArray) -> None:
        data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
        data *= data.abs() >= 5
