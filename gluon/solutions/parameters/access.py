"""Reference: inspecting a network's parameters.

Implements ``param_shapes`` (structural name -> shape, the names
``save_parameters`` writes) and ``count_params`` (number of scalars, each
distinct parameter once). MXNet 1.9's ``collect_params()`` keys are global
names such as ``dense0_weight``; the structural names (``0.weight``,
``hidden.bias``) come from ``_collect_params_with_prefix()``, which lists a
shared parameter under every name it has: the first one is kept.
"""
import math
from collections.abc import Iterator

from mxnet import gluon
from mxnet.gluon import nn


def _distinct_params(net: nn.Block) -> Iterator[tuple[str, gluon.Parameter]]:
    """(structural name, parameter), each parameter once, under its first name."""
    seen = set()
    for name, param in net._collect_params_with_prefix().items():
        if id(param) not in seen:
            seen.add(id(param))
            yield name, param


def _shape(param: gluon.Parameter) -> tuple[int, ...]:
    # A deferred dimension is 0 (nd) or -1 (after npx.set_np()): report 0.
    return tuple(max(int(d), 0) for d in (param.shape or ()))


def param_shapes(net: nn.Block) -> dict[str, tuple[int, ...]]:
    """Map every distinct parameter's structural name to its shape (a tuple of ints).

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, activation='relu'), nn.Dense(1))
        >>> param_shapes(net)          # before the first forward: deferred input width
        {'0.weight': (8, 0), '0.bias': (8,), '1.weight': (1, 0), '1.bias': (1,)}
        >>> from mxnet import nd
        >>> net.initialize()
        >>> _ = net(nd.ones((2, 4)))
        >>> param_shapes(net)
        {'0.weight': (8, 4), '0.bias': (8,), '1.weight': (1, 8), '1.bias': (1,)}
    """
    return {name: _shape(param) for name, param in _distinct_params(net)}


def count_params(net: nn.Block, trainable_only: bool = True) -> int:
    """Total number of scalars in ``net``'s distinct parameters (a deferred shape counts 0).

    With ``trainable_only`` (the default), parameters with ``grad_req='null'``
    (constants, frozen parameters) are skipped.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, in_units=4), nn.Dense(1, in_units=8))
        >>> count_params(net)
        49
        >>> net[0].weight.grad_req = 'null'
        >>> count_params(net), count_params(net, trainable_only=False)
        (17, 49)
    """
    return sum(math.prod(_shape(param)) for _, param in _distinct_params(net)
               if param.grad_req != 'null' or not trainable_only)
