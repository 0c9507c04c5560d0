"""A module passed twice is deep-copied: the two positions no longer share parameters.

Known-bad submission (a mutant) of model_construction/my_sequential: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: hand-written.
"""
import copy
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
            if any(module is m for m in self._modules.values()):
                module = copy.deepcopy(module)  # "a module cannot have two parents"
            self.add_module(str(idx), module)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # _modules keeps insertion order; a module registered under two names
        # is visited twice.
        for module in self._modules.values():
            X = module(X)
        return X
