"""Keeps `n // 2` coefficients instead of `ceil(n / 2)`.

Known-bad submission (a mutant) of custom_layers/fourier: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_custom_layers_bugs.py.
"""
import torch
from torch import nn
from torch.nn import functional as F

class FourierHalf(nn.Module):
    def forward(self, X):
        return torch.fft.fft(X)[..., :X.shape[-1] // 2]
