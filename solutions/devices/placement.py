"""Reference: putting data and new tensors on the right device.

Implements ``to_device`` (move every tensor in a nested batch, keeping the
container types) and ``AddPositions``, a layer that creates a tensor inside
``forward`` on the input's device and with its dtype.
"""
import collections
from typing import Any

import torch
from torch import nn


def to_device(batch: Any, device: torch.device | str) -> Any:
    """Move every tensor in nested dicts / lists / tuples to ``device``.

    ``dict`` (and subclasses such as ``OrderedDict``), ``list``, ``tuple`` and
    namedtuple types are kept; anything that is not a tensor or one of these
    containers is returned unchanged.

    Example:
        >>> out = to_device({"x": torch.ones(2), "ids": [torch.arange(3), "a"]}, "meta")
        >>> out["x"].device, out["ids"][0].device, out["ids"][1]
        (device(type='meta'), device(type='meta'), 'a')
    """
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        items = [(k, to_device(v, device)) for k, v in batch.items()]
        if isinstance(batch, collections.defaultdict):
            return type(batch)(batch.default_factory, items)
        return type(batch)(items)
    if isinstance(batch, tuple):
        items = [to_device(v, device) for v in batch]
        if hasattr(batch, "_fields"):  # a namedtuple takes its fields positionally
            return type(batch)(*items)
        return type(batch)(items)
    if isinstance(batch, list):
        return type(batch)(to_device(v, device) for v in batch)
    return batch


class AddPositions(nn.Module):
    """``X + arange(X.shape[-1])``, the positions made on ``X``'s device with ``X``'s dtype.

    Example:
        >>> AddPositions()(torch.zeros(2, 3))
        tensor([[0., 1., 2.],
                [0., 1., 2.]])
        >>> AddPositions()(torch.zeros(2, 3, device="meta")).device
        device(type='meta')
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X + torch.arange(X.shape[-1], device=X.device, dtype=X.dtype)
