"""`load_checkpoint` uses `torch.load(path, weights_only=False)`.

Known-bad submission (a mutant) of read_write/checkpoint: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py CK_CASES[unsafe_load].
"""
import torch
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)

def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=False)
    model.load_state_dict(ck["model"])
    optimizer.load_state_dict(ck["optimizer"])
    return int(ck["epoch"])
