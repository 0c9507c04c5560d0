"""Casts every tensor to float32 before saving.

Known-bad submission (a mutant) of read_write/tensor_io: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py IO_CASES[float_cast_on_save].
"""
import torch
def save(obj, path):
    if isinstance(obj, torch.Tensor):
        obj = obj.float()
    elif isinstance(obj, list):
        obj = [t.float() for t in obj]
    else:
        obj = {k: v.float() for k, v in obj.items()}
    torch.save(obj, path)
def load(path):
    return torch.load(path, weights_only=True)
