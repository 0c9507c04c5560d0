"""Exercise: putting data and new tensors on the right device.

Write ``to_device`` and ``AddPositions``. Check them with
``grade exercise devices/placement`` (it uses the ``meta`` device, so no GPU
is needed).
"""
from typing import Any

import torch
from torch import nn


def to_device(batch: Any, device: torch.device | str) -> Any:
    """Return ``batch`` with every tensor in it moved to ``device``.

    ``batch`` may be a tensor or nested dicts / lists / tuples of them. Keep
    the container types: a ``dict`` stays a ``dict`` (with the same keys, in
    order), a ``list`` a ``list``, a ``tuple`` a ``tuple`` and a namedtuple the
    same namedtuple class (build it with ``type(x)(*items)``). Anything else
    (ints, strings, ``None`` ...) is returned unchanged. Do not modify the
    input in place.

    Example:
        >>> out = to_device({"x": torch.ones(2), "ids": [torch.arange(3), "a"]}, "meta")
        >>> out["x"].device, out["ids"][1]
        (device(type='meta'), 'a')
    """
    raise NotImplementedError("to_device: recurse into dict/list/tuple/namedtuple, move tensors")


class AddPositions(nn.Module):
    """Add the position index to each entry along the last dimension.

    ``forward(X) = X + arange(X.shape[-1])``. The positions must be created
    **on X's device and with X's dtype** (``torch.arange(..., device=X.device,
    dtype=X.dtype)``): a tensor made on the CPU fails for a GPU or ``meta``
    input. No parameters; ``__init__`` takes no arguments.

    Example:
        >>> AddPositions()(torch.zeros(2, 3))
        tensor([[0., 1., 2.],
                [0., 1., 2.]])
    """

    def __init__(self):
        raise NotImplementedError("AddPositions.__init__: just call super().__init__()")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("AddPositions.forward: X + arange(X.shape[-1]) on X's device, X's dtype")
