"""Calls `make_block()` once more than needed.

Known-bad submission (a mutant) of model_construction/stack: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py STACK_CASES[extra_call_to_inspect_block].
"""
from torch import nn

def stack(make_block, n):
    first = make_block()  # to look at the block
    return nn.Sequential(*[make_block() for _ in range(n)])
