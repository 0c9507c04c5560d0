"""Exercise: a module with a constant weight and Python control flow.

Write ``FixedHiddenMLP`` (D2L "Layers and Modules").
Check it with ``grade exercise model_construction/fixed_hidden_mlp``.
"""
import torch
from torch import nn
from torch.nn import functional as F


class FixedHiddenMLP(nn.Module):
    """A constant random projection between two uses of the same ``Linear``.

    ``FixedHiddenMLP(features=20)``. In ``__init__`` (after ``super().__init__()``):

    - ``rand_weight``: a constant ``(features, features)`` tensor drawn uniform
      in [0, 1) (``torch.rand``). It is *not* a parameter (it is never
      trained) but it must be registered as a **buffer**
      (``self.register_buffer("rand_weight", ...)``) so that it follows
      ``.to(device)`` / ``.to(dtype)`` and is saved in the ``state_dict`` under
      the key ``rand_weight``.
    - ``self.linear = nn.Linear(features, features)``.

    ``forward(X)`` for ``X`` of shape ``(batch, features)``:

    1. ``X = linear(X)``
    2. ``X = relu(X @ rand_weight + 1)``
    3. ``X = linear(X)`` -- the same layer again (its parameters are shared)
    4. ``while X.abs().sum() > 1: X = X / 2``
    5. return ``X.sum()`` (a scalar)

    The only ``state_dict`` keys are ``rand_weight linear.weight linear.bias``;
    the only parameters are ``linear.weight linear.bias``.

    Example:
        >>> net = FixedHiddenMLP(20)
        >>> net(torch.rand(2, 20)).shape
        torch.Size([])
    """

    def __init__(self, features: int = 20):
        raise NotImplementedError("FixedHiddenMLP.__init__: register the rand_weight buffer and create self.linear")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("FixedHiddenMLP.forward: linear, relu(X @ rand_weight + 1), linear, halve, sum")
