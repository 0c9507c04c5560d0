"""Returns an `nn.ModuleList`, which cannot be called.

Known-bad submission (a mutant) of model_construction/stack: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py STACK_CASES[returns_module_list].
"""
from torch import nn

def stack(make_block, n):
    return nn.ModuleList([make_block() for _ in range(n)])
