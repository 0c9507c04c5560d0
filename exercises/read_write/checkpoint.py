"""Exercise: checkpointing model and optimizer together.

Write ``save_checkpoint`` and ``load_checkpoint``. Check them with
``grade exercise read_write/checkpoint``.
"""
import os

import torch
from torch import nn

PathLike = str | os.PathLike


def save_checkpoint(path: PathLike, model: nn.Module,
                    optimizer: torch.optim.Optimizer, epoch: int) -> None:
    """Save everything needed to resume training to ``path``.

    Save the model's ``state_dict``, the **optimizer's** ``state_dict``
    (momentum buffers, Adam moments and step counts live there) and
    ``epoch``, in one file, e.g. as the dict
    ``{'model': ..., 'optimizer': ..., 'epoch': epoch}``. The file should be
    loadable with ``torch.load(path, weights_only=True)``.

    The check: training ``k`` steps, saving, loading into *fresh* model and
    optimizer objects and training ``m`` more steps must give exactly the
    same parameters as training ``k + m`` steps straight through (SGD with
    momentum, and Adam).
    """
    raise NotImplementedError("save_checkpoint: save model and optimizer state_dicts and epoch")


def load_checkpoint(path: PathLike, model: nn.Module,
                    optimizer: torch.optim.Optimizer) -> int:
    """Restore ``model`` and ``optimizer`` in place from ``path``; return the epoch as an ``int``.

    ``model`` and ``optimizer`` are freshly built objects of the same kind as
    the saved ones (the optimizer already constructed over ``model``'s
    parameters); load the saved states into them with ``load_state_dict``.
    Load the file safely (``weights_only=True``).
    """
    raise NotImplementedError("load_checkpoint: load both state_dicts, return the epoch")
