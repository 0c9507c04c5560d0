"""`load_checkpoint` returns the epoch after the saved one.

Known-bad submission (a mutant) of read_write/checkpoint: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py CK_CASES[epoch_plus_one].
"""
import torch
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)

def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model.load_state_dict(ck["model"])
    optimizer.load_state_dict(ck["optimizer"])
    return ck["epoch"] + 1
