"""`chimera()` puts `FixedHiddenMLP` before the Linear layer.

Known-bad submission (a mutant) of model_construction/nest_mlp: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py NEST_CASES[chimera_wrong_order].
"""
import torch
from torch import nn

from model_construction.fixed_hidden_mlp import FixedHiddenMLP

class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(self.net(X))


def chimera():
    return nn.Sequential(NestMLP(), FixedHiddenMLP(), nn.Linear(16, 20))
