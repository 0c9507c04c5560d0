"""Reference: cloning a model through its ``state_dict`` on disk.

Implements ``clone``: save ``net``'s parameters and buffers to a file, build a
fresh model with ``make()``, load them into it and return it in eval mode. The
clone computes the same outputs but shares no storage with ``net``.
"""
import os
from collections.abc import Callable

import torch
from torch import nn

PathLike = str | os.PathLike


def clone(net: nn.Module, make: Callable[[], nn.Module], path: PathLike) -> nn.Module:
    """Save ``net.state_dict()`` to ``path``, load it into ``make()``, return that in eval mode.

    Example:
        >>> net = nn.Linear(4, 2)
        >>> twin = clone(net, lambda: nn.Linear(4, 2), "/tmp/lin.params")
        >>> X = torch.rand(3, 4)
        >>> bool(torch.equal(twin(X), net(X))), twin.training
        (True, False)
    """
    torch.save(net.state_dict(), path)
    model = make()
    model.load_state_dict(torch.load(path, weights_only=True))
    model.eval()
    return model
