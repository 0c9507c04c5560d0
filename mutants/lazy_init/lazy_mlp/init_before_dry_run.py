"""`materialize` initializes before the dry forward pass.

Known-bad submission (a mutant) of lazy_init/lazy_mlp: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_lazy_init_bugs.py LAZY_CASES[init-before-dry-run].
"""
import torch
from torch import nn
from torch.nn import functional as F


class LazyMLP(nn.Module):
    """``output(relu(hidden(X)))`` where ``hidden`` and ``output`` are ``LazyLinear``.

    Example:
        >>> net = LazyMLP(256, 10)
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
        >>> net.hidden.weight.shape
        torch.Size([256, 20])
    """

    def __init__(self, hidden: int = 256, out_features: int = 10):
        super().__init__()
        self.hidden = nn.LazyLinear(hidden)
        self.output = nn.LazyLinear(out_features)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.output(F.relu(self.hidden(X)))


def materialize(net: nn.Module, example: torch.Tensor) -> nn.Module:
    """Give every lazy parameter its shape, then re-initialize every ``Linear``.

    One forward pass on ``example`` (without autograd) fixes the shapes; then
    each ``nn.Linear`` gets Xavier-uniform weights and zero biases. Returns
    ``net`` itself.

    Example:
        >>> net = materialize(LazyMLP(8, 3), torch.rand(2, 5))
        >>> net.hidden.weight.shape, bool((net.hidden.bias == 0).all())
        (torch.Size([8, 5]), True)
    """
    for m in net.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    with torch.no_grad():
        net(example)
    return net
