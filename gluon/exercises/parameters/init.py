"""Exercise: (re)initializing a network's parameters.

Write ``init_normal``, ``init_constant``, ``init_xavier_first`` and the
initializer ``MyInit`` (D2L "Parameter Management"). Check them with
``grade exercise parameters/init --track gluon``.

Rules for the three functions: each takes a built ``net`` (maybe already
initialized, maybe never run) and (re)initializes it **in place**, passing
``force_reinit=True`` (without it, an initialized network keeps its values and
MXNet only warns). Return nothing. On a network that has not run yet the
shapes are deferred: ``initialize`` then remembers the initializer and applies
it at the first forward pass. The grader runs a forward pass on a drawn input
width and then tests the distributions with statistical goodness-of-fit tests.
A ``Dense`` bias has its own initializer (``'zeros'``), which wins over the one
given to ``net.initialize``.

Arrays: in ``MyInit`` use ``mxnet.nd`` (imported below) or, after
``npx.set_np()``, ``mxnet.np``: ``data`` is then an ``np.ndarray``.
"""
from mxnet import init, nd
from mxnet.gluon import nn


def init_normal(net: nn.Block) -> None:
    """Every weight ~ N(0, 0.01^2) (``init.Normal(sigma=0.01)``), every bias 0.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, activation='relu'), nn.Dense(1))
        >>> init_normal(net)
    """
    raise NotImplementedError("init_normal: net.initialize(Normal(sigma=0.01), force_reinit=True)")


def init_constant(net: nn.Block, value: float = 1.0) -> None:
    """Every weight entry = ``value`` (``init.Constant(value)``), every bias 0.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, in_units=4))
        >>> init_constant(net, 3.0)
    """
    raise NotImplementedError("init_constant: net.initialize(Constant(value), force_reinit=True)")


def init_xavier_first(net: nn.Block) -> None:
    """Xavier-uniform (``init.Xavier()``) on ``net[0].weight`` **only**; everything else untouched.

    Xavier uniform draws U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).
    Initialize that one ``Parameter`` (``force_reinit=True``), not the whole
    network: the other parameters must keep their values.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, in_units=4), nn.Dense(1, in_units=8))
        >>> net.initialize()
        >>> init_xavier_first(net)
    """
    raise NotImplementedError("init_xavier_first: Xavier on net[0].weight alone, force_reinit=True")


class MyInit(init.Initializer):
    """D2L's custom initializer: weights ~ U(-10, 10), then every entry with |w| < 5 set to 0.

    Override ``_init_weight(self, name, data)``: fill ``data`` **in place**
    (``data[:] = ...``, then e.g. ``data *= data.abs() >= 5``) with values drawn
    uniformly in [-10, 10], and zero every entry whose absolute value is below
    5 (entries with |w| >= 5 keep their value). Biases are left to their own
    initializer (zeros). Used as ``net.initialize(MyInit(), force_reinit=True)``;
    the shape is that of ``data`` (deferred shapes are known by then).

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, in_units=4))
        >>> net.initialize(MyInit(), force_reinit=True)
    """

    def _init_weight(self, name: str, data: nd.NDArray) -> None:
        raise NotImplementedError("MyInit._init_weight: data[:] = U(-10, 10), then zero entries with |w| < 5")
