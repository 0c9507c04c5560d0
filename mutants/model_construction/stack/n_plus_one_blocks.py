"""`range(n + 1)`: one block too many.

Known-bad submission (a mutant) of model_construction/stack: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py STACK_CASES[n_plus_one_blocks].
"""
from torch import nn

def stack(make_block, n):
    net = nn.Sequential()
    for i in range(n + 1):
        net.add_module(str(i), make_block())
    return net
