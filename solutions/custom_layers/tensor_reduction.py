"""Reference: a layer that reduces a tensor (D2L exercise).

Implements ``TensorReduction``:
``y[b, k] = sum_ij weight[i, j, k] * x[b, i] * x[b, j]``.
"""
import torch
from torch import nn


class TensorReduction(nn.Module):
    """Quadratic form per output: ``einsum('bi,bj,ijk->bk', X, X, weight)``.

    Example:
        >>> layer = TensorReduction(4, 3)
        >>> layer.weight.shape
        torch.Size([4, 4, 3])
        >>> layer(torch.rand(2, 4)).shape
        torch.Size([2, 3])
    """

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, in_features, out_features))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bi,bj,ijk->bk", X, X, self.weight)
