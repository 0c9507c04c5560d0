"""Exercise: two modules side by side.

Write ``Parallel``. Check it with ``grade exercise model_construction/parallel``.
"""
import torch
from torch import nn


class Parallel(nn.Module):
    """Run two modules on the same input and concatenate their outputs.

    ``Parallel(net1, net2, dim=1)``: store the modules as submodules named
    exactly ``net1`` and ``net2`` (so their ``state_dict`` keys start with
    ``net1.`` and ``net2.``) and remember ``dim``. ``forward(X)`` returns
    ``torch.cat([net1(X), net2(X)], dim)``.

    Example:
        >>> p = Parallel(nn.Linear(4, 3), nn.Linear(4, 5))
        >>> p(torch.rand(2, 4)).shape
        torch.Size([2, 8])
    """

    def __init__(self, net1: nn.Module, net2: nn.Module, dim: int = 1):
        raise NotImplementedError("Parallel.__init__: store net1, net2 and dim")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("Parallel.forward: cat([net1(X), net2(X)], dim)")
