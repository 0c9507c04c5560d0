"""Exercise: deferred (lazy) initialization.

Write ``LazyMLP`` and ``materialize``. Check them with
``grade exercise lazy_init/lazy_mlp``.
"""
import torch
from torch import nn
from torch.nn import functional as F


class LazyMLP(nn.Module):
    """An MLP whose input size is inferred on the first forward pass.

    ``LazyMLP(hidden=256, out_features=10)``: in ``__init__`` (after
    ``super().__init__()``) create ``self.hidden = nn.LazyLinear(hidden)`` and
    ``self.output = nn.LazyLinear(out_features)``. ``forward(X)`` returns
    ``output(relu(hidden(X)))``. Before the first call the parameters have no
    shape; afterwards ``hidden.weight`` is ``(hidden, X.shape[-1])``.

    Example:
        >>> net = LazyMLP(256, 10)
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
    """

    def __init__(self, hidden: int = 256, out_features: int = 10):
        raise NotImplementedError("LazyMLP.__init__: self.hidden and self.output are nn.LazyLinear")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("LazyMLP.forward: return output(relu(hidden(X)))")


def materialize(net: nn.Module, example: torch.Tensor) -> nn.Module:
    """Give every lazy parameter its shape, then initialize; return ``net`` itself.

    1. Run one dry forward pass ``net(example)`` (no gradients needed: use
       ``torch.no_grad()``) so every lazy parameter gets its shape.
    2. Then, for every ``nn.Linear`` anywhere in ``net`` (a ``LazyLinear``
       becomes a plain ``nn.Linear`` once materialized), initialize the weight
       with Xavier uniform and set the bias to zeros.
    3. Return the same ``net`` object (not a copy).

    Works for any network, not just ``LazyMLP``.

    Example:
        >>> net = materialize(LazyMLP(8, 3), torch.rand(2, 5))
        >>> net.hidden.weight.shape
        torch.Size([8, 5])
    """
    raise NotImplementedError("materialize: dry forward, then Xavier-uniform weights and zero biases on every Linear")
