"""Subtracts the mean in place (`X -= X.mean()`): the caller's tensor changes.

Known-bad submission (a mutant) of custom_layers/centered: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_book_style.py.
"""
import torch
from torch import nn


class CenteredLayer(nn.Module):
    def forward(self, X):
        X -= X.mean()
        return X
