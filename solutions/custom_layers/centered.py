"""Reference: a custom layer without parameters.

Implements ``CenteredLayer``: subtracts the mean of the whole input tensor.
"""
import torch
from torch import nn


class CenteredLayer(nn.Module):
    """``X - X.mean()`` (the mean over all entries); no parameters.

    Example:
        >>> CenteredLayer()(torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
        tensor([-2., -1.,  0.,  1.,  2.])
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X - X.mean()
