"""Reference: a hand-written ``nn.Sequential``.

Implements ``MySequential``: every module is registered as a child under the
name ``str(index)`` (so its parameters are visible to ``parameters()``,
``state_dict()``, ``.to()`` ...), and ``forward`` chains them in order.
"""
import torch
from torch import nn


class MySequential(nn.Module):
    """Apply the given modules one after the other.

    The same module may be passed twice (``MySequential(a, a)`` applies ``a``
    twice, as ``nn.Sequential`` does); with no modules, ``forward`` is the
    identity.

    Example:
        >>> net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
        >>> list(net.state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *modules: nn.Module):
        super().__init__()
        for idx, module in enumerate(modules):
            # add_module puts the child in self._modules, unlike a plain list.
            self.add_module(str(idx), module)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # _modules keeps insertion order; a module registered under two names
        # is visited twice.
        for module in self._modules.values():
            X = module(X)
        return X
