"""Exercise: a custom layer without parameters.

Write ``CenteredLayer``. Check it with ``grade exercise custom_layers/centered``.
"""
import torch
from torch import nn


class CenteredLayer(nn.Module):
    """Subtract the mean: ``forward(X) = X - X.mean()``.

    The mean is over **all** entries of ``X`` (one scalar), not per row. The
    layer has no parameters. ``__init__`` takes no arguments (just call
    ``super().__init__()``).

    Example:
        >>> CenteredLayer()(torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
        tensor([-2., -1.,  0.,  1.,  2.])
    """

    def __init__(self):
        raise NotImplementedError("CenteredLayer.__init__: just call super().__init__()")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("CenteredLayer.forward: return X - X.mean()")
