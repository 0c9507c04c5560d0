"""The clone is left in training mode.

Known-bad submission (a mutant) of read_write/clone: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py CL_CASES[no_eval].
"""
import torch
def clone(net, make, path):
    torch.save(net.state_dict(), path)
    model = make()
    model.load_state_dict(torch.load(path, weights_only=True))
    return model
