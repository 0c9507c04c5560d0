"""Exercise: inspecting a network's parameters.

Write ``param_shapes`` and ``count_params``. Check them with
``grade exercise parameters/access``.
"""
from torch import nn


def param_shapes(net: nn.Module) -> dict[str, tuple[int, ...]]:
    """Map every parameter name to its shape, as a tuple of ints.

    Use the names ``net.named_parameters()`` reports, in that order; a tied
    (shared) parameter therefore appears only once. Shapes are plain tuples
    (``tuple(p.shape)``; a ``torch.Size`` is a tuple too and is accepted), not a list. Buffers are not parameters.

    Example:
        >>> param_shapes(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)))
        {'0.weight': (8, 4), '0.bias': (8,), '2.weight': (1, 8), '2.bias': (1,)}
    """
    raise NotImplementedError("param_shapes: {name: tuple(shape)} from named_parameters()")


def count_params(net: nn.Module, trainable_only: bool = True) -> int:
    """Return the total number of scalars in ``net``'s parameters, as an ``int``.

    Each distinct parameter counts once, even when it is tied into several
    places of the network. With ``trainable_only=True`` (the default),
    parameters with ``requires_grad=False`` are skipped; with ``False`` they
    count too.

    Example:
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
        >>> count_params(net)
        49
    """
    raise NotImplementedError("count_params: sum of numel over distinct (trainable) parameters")
