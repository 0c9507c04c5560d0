"""Exercise: a custom layer with parameters.

Write ``MyLinear``. Check it with ``grade exercise custom_layers/my_linear``.
"""
import torch
from torch import nn
from torch.nn import functional as F


class MyLinear(nn.Module):
    """A fully connected layer with ReLU, built from ``nn.Parameter``.

    ``MyLinear(in_units, units)``: in ``__init__`` (after ``super().__init__()``)
    create the parameters

    - ``self.weight = nn.Parameter(...)`` of shape ``(in_units, units)``
      (note: *in* first, the transpose of ``nn.Linear``'s layout),
    - ``self.bias = nn.Parameter(...)`` of shape ``(units,)``,

    both drawn from the standard normal (``torch.randn``). ``forward(X)`` returns
    ``relu(X @ weight + bias)``. Use the parameters themselves in ``forward``,
    not ``weight.data``: gradients must reach both ``weight`` and ``bias``.

    Example:
        >>> lin = MyLinear(5, 3)
        >>> lin(torch.rand(2, 5)).shape
        torch.Size([2, 3])
    """

    def __init__(self, in_units: int, units: int):
        raise NotImplementedError("MyLinear.__init__: weight (in_units, units) and bias (units,) as nn.Parameter")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("MyLinear.forward: return relu(X @ weight + bias)")
