"""`MultiHead.forward` uses `getattr(self, head)`: a ModuleDict's entries are not attributes.

Known-bad submission (a mutant) of model_construction/containers: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: hand-written.
"""
import torch
from torch import nn
from torch.nn import functional as F


class Tower(nn.Module):
    """``Linear(widths[0], widths[1])``, ReLU, ..., ``Linear(widths[-2], widths[-1])``.

    There is a ReLU between consecutive layers and none after the last one.

    Example:
        >>> t = Tower([4, 8, 2])
        >>> t(torch.rand(3, 4)).shape
        torch.Size([3, 2])
        >>> list(t.state_dict())
        ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']
    """

    def __init__(self, widths: list[int]):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1)
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            X = layer(X)
            if i < last:
                X = F.relu(X)
        return X


class MultiHead(nn.Module):
    """One ``Linear(in_features, out)`` per named head; ``forward(X, head)`` picks one.

    Example:
        >>> m = MultiHead(4, {"cls": 3, "reg": 1})
        >>> m(torch.rand(2, 4), "cls").shape
        torch.Size([2, 3])
        >>> list(m.state_dict())
        ['heads.cls.weight', 'heads.cls.bias', 'heads.reg.weight', 'heads.reg.bias']
        >>> m(torch.rand(2, 4), "seg")
        Traceback (most recent call last):
        ...
        KeyError: "unknown head 'seg' (known heads: ['cls', 'reg'])"
    """

    def __init__(self, in_features: int, heads: dict[str, int]):
        super().__init__()
        self.heads = nn.ModuleDict(
            {name: nn.Linear(in_features, out) for name, out in heads.items()}
        )

    def forward(self, X: torch.Tensor, head: str) -> torch.Tensor:
        if head not in self.heads:
            raise KeyError(f"unknown head {head!r} (known heads: {list(self.heads)})")
        return getattr(self, head)(X)
