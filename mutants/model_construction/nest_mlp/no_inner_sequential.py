"""Separate Linear attributes instead of the `net` Sequential.

Known-bad submission (a mutant) of model_construction/nest_mlp: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py NEST_CASES[no_inner_sequential].
"""
import torch
from torch import nn

from model_construction.fixed_hidden_mlp import FixedHiddenMLP

class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(20, 64)
        self.l2 = nn.Linear(64, 32)
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(torch.relu(self.l2(torch.relu(self.l1(X)))))


def chimera():
    return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
