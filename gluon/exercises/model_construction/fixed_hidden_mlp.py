"""Exercise: a block with a constant weight and Python control flow.

Write ``FixedHiddenMLP`` (D2L "Layer and Block"). Check it with
``grade exercise model_construction/fixed_hidden_mlp --track gluon``.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class FixedHiddenMLP(nn.Block):
    """A constant random projection between two uses of the same ``Dense``.

    ``FixedHiddenMLP(features=20)``. In ``__init__`` (after
    ``super().__init__(**kwargs)``):

    - ``self.rand_weight = self.params.get_constant('rand_weight', value)``
      where ``value`` is a ``(features, features)`` array drawn uniform in
      [0, 1) (``nd.random.uniform(shape=...)`` or
      ``np.random.uniform(size=...)``). A constant is saved with the
      parameters but never trained (its ``grad_req`` is ``'null'``).
    - ``self.dense = nn.Dense(features, activation='relu')`` (no ``in_units``).

    ``forward(X)`` for ``X`` of shape ``(batch, in_features)``:

    1. ``X = dense(X)``
    2. ``X = relu(dot(X, rand_weight) + 1)`` (read the constant with
       ``self.rand_weight.data()``)
    3. ``X = dense(X)`` -- the same block again (its parameters are shared)
    4. ``while abs(X).sum() > 1: X /= 2``
    5. return ``X.sum()``, a scalar (shape ``(1,)`` with ``nd``, ``()`` with ``np``)

    The structural parameter names are ``rand_weight dense.weight dense.bias``,
    in that order. The in-place halving cannot be recorded by autograd, so
    this block's gradients are not checked.

    Example:
        >>> net = FixedHiddenMLP(20)
        >>> net.initialize()
        >>> net(nd.random.uniform(shape=(2, 20))).shape
        (1,)
    """

    def __init__(self, features: int = 20, **kwargs: Any):
        raise NotImplementedError("FixedHiddenMLP.__init__: create the rand_weight constant (get_constant) and self.dense")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("FixedHiddenMLP.forward: dense, relu(dot(X, rand_weight) + 1), dense, halve, sum")
