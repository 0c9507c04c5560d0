"""Reference: checkpointing model and optimizer together.

Implements ``save_checkpoint`` / ``load_checkpoint``. The optimizer state
(momentum buffers, Adam moments and step counts) is saved along with the model,
so training resumed from a checkpoint continues exactly as if it had never
stopped.
"""
import os

import torch
from torch import nn

PathLike = str | os.PathLike


def save_checkpoint(path: PathLike, model: nn.Module,
                    optimizer: torch.optim.Optimizer, epoch: int) -> None:
    """Save ``{'model': ..., 'optimizer': ..., 'epoch': epoch}`` to ``path``.

    Example:
        >>> model = nn.Linear(3, 1)
        >>> opt = torch.optim.Adam(model.parameters())
        >>> save_checkpoint("/tmp/ckpt.pt", model, opt, epoch=5)
    """
    torch.save({
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "epoch": epoch,
    }, path)


def load_checkpoint(path: PathLike, model: nn.Module,
                    optimizer: torch.optim.Optimizer) -> int:
    """Restore ``model`` and ``optimizer`` in place from ``path``; return the epoch.

    Example:
        >>> model = nn.Linear(3, 1)
        >>> opt = torch.optim.Adam(model.parameters())
        >>> save_checkpoint("/tmp/ckpt.pt", model, opt, epoch=5)
        >>> fresh = nn.Linear(3, 1)
        >>> load_checkpoint("/tmp/ckpt.pt", fresh, torch.optim.Adam(fresh.parameters()))
        5
    """
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return int(checkpoint["epoch"])
