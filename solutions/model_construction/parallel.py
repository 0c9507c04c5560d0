"""Reference: running two modules side by side.

Implements ``Parallel``: both children see the same input and their outputs
are concatenated along ``dim``.
"""
import torch
from torch import nn


class Parallel(nn.Module):
    """``cat([net1(X), net2(X)], dim)``.

    Example:
        >>> p = Parallel(nn.Linear(4, 3), nn.Linear(4, 5))
        >>> p(torch.rand(2, 4)).shape
        torch.Size([2, 8])
        >>> list(p.state_dict())
        ['net1.weight', 'net1.bias', 'net2.weight', 'net2.bias']
    """

    def __init__(self, net1: nn.Module, net2: nn.Module, dim: int = 1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.net1(X), self.net2(X)], dim=self.dim)
