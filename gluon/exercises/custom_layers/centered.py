"""Exercise: a custom layer without parameters.

Write ``CenteredLayer``. Check it with
``grade exercise custom_layers/centered --track gluon``.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class CenteredLayer(nn.Block):
    """Subtract the mean: ``forward(X) = X - X.mean()``.

    The mean is over **all** entries of ``X`` (one scalar), not per row or
    column. The layer has no parameters; ``__init__`` only calls
    ``super().__init__(**kwargs)``. The output has the shape and dtype of
    ``X``.

    Example:
        >>> CenteredLayer()(nd.array([1, 2, 3, 4, 5])).asnumpy().tolist()
        [-2.0, -1.0, 0.0, 1.0, 2.0]
    """

    def __init__(self, **kwargs: Any):
        raise NotImplementedError("CenteredLayer.__init__: just call super().__init__(**kwargs)")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("CenteredLayer.forward: return X - X.mean()")
