"""`to_device` moves the tensors in place in the caller's dicts and lists.

Known-bad submission (a mutant) of devices/placement: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_devices_bugs.py PL_CASES[moves_in_place].
"""
import torch
from torch import nn

def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        for k in batch:
            batch[k] = to_device(batch[k], device)
        return batch
    if isinstance(batch, list):
        for i, v in enumerate(batch):
            batch[i] = to_device(v, device)
        return batch
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, tuple):
        return tuple(to_device(v, device) for v in batch)
    return batch

class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1], device=X.device, dtype=X.dtype)
