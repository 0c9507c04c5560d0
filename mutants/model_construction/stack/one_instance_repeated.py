"""`[make_block()] * n`: one block repeated n times.

Known-bad submission (a mutant) of model_construction/stack: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py STACK_CASES[one_instance_repeated].
"""
from torch import nn

def stack(make_block, n):
    return nn.Sequential(*[make_block()] * n)
