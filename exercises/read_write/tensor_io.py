"""Exercise: saving and loading tensors.

Write ``save`` and ``load``. Check them with ``grade exercise read_write/tensor_io``.
"""
import os
from typing import Any

import torch

PathLike = str | os.PathLike


def save(obj: Any, path: PathLike) -> None:
    """Write ``obj`` -- a tensor, a list of tensors or a dict of tensors -- to ``path``.

    The file must be readable by ``torch.load(path, weights_only=True)``
    (``torch.save`` writes such a file).

    Example:
        >>> save({"x": torch.arange(4)}, "/tmp/x.pt")
    """
    raise NotImplementedError("save: write obj to path with torch.save")


def load(path: PathLike) -> Any:
    """Read back what ``save`` wrote: the same tensor / list / dict, equal values.

    ``load`` must be **safe**: it must refuse (raise on) a file that would run
    code when unpickled, e.g. one holding an arbitrary Python object. Plain
    ``pickle.load`` or ``torch.load(..., weights_only=False)`` would run that
    code. Hint: ``torch.load(path, weights_only=True)``.

    Example:
        >>> load("/tmp/x.pt")
        {'x': tensor([0, 1, 2, 3])}
    """
    raise NotImplementedError("load: read path safely (weights_only=True)")
