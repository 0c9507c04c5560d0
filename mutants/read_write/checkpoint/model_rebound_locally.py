"""`load_checkpoint` loads into a deep copy of `model`: the caller's model and optimizer are untouched.

Known-bad submission (a mutant) of read_write/checkpoint: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py CK_CASES[model_rebound_locally].
"""
import torch
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)

import copy
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model = copy.deepcopy(model)
    model.load_state_dict(ck["model"])
    return ck["epoch"]
