"""The modules are kept in a plain Python list: their parameters are invisible.

Known-bad submission (a mutant) of model_construction/my_sequential: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py SEQ_CASES[plain_list].
"""
import torch
from torch import nn

class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = list(modules)

    def forward(self, X):
        for layer in self.layers:
            X = layer(X)
        return X
