"""Exercise: write your own ``nn.Sequential``.

Write ``MySequential``. Check it with ``grade exercise model_construction/my_sequential``.
"""
import torch
from torch import nn


class MySequential(nn.Module):
    """Apply the given modules one after the other.

    ``MySequential(*modules)``: in ``__init__`` (after ``super().__init__()``)
    register every module as a child under the name ``str(index)`` -- ``'0'``,
    ``'1'``, ... -- e.g. with ``self.add_module(str(i), module)``. ``forward(X)``
    feeds ``X`` through the children in that order and returns the result.

    Details that are checked:

    - Storing the modules in a plain Python list is the classic mistake: their
      parameters are then invisible to ``parameters()``, ``state_dict()``,
      ``.to(device)`` and the optimizer. ``MySequential(nn.Linear(20, 256),
      nn.ReLU(), nn.Linear(256, 10))`` must have the ``state_dict`` keys
      ``0.weight 0.bias 2.weight 2.bias``, exactly like ``nn.Sequential``.
    - The same module may be passed twice: ``MySequential(a, a)`` applies ``a``
      twice (as ``nn.Sequential`` does), so it must be registered under both
      ``'0'`` and ``'1'``.
    - With no modules, ``forward`` is the identity.

    Example:
        >>> net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
    """

    def __init__(self, *modules: nn.Module):
        raise NotImplementedError("MySequential.__init__: register each module under str(index)")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("MySequential.forward: apply the modules in order")
