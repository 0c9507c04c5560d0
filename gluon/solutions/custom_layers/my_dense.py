"""Reference: a custom layer with parameters.

Implements ``MyDense``: a fully connected layer with ReLU whose ``weight`` and
``bias`` are made with ``self.params.get``, so they are registered, saved,
initialized and trained like those of ``nn.Dense``. ``forward`` reads them on
the input's context.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class MyDense(nn.Block):
    """``relu(dot(X, weight) + bias)``, ``weight (in_units, units)``, ``bias (units,)``.

    Example:
        >>> dense = MyDense(units=3, in_units=5)
        >>> dense.initialize()
        >>> dense(nd.random.uniform(shape=(2, 5))).shape
        (2, 3)
        >>> {name: p.shape for name, p in dense._collect_params_with_prefix().items()}
        {'weight': (5, 3), 'bias': (3,)}
    """

    def __init__(self, units: int, in_units: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        linear = nd.dot(X, self.weight.data(X.context)) + self.bias.data(X.context)
        return nd.relu(linear)
