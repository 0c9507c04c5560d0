"""`forward` iterates over `self.children()`, which skips a module passed twice.

Known-bad submission (a mutant) of model_construction/my_sequential: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py SEQ_CASES[children_skips_repeated_module].
"""
import torch
from torch import nn

class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for idx, module in enumerate(modules):
            self.add_module(str(idx), module)

    def forward(self, X):
        for module in self.children():
            X = module(X)
        return X
