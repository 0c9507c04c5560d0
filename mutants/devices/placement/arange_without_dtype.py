"""`AddPositions` creates its positions without `dtype=X.dtype`.

Known-bad submission (a mutant) of devices/placement: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_devices_bugs.py PL_CASES[arange_without_dtype].
"""
import torch
from torch import nn
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return type(batch)((k, to_device(v, device)) for k, v in batch.items())
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(v, device) for v in batch)
    return batch

class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1], device=X.device)
