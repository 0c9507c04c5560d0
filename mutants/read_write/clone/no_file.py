"""Copies the `state_dict` without writing the file.

Known-bad submission (a mutant) of read_write/clone: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_read_write_bugs.py CL_CASES[no_file].
"""
import torch
def clone(net, make, path):
    model = make()
    model.load_state_dict(net.state_dict())
    return model.eval()
