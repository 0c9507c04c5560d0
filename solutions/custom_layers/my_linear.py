"""Reference: a custom layer with parameters.

Implements ``MyLinear``: a fully connected layer with ReLU whose ``weight`` and
``bias`` are ``nn.Parameter`` objects, so they are registered, saved and
trained like those of ``nn.Linear``.
"""
import torch
from torch import nn
from torch.nn import functional as F


class MyLinear(nn.Module):
    """``relu(X @ weight + bias)``, ``weight (in_units, units)``, ``bias (units,)``.

    Both start standard normal. ``forward`` uses the parameters themselves (not
    ``.data``) so that gradients reach them.

    Example:
        >>> lin = MyLinear(5, 3)
        >>> lin(torch.rand(2, 5)).shape
        torch.Size([2, 3])
        >>> {k: tuple(v.shape) for k, v in lin.state_dict().items()}
        {'weight': (5, 3), 'bias': (3,)}
    """

    def __init__(self, in_units: int, units: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return F.relu(X @ self.weight + self.bias)
