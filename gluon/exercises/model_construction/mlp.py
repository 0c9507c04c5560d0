"""Exercise: a multilayer perceptron as a custom ``nn.Block``.

Write ``MLP``, the first custom block of D2L "Layer and Block" ("Layers and
Modules"). Check it with ``grade exercise model_construction/mlp --track gluon``.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class MLP(nn.Block):
    """An MLP with one hidden layer; the input width is inferred at the first forward.

    ``MLP(hidden=256, out_features=10)``. In ``__init__`` call
    ``super().__init__(**kwargs)`` first, then create the children

    - ``self.hidden = nn.Dense(hidden, activation='relu')``
    - ``self.output = nn.Dense(out_features)``

    without ``in_units``: Gluon infers the input width at the first forward
    pass (before it, ``hidden.weight`` has the deferred shape ``(hidden, 0)``).
    ``forward(X)`` returns ``output(hidden(X))`` for ``X`` of shape
    ``(batch, in_features)``; the ReLU is the ``activation`` of ``hidden``.

    Use exactly these attribute names: the grader expects the structural
    parameter names (those ``save_parameters`` writes)
    ``hidden.weight hidden.bias output.weight output.bias``. The sizes are
    defaults; other sizes and input widths are tested too.

    Example:
        >>> net = MLP(256, 10)
        >>> net.initialize()
        >>> net(nd.random.uniform(shape=(2, 20))).shape
        (2, 10)
    """

    def __init__(self, hidden: int = 256, out_features: int = 10, **kwargs: Any):
        raise NotImplementedError("MLP.__init__: call super().__init__(**kwargs), then create self.hidden and self.output")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("MLP.forward: return output(hidden(X))")
