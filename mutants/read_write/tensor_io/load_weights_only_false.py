"""`load` uses `torch.load(path, weights_only=False)`.

Known-bad submission (a mutant) of read_write/tensor_io: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py IO_CASES[load_weights_only_false].
"""
import torch
def save(obj, path):
    torch.save(obj, path)
def load(path):
    return torch.load(path, weights_only=False)
