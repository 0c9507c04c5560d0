"""`relu(X @ rand_weight)` without the `+ 1`.

Known-bad submission (a mutant) of model_construction/fixed_hidden_mlp: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py FIXED_CASES[without_plus_one].
"""
import torch
from torch import nn
from torch.nn import functional as F


class FixedHiddenMLP(nn.Module):
    def __init__(self, features=20):
        super().__init__()
        self.register_buffer("rand_weight", torch.rand(features, features))
        self.linear = nn.Linear(features, features)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()
