"""The hidden activations go through `.data`: no gradient reaches `hidden`.

Known-bad submission (a mutant) of model_construction/mlp: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: hand-written.
"""
import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    """``output(relu(hidden(X)))`` with submodules ``hidden`` and ``output``.

    Example:
        >>> net = MLP(20, 256, 10)
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
        >>> list(net.state_dict())
        ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']
    """

    def __init__(self, in_features: int = 20, hidden: int = 256, out_features: int = 10):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden)
        self.output = nn.Linear(hidden, out_features)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.output(F.relu(self.hidden(X)).data)
