"""Exercise: cloning a model through its ``state_dict`` on disk.

Write ``clone``. Check it with ``grade exercise read_write/clone``.
"""
import os
from collections.abc import Callable

import torch
from torch import nn

PathLike = str | os.PathLike


def clone(net: nn.Module, make: Callable[[], nn.Module], path: PathLike) -> nn.Module:
    """Copy ``net`` into a new model through a file, as D2L does with ``mlp.params``.

    1. Save ``net.state_dict()`` to ``path`` (a real file: it is checked).
    2. Build a new model with ``make()`` (same architecture as ``net``).
    3. Load the saved ``state_dict`` from ``path`` into it (safely:
       ``weights_only=True``).
    4. Put it in eval mode and return it.

    The clone gives the same outputs as ``net`` but shares no storage with it
    (changing one must not change the other). Do not return ``net`` itself or a
    ``copy.deepcopy`` of it.

    Example:
        >>> net = nn.Linear(4, 2)
        >>> twin = clone(net, lambda: nn.Linear(4, 2), "/tmp/lin.params")
        >>> twin.training
        False
    """
    raise NotImplementedError("clone: save net.state_dict() to path, load it into make(), eval(), return")
