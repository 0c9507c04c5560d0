"""Subtracts each row's mean instead of the mean of all entries.

Known-bad submission (a mutant) of custom_layers/centered: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_custom_layers_bugs.py.
"""
import torch
from torch import nn
from torch.nn import functional as F

class CenteredLayer(nn.Module):
    def forward(self, X):
        return X - X.mean(dim=-1, keepdim=True)
