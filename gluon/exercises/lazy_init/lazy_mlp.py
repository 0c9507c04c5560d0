"""Exercise: deferred initialization.

Write ``lazy_mlp`` and ``materialize``. Check them with
``grade exercise lazy_init/lazy_mlp --track gluon``.
"""
from mxnet import init, nd
from mxnet.gluon import nn


def lazy_mlp(hidden: int = 256, out_features: int = 10) -> nn.Sequential:
    """Return an ``nn.Sequential`` with ``Dense(hidden, activation='relu')`` and ``Dense(out_features)`` added.

    Give no input width (no ``in_units``) and do not initialize it: until
    the first forward pass every weight reports a deferred shape, e.g.
    ``(hidden, 0)`` for the first layer (``(hidden, -1)`` after
    ``npx.set_np()``). A fresh network on every call.

    Example:
        >>> net = lazy_mlp(256, 10)
        >>> len(net)
        2
    """
    raise NotImplementedError("lazy_mlp: Sequential with Dense(hidden, relu), Dense(out_features); no in_units")


def materialize(net: nn.Block, example: nd.NDArray) -> nn.Block:
    """Initialize ``net`` and give every deferred parameter its shape; return ``net`` itself.

    1. Initialize every parameter of ``net``: weights Xavier-uniform
       (``init.Xavier()``), biases zero. Use ``force_reinit=True``: ``net``
       may have been initialized before.
    2. Run one forward pass ``net(example)``: it fixes the deferred shapes
       (the initialization actually happens then).
    3. Return the same ``net`` object (not a copy).

    Works for any network of ``Dense`` layers, not just ``lazy_mlp``.

    Example:
        >>> net = materialize(lazy_mlp(8, 3), nd.random.uniform(shape=(2, 5)))
        >>> net[0].weight.shape
        (8, 5)
    """
    raise NotImplementedError("materialize: initialize (Xavier, force_reinit), forward on example, return net")
