"""Exercise: a layer that reduces a tensor (D2L exercise).

Write ``TensorReduction``. Check it with ``grade exercise custom_layers/tensor_reduction``.
"""
import torch
from torch import nn


class TensorReduction(nn.Module):
    """``y[b, k] = sum over i, j of weight[i, j, k] * x[b, i] * x[b, j]``.

    ``TensorReduction(in_features, out_features)``: one parameter
    ``self.weight`` of shape ``(in_features, in_features, out_features)``
    (any initialization: the grader overwrites it before comparing outputs;
    only its name and shape are graded). ``forward(X)`` maps ``X`` of shape
    ``(batch, in_features)`` to ``(batch, out_features)`` by the formula above.
    Gradients must reach ``weight``. Hint: ``torch.einsum``.

    Example:
        >>> layer = TensorReduction(4, 3)
        >>> layer(torch.rand(2, 4)).shape
        torch.Size([2, 3])
    """

    def __init__(self, in_features: int, out_features: int):
        raise NotImplementedError("TensorReduction.__init__: weight (in_features, in_features, out_features)")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("TensorReduction.forward: y[b,k] = sum_ij weight[i,j,k] x[b,i] x[b,j]")
