"""Exercise: ``nn.ModuleList`` and ``nn.ModuleDict``.

Write ``Tower`` and ``MultiHead``. Check them with
``grade exercise model_construction/containers``.
"""
import torch
from torch import nn
from torch.nn import functional as F


class Tower(nn.Module):
    """A stack of ``Linear`` layers held in an ``nn.ModuleList``.

    ``Tower(widths)``: ``self.layers = nn.ModuleList(...)`` holding
    ``nn.Linear(widths[i], widths[i + 1])`` for ``i = 0 .. len(widths) - 2``
    (``state_dict`` keys ``layers.0.weight layers.0.bias layers.1.weight ...``).
    ``forward(X)`` applies them in order with a ReLU *between* consecutive
    layers and **no** ReLU after the last one. (A plain Python list would hide
    the layers' parameters.)

    Example:
        >>> t = Tower([4, 8, 2])
        >>> t(torch.rand(3, 4)).shape
        torch.Size([3, 2])
    """

    def __init__(self, widths: list[int]):
        raise NotImplementedError("Tower.__init__: self.layers = ModuleList of Linear(widths[i], widths[i+1])")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("Tower.forward: layers in order, ReLU between them, none after the last")


class MultiHead(nn.Module):
    """Named output heads held in an ``nn.ModuleDict``.

    ``MultiHead(in_features, heads)`` where ``heads`` maps a name to an output
    size: ``self.heads = nn.ModuleDict({name: nn.Linear(in_features, out)})``
    (``state_dict`` keys ``heads.<name>.weight heads.<name>.bias``).

    ``forward(X, head)`` returns ``heads[head](X)``. An unknown head raises
    ``KeyError`` whose message names it (e.g. ``KeyError("unknown head 'seg'")``).

    Example:
        >>> m = MultiHead(4, {"cls": 3, "reg": 1})
        >>> m(torch.rand(2, 4), "cls").shape
        torch.Size([2, 3])
    """

    def __init__(self, in_features: int, heads: dict[str, int]):
        raise NotImplementedError("MultiHead.__init__: self.heads = ModuleDict({name: Linear(in_features, out)})")

    def forward(self, X: torch.Tensor, head: str) -> torch.Tensor:
        raise NotImplementedError("MultiHead.forward: apply heads[head]; unknown head -> KeyError naming it")
