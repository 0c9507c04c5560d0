"""Exercise: ``nn.ParameterList`` and ``nn.ParameterDict``.

Write ``ListDense`` and ``DictDense``. Check them with
``grade exercise custom_layers/param_containers``. Initialization is up to
you: the grader overwrites these parameters before comparing outputs; only
their names and shapes are graded.
"""
import torch
from torch import nn


class ListDense(nn.Module):
    """A chain of weight matrices held in an ``nn.ParameterList``.

    ``ListDense(sizes)``: ``self.params = nn.ParameterList(...)`` with one
    ``nn.Parameter`` of shape ``(sizes[i], sizes[i + 1])`` for each
    ``i = 0 .. len(sizes) - 2`` (``state_dict`` keys ``params.0 params.1 ...``).
    ``forward(X)`` multiplies ``X`` by each matrix in turn
    (``X @ params[0] @ params[1] ...``): no bias, no activation.

    Example:
        >>> ListDense([4, 8, 2])(torch.rand(3, 4)).shape
        torch.Size([3, 2])
    """

    def __init__(self, sizes: list[int]):
        raise NotImplementedError("ListDense.__init__: self.params = ParameterList of (sizes[i], sizes[i+1]) weights")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("ListDense.forward: multiply X by each weight in turn")


class DictDense(nn.Module):
    """Named weight matrices held in an ``nn.ParameterDict``.

    ``DictDense()`` takes no arguments. ``self.params = nn.ParameterDict(...)``
    with the parameters ``linear1`` of shape ``(4, 4)``, ``linear2`` ``(4, 1)``
    and ``linear3`` ``(4, 2)`` (``state_dict`` keys ``params.linear1`` ...).
    ``forward(X, choice='linear1')`` returns ``X @ params[choice]``.

    Example:
        >>> DictDense()(torch.rand(2, 4), "linear3").shape
        torch.Size([2, 2])
    """

    def __init__(self):
        raise NotImplementedError("DictDense.__init__: self.params = ParameterDict with linear1, linear2, linear3")

    def forward(self, X: torch.Tensor, choice: str = "linear1") -> torch.Tensor:
        raise NotImplementedError("DictDense.forward: return X @ params[choice]")
