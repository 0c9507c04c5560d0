"""Reference: nesting modules inside modules.

Implements ``NestMLP`` (a ``Sequential`` plus a ``Linear`` inside a custom
module) and ``chimera()``, which mixes ``NestMLP``, a plain ``Linear`` and
``FixedHiddenMLP`` in one ``Sequential``.
"""
import torch
from torch import nn

from model_construction.fixed_hidden_mlp import FixedHiddenMLP


class NestMLP(nn.Module):
    """``linear(net(X))`` mapping 20 features to 16.

    Example:
        >>> m = NestMLP()
        >>> m(torch.rand(2, 20)).shape
        torch.Size([2, 16])
        >>> list(m.state_dict())
        ['net.0.weight', 'net.0.bias', 'net.2.weight', 'net.2.bias', 'linear.weight', 'linear.bias']
    """

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(),
                                 nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.linear(self.net(X))


def chimera() -> nn.Sequential:
    """``Sequential(NestMLP(), Linear(16, 20), FixedHiddenMLP())``.

    Example:
        >>> net = chimera()
        >>> net(torch.rand(2, 20)).shape
        torch.Size([])
    """
    return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
