"""Returns `make()` without loading the saved parameters.

Known-bad submission (a mutant) of read_write/clone: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py CL_CASES[nothing_loaded].
"""
import torch
def clone(net, make, path):
    torch.save(net.state_dict(), path)
    return make().eval()
