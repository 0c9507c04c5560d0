"""Exercise: a custom layer with parameters.

Write ``MyDense``. Check it with
``grade exercise custom_layers/my_dense --track gluon``.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class MyDense(nn.Block):
    """A fully connected layer with ReLU, built from ``self.params.get``.

    ``MyDense(units, in_units)`` (note the order: ``units`` first, as in
    D2L). In ``__init__`` (after ``super().__init__(**kwargs)``) create

    - ``self.weight = self.params.get('weight', shape=(in_units, units))``
      (*in* first: the transpose of ``nn.Dense``'s layout),
    - ``self.bias = self.params.get('bias', shape=(units,))``,

    so the structural parameter names are ``weight`` and ``bias``.
    ``forward(X)`` returns ``relu(dot(X, weight) + bias)`` for ``X`` of shape
    ``(batch, in_units)``. Read the parameters on the input's context,
    ``self.weight.data(X.context)``: a layer initialized on several contexts
    holds a copy of each parameter on each, and the copy on ``X``'s context
    must be used so that its gradient lands there (a bare ``.data()`` reads
    the ``cpu(0)`` copy). Gradients must reach both parameters. Their
    initialization is left to ``initialize()``.

    Example:
        >>> dense = MyDense(units=3, in_units=5)
        >>> dense.initialize()
        >>> dense(nd.random.uniform(shape=(2, 5))).shape
        (2, 3)
    """

    def __init__(self, units: int, in_units: int, **kwargs: Any):
        raise NotImplementedError("MyDense.__init__: weight (in_units, units) and bias (units,) with self.params.get")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("MyDense.forward: return relu(dot(X, weight) + bias), read on X's context")
