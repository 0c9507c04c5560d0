"""Exercise: a multilayer perceptron as a custom ``nn.Module``.

Write ``MLP``, the first custom module of D2L "Layers and Modules".
Check it with ``grade exercise model_construction/mlp``.
"""
import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    """An MLP with one hidden layer.

    Build, in ``__init__`` (call ``super().__init__()`` first):

    - ``self.hidden = nn.Linear(in_features, hidden)``
    - ``self.output = nn.Linear(hidden, out_features)``

    ``forward(X)`` returns ``output(relu(hidden(X)))`` for ``X`` of shape
    ``(batch, in_features)``.

    Use exactly these attribute names: the grader expects the ``state_dict``
    keys ``hidden.weight hidden.bias output.weight output.bias``. The sizes are
    defaults; other sizes are tested too.

    Example:
        >>> net = MLP(20, 256, 10)
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
    """

    def __init__(self, in_features: int = 20, hidden: int = 256, out_features: int = 10):
        raise NotImplementedError("MLP.__init__: create self.hidden and self.output")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("MLP.forward: return output(relu(hidden(X)))")
