"""Reference: a module with a constant (non-trainable) weight and control flow.

Implements ``FixedHiddenMLP`` (D2L "Layers and Modules"): the constant
``rand_weight`` is a buffer, so it is saved in the ``state_dict`` and follows
``.to(device)`` / ``.to(dtype)``, but it is not a parameter and is never trained.
"""
import torch
from torch import nn
from torch.nn import functional as F


class FixedHiddenMLP(nn.Module):
    """``linear`` used twice around a fixed random projection, then halved until small.

    Example:
        >>> net = FixedHiddenMLP(20)
        >>> net(torch.rand(2, 20)).shape     # a scalar
        torch.Size([])
        >>> list(net.state_dict())
        ['rand_weight', 'linear.weight', 'linear.bias']
        >>> [name for name, _ in net.named_parameters()]
        ['linear.weight', 'linear.bias']
    """

    def __init__(self, features: int = 20):
        super().__init__()
        # Constant, uniform in [0, 1): a buffer, not a parameter.
        self.register_buffer("rand_weight", torch.rand(features, features))
        self.linear = nn.Linear(features, features)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        # The same layer again: its parameters are shared between both uses.
        X = self.linear(X)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()
