"""Exercise: half of the Fourier coefficients (D2L exercise).

Write ``FourierHalf``. Check it with ``grade exercise custom_layers/fourier``.
"""
import torch
from torch import nn


class FourierHalf(nn.Module):
    """Return the first half of the Fourier coefficients of the last dimension.

    With ``n = X.shape[-1]``, ``forward(X)`` returns the first ``ceil(n / 2)``
    (that is ``(n + 1) // 2``) coefficients of ``torch.fft.fft(X, dim=-1)``:
    a complex tensor of shape ``X.shape[:-1] + (ceil(n / 2),)``. Inputs of any
    rank are handled. No parameters; ``__init__`` takes no arguments.

    Example:
        >>> FourierHalf()(torch.rand(2, 5)).shape
        torch.Size([2, 3])
    """

    def __init__(self):
        raise NotImplementedError("FourierHalf.__init__: just call super().__init__()")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("FourierHalf.forward: first ceil(n/2) coefficients of torch.fft.fft over dim -1")
