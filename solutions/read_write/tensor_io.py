"""Reference: saving and loading tensors.

Implements ``save`` and ``load`` for a tensor, a list of tensors or a dict of
tensors. ``load`` uses ``weights_only=True``, so a file whose unpickling would
run arbitrary code (any object beyond tensors and plain containers) is refused.
"""
import os
from typing import Any

import torch

PathLike = str | os.PathLike


def save(obj: Any, path: PathLike) -> None:
    """Write ``obj`` (a tensor, a list or a dict of tensors) to ``path``.

    Example:
        >>> save({"x": torch.arange(4)}, "/tmp/x.pt")
        >>> load("/tmp/x.pt")
        {'x': tensor([0, 1, 2, 3])}
    """
    torch.save(obj, path)


def load(path: PathLike) -> Any:
    """Read back what ``save`` wrote, refusing files that would run code.

    Example:
        >>> save([torch.ones(2), torch.zeros(3)], "/tmp/xs.pt")
        >>> load("/tmp/xs.pt")
        [tensor([1., 1.]), tensor([0., 0., 0.])]
    """
    return torch.load(path, weights_only=True)
