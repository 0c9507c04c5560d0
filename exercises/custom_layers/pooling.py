"""Exercise: small shape-changing layers used by CNNs.

Write ``GlobalAvgPool2d``, ``FlattenLayer`` and ``channel_concat``. Check them
with ``grade exercise custom_layers/pooling``.
"""
import torch
from torch import nn


class GlobalAvgPool2d(nn.Module):
    """Average over height and width: ``(N, C, H, W) -> (N, C, 1, 1)``.

    Keep the two spatial dimensions as size 1 (do not squeeze them). No
    parameters; ``__init__`` takes no arguments.

    Example:
        >>> GlobalAvgPool2d()(torch.rand(2, 3, 5, 7)).shape
        torch.Size([2, 3, 1, 1])
    """

    def __init__(self):
        raise NotImplementedError("GlobalAvgPool2d.__init__: just call super().__init__()")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("GlobalAvgPool2d.forward: mean over dims 2 and 3, keeping them")


class FlattenLayer(nn.Module):
    """Keep the batch dimension, flatten the rest: ``(N, ...) -> (N, prod(...))``.

    Inputs have rank >= 2 and batch ``N >= 1``. No parameters; ``__init__``
    takes no arguments.

    Example:
        >>> FlattenLayer()(torch.rand(2, 3, 4, 5)).shape
        torch.Size([2, 60])
    """

    def __init__(self):
        raise NotImplementedError("FlattenLayer.__init__: just call super().__init__()")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("FlattenLayer.forward: (N, ...) -> (N, prod(...))")


def channel_concat(*xs: torch.Tensor) -> torch.Tensor:
    """Concatenate the given tensors along dimension 1 (the channel dimension).

    Example:
        >>> channel_concat(torch.rand(2, 3, 4, 4), torch.rand(2, 5, 4, 4)).shape
        torch.Size([2, 8, 4, 4])
    """
    raise NotImplementedError("channel_concat: concatenate along dim 1")
