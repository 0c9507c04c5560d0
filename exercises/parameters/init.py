"""Exercise: initialization functions for ``net.apply(fn)``.

Write ``init_normal``, ``init_constant``, ``init_xavier`` and ``my_init``.
Check them with ``grade exercise parameters/init``.

Rules for all four: ``net.apply(fn)`` calls ``fn`` on every submodule, so each
function must change **only** ``nn.Linear`` modules and leave everything else
alone. Work **in place** on the existing parameters (the ``nn.init.*_``
functions, or assignments under ``torch.no_grad()``): the same ``Parameter``
objects must stay registered, so an optimizer built earlier still sees them.
Do not replace ``m.weight`` with a new ``nn.Parameter``. A ``Linear`` made
with ``bias=False`` has ``m.bias is None``: leave it so. The distributions are
checked with statistical goodness-of-fit tests.
"""
import torch
from torch import nn


def init_normal(m: nn.Module) -> None:
    """For an ``nn.Linear``: weight ~ N(0, 0.01^2) (std 0.01), bias = 0.

    Example:
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        >>> _ = net.apply(init_normal)
    """
    raise NotImplementedError("init_normal: Linear weight ~ N(0, 0.01^2), bias = 0")


def init_constant(m: nn.Module, value: float = 1.0) -> None:
    """For an ``nn.Linear``: every weight entry = ``value``, bias = 0.

    ``net.apply(init_constant)`` uses ``value=1.0``; other values via
    ``functools.partial(init_constant, value=v)``.
    """
    raise NotImplementedError("init_constant: Linear weight = value, bias = 0")


def init_xavier(m: nn.Module) -> None:
    """For an ``nn.Linear``: weight ~ U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).

    That is Xavier (Glorot) uniform initialization. The bias is left untouched.
    """
    raise NotImplementedError("init_xavier: Linear weight ~ Xavier uniform, bias untouched")


def my_init(m: nn.Module) -> None:
    """For an ``nn.Linear``: weight ~ U(-10, 10), then entries with |w| < 5 set to 0.

    The D2L "custom initialization": draw uniformly in [-10, 10], then zero
    every entry whose absolute value is below 5 (entries with |w| >= 5 keep
    their value). The bias is left untouched.
    """
    raise NotImplementedError("my_init: Linear weight ~ U(-10, 10), zero where |w| < 5, bias untouched")
