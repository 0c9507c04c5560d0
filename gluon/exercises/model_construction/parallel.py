"""Exercise: two blocks side by side.

Write ``Parallel``. Check it with
``grade exercise model_construction/parallel --track gluon``.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class Parallel(nn.Block):
    """Run two blocks on the same input and concatenate their outputs.

    ``Parallel(net1, net2, axis=1)``: after ``super().__init__(**kwargs)``,
    store the blocks as children named exactly ``net1`` and ``net2``
    (``self.net1 = net1`` registers it; the structural parameter names then
    start with ``net1.`` and ``net2.``) and remember ``axis``. ``forward(X)``
    returns ``net1(X)`` and ``net2(X)`` concatenated along ``axis``
    (``nd.concat(a, b, dim=axis)`` or ``np.concatenate([a, b], axis=axis)``).

    Example:
        >>> p = Parallel(nn.Dense(3), nn.Dense(5))
        >>> p.initialize()
        >>> p(nd.random.uniform(shape=(2, 4))).shape
        (2, 8)
    """

    def __init__(self, net1: nn.Block, net2: nn.Block, axis: int = 1, **kwargs: Any):
        raise NotImplementedError("Parallel.__init__: store net1, net2 (as children) and axis")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("Parallel.forward: concatenate net1(X) and net2(X) along axis")
