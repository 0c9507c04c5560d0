"""Reference: ``nn.ParameterList`` and ``nn.ParameterDict``.

Implements ``ListDense`` (a chain of weight matrices held in a
``ParameterList``) and ``DictDense`` (named weight matrices in a
``ParameterDict``, one chosen per call).
"""
import torch
from torch import nn


class ListDense(nn.Module):
    """``X @ params[0] @ params[1] @ ...`` with ``params[i]`` of shape ``(sizes[i], sizes[i+1])``.

    No activation, no bias.

    Example:
        >>> net = ListDense([4, 8, 2])
        >>> net(torch.rand(3, 4)).shape
        torch.Size([3, 2])
        >>> list(net.state_dict())
        ['params.0', 'params.1']
    """

    def __init__(self, sizes: list[int]):
        super().__init__()
        self.params = nn.ParameterList(
            nn.Parameter(torch.randn(sizes[i], sizes[i + 1])) for i in range(len(sizes) - 1)
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for w in self.params:
            X = X @ w
        return X


class DictDense(nn.Module):
    """``X @ params[choice]`` with ``linear1 (4, 4)``, ``linear2 (4, 1)``, ``linear3 (4, 2)``.

    Example:
        >>> net = DictDense()
        >>> net(torch.rand(2, 4)).shape, net(torch.rand(2, 4), "linear3").shape
        (torch.Size([2, 4]), torch.Size([2, 2]))
        >>> list(net.state_dict())
        ['params.linear1', 'params.linear2', 'params.linear3']
    """

    def __init__(self):
        super().__init__()
        self.params = nn.ParameterDict({
            "linear1": nn.Parameter(torch.randn(4, 4)),
            "linear2": nn.Parameter(torch.randn(4, 1)),
            "linear3": nn.Parameter(torch.randn(4, 2)),
        })

    def forward(self, X: torch.Tensor, choice: str = "linear1") -> torch.Tensor:
        return X @ self.params[choice]
