"""The optimizer's state is not saved: resumes with a fresh optimizer.

Known-bad submission (a mutant) of read_write/checkpoint: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py CK_CASES[no_optimizer_state].
"""
import torch
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model.load_state_dict(ck["model"])
    return ck["epoch"]
