"""The outputs are concatenated in NumPy: no gradient reaches either network.

Known-bad submission (a mutant) of model_construction/parallel: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: hand-written.
"""
import numpy as np
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
        parts = [self.net1(X).detach().numpy(), self.net2(X).detach().numpy()]
        return torch.from_numpy(np.concatenate(parts, axis=self.dim))
