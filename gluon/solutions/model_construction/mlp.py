"""Reference: a multilayer perceptron written as a custom ``nn.Block``.

Implements ``MLP`` (D2L "Layer and Block" / "Layers and Modules"): a hidden
``Dense`` layer with a ReLU, then an output ``Dense`` layer. Neither layer is
told its input width: Gluon infers it at the first forward pass.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class MLP(nn.Block):
    """``output(hidden(X))`` with children ``hidden`` (``Dense(hidden, 'relu')``) and ``output``.

    Example:
        >>> net = MLP(256, 10)
        >>> net.initialize()
        >>> net(nd.random.uniform(shape=(2, 20))).shape
        (2, 10)
        >>> {name: p.shape for name, p in net._collect_params_with_prefix().items()}
        {'hidden.weight': (256, 20), 'hidden.bias': (256,), 'output.weight': (10, 256), 'output.bias': (10,)}
    """

    def __init__(self, hidden: int = 256, out_features: int = 10, **kwargs: Any):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(hidden, activation='relu')
        self.output = nn.Dense(out_features)

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        return self.output(self.hidden(X))
