"""Exercise: inspecting a network's parameters.

Write ``param_shapes`` and ``count_params``. Check them with
``grade exercise parameters/access --track gluon``.

Names: MXNet 1.9's ``net.collect_params()`` is keyed by *global* names such as
``dense0_weight``, which depend on how many blocks were built before; they
are not what is asked here. Use the *structural* names, the ones
``save_parameters`` writes (``0.weight``, ``hidden.bias``, ``0.1.0.weight``):
``net._collect_params_with_prefix()`` returns them, or walk the children
yourself (``net._children`` and each block's ``_reg_params``).
"""
from mxnet.gluon import nn


def param_shapes(net: nn.Block) -> dict[str, tuple[int, ...]]:
    """Map every parameter's structural name to its shape, as a tuple of ints.

    - Keys are structural names, in the order ``_collect_params_with_prefix()``
      gives them.
    - A parameter shared by several blocks (``params=shared.params``) appears
      **once**, under the first name it has.
    - Before the first forward pass a deferred dimension reads 0, as MXNet
      reports it: ``nn.Dense(8)`` has weight shape ``(8, 0)``. (After
      ``npx.set_np()`` MXNet reports -1 there; return 0 anyway.)
    - Shapes are plain tuples of ints, not lists.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, activation='relu'), nn.Dense(1))
        >>> param_shapes(net)
        {'0.weight': (8, 0), '0.bias': (8,), '1.weight': (1, 0), '1.bias': (1,)}
    """
    raise NotImplementedError("param_shapes: {structural name: tuple(shape)}, each parameter once, deferred dims as 0")


def count_params(net: nn.Block, trainable_only: bool = True) -> int:
    """Return the total number of scalars in ``net``'s parameters, as an ``int``.

    Each distinct parameter counts once, even when it is shared by several
    blocks. A parameter whose shape is still deferred (a 0 in it) counts 0.
    With ``trainable_only=True`` (the default), parameters with
    ``grad_req == 'null'`` (constants made with ``get_constant``, frozen
    parameters) are skipped; with ``False`` they count too.

    Example:
        >>> net = nn.Sequential()
        >>> net.add(nn.Dense(8, in_units=4), nn.Dense(1, in_units=8))
        >>> count_params(net)
        49
    """
    raise NotImplementedError("count_params: sum of sizes over distinct (trainable) parameters")
