"""Saves with `np.save`, which adds a `.npy` suffix.

Known-bad submission (a mutant) of read_write/tensor_io: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py IO_CASES[numpy_save_adds_suffix].
"""
import numpy as np
import torch
def save(obj, path):
    np.save(path, obj.numpy() if isinstance(obj, torch.Tensor) else np.array(0))
def load(path):
    return torch.from_numpy(np.load(str(path) + ".npy"))
