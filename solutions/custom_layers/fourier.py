"""Reference: a layer returning half of the Fourier coefficients (D2L exercise).

Implements ``FourierHalf``: the first ``ceil(n / 2)`` coefficients of the FFT
over the last dimension of length ``n``.
"""
import torch
from torch import nn


class FourierHalf(nn.Module):
    """``torch.fft.fft(X, dim=-1)[..., :ceil(n / 2)]`` (a complex tensor).

    Example:
        >>> FourierHalf()(torch.rand(2, 5)).shape
        torch.Size([2, 3])
        >>> FourierHalf()(torch.tensor([1.0, 1.0, 1.0, 1.0]))
        tensor([4.+0.j, 0.+0.j])
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        n = X.shape[-1]
        return torch.fft.fft(X, dim=-1)[..., : (n + 1) // 2]
