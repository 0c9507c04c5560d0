"""nn.LazyLinear where the exercise gives the input width (the second edition's habit).

Known-bad submission (a mutant) of model_construction/mlp: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_book_style.py.
"""
import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    def __init__(self, in_features=20, hidden=256, out_features=10):
        super().__init__()
        self.hidden = nn.LazyLinear(hidden)
        self.output = nn.LazyLinear(out_features)

    def forward(self, X):
        return self.output(F.relu(self.hidden(X)))
