"""Reference: small shape-changing layers used by CNNs.

Implements ``GlobalAvgPool2d`` (``(N, C, H, W) -> (N, C, 1, 1)``),
``FlattenLayer`` (``(N, ...) -> (N, prod(...))``) and ``channel_concat``
(concatenation along the channel dimension 1).
"""
import torch
from torch import nn


class GlobalAvgPool2d(nn.Module):
    """Average over the two spatial dimensions, keeping them as size 1.

    Example:
        >>> GlobalAvgPool2d()(torch.rand(2, 3, 5, 7)).shape
        torch.Size([2, 3, 1, 1])
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X.mean(dim=(2, 3), keepdim=True)


class FlattenLayer(nn.Module):
    """Keep the batch dimension, flatten everything else.

    Example:
        >>> FlattenLayer()(torch.rand(2, 3, 4, 5)).shape
        torch.Size([2, 60])
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # flatten(1) also copes with a zero-size trailing dimension,
        # where reshape(N, -1) would be ambiguous.
        return X.flatten(start_dim=1)


def channel_concat(*xs: torch.Tensor) -> torch.Tensor:
    """Concatenate tensors along dimension 1 (channels).

    Example:
        >>> channel_concat(torch.rand(2, 3, 4, 4), torch.rand(2, 5, 4, 4)).shape
        torch.Size([2, 8, 4, 4])
    """
    return torch.cat(xs, dim=1)
