"""An unknown head raises `ValueError`, not `KeyError`.

Known-bad submission (a mutant) of model_construction/containers: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py CONT_CASES[unknown_head_value_error].
"""
import torch
from torch import nn
from torch.nn import functional as F


class Tower(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1))

    def forward(self, X):
        for i, layer in enumerate(self.layers):
            X = layer(X)
            if i < len(self.layers) - 1:
                X = F.relu(X)
        return X


class MultiHead(nn.Module):
    def __init__(self, in_features, heads):
        super().__init__()
        self.heads = nn.ModuleDict({name: nn.Linear(in_features, out) for name, out in heads.items()})

    def forward(self, X, head):
        if head not in self.heads:
            raise ValueError(f"unknown head {head}")
        return self.heads[head](X)
