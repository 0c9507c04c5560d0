"""Exercise: modules nested inside modules.

Write ``NestMLP`` and ``chimera``. ``chimera`` uses your ``FixedHiddenMLP``
from ``fixed_hidden_mlp.py`` (imported below); a fault there does not cost
points here. Check with ``grade exercise model_construction/nest_mlp``.
"""
import torch
from torch import nn

from model_construction.fixed_hidden_mlp import FixedHiddenMLP


class NestMLP(nn.Module):
    """A ``Sequential`` and a ``Linear`` inside a custom module (20 -> 16 features).

    ``NestMLP()`` takes no arguments. In ``__init__`` (after ``super().__init__()``):

    - ``self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())``
    - ``self.linear = nn.Linear(32, 16)``

    ``forward(X)`` returns ``linear(net(X))``. The ``state_dict`` keys are
    ``net.0.weight net.0.bias net.2.weight net.2.bias linear.weight linear.bias``.

    Example:
        >>> NestMLP()(torch.rand(2, 20)).shape
        torch.Size([2, 16])
    """

    def __init__(self):
        raise NotImplementedError("NestMLP.__init__: create self.net and self.linear")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("NestMLP.forward: return linear(net(X))")


def chimera() -> nn.Sequential:
    """Return ``nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())``.

    A fresh network each call. It maps ``(batch, 20)`` to a scalar. The grader
    checks its first two children and the class of its third.

    Example:
        >>> net = chimera()
        >>> type(net[2]).__name__
        'FixedHiddenMLP'
    """
    raise NotImplementedError("chimera: Sequential(NestMLP(), Linear(16, 20), FixedHiddenMLP())")
