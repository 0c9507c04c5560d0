"""`init_constant` touches every module with a `weight`, not only `nn.Linear`.

Known-bad submission (a mutant) of parameters/init: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_parameters_bugs.py INIT_CASES[touches-every-weight].
"""
import torch
from torch import nn


def init_normal(m: nn.Module) -> None:
    """``Linear``: weight ~ N(0, 0.01^2), bias = 0; other modules untouched.

    Example:
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        >>> _ = net.apply(init_normal)
        >>> bool((net[0].bias == 0).all())
        True
    """
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, mean=0.0, std=0.01)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


def init_constant(m: nn.Module, value: float = 1.0) -> None:
    """``Linear``: every weight entry = ``value``, bias = 0.

    Use ``functools.partial(init_constant, value=v)`` for another value.

    Example:
        >>> net = nn.Sequential(nn.Linear(4, 8))
        >>> _ = net.apply(init_constant)
        >>> bool((net[0].weight == 1).all())
        True
    """
    if hasattr(m, "weight"):
        nn.init.constant_(m.weight, value)
        if getattr(m, "bias", None) is not None:
            nn.init.zeros_(m.bias)


def init_xavier(m: nn.Module) -> None:
    """``Linear``: weight ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)); bias untouched.

    Example:
        >>> lin = nn.Linear(4, 8)
        >>> init_xavier(lin)
        >>> bool(lin.weight.abs().max() <= (6 / 12) ** 0.5)
        True
    """
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)


def my_init(m: nn.Module) -> None:
    """``Linear``: weight ~ U(-10, 10), then entries with |w| < 5 set to 0; bias untouched.

    Example:
        >>> lin = nn.Linear(4, 8)
        >>> my_init(lin)
        >>> w = lin.weight.detach()
        >>> bool(((w == 0) | (w.abs() >= 5)).all())
        True
    """
    if isinstance(m, nn.Linear):
        nn.init.uniform_(m.weight, -10, 10)
        with torch.no_grad():
            m.weight *= m.weight.abs() >= 5
