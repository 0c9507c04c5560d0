"""Exercise: checkpointing a model and its trainer together.

Write ``save_checkpoint`` and ``load_checkpoint``. Check them with
``grade exercise read_write/checkpoint --track gluon``.
"""
import os

from mxnet import gluon
from mxnet.gluon import nn

PathLike = str | os.PathLike


def save_checkpoint(prefix: PathLike, net: nn.Block, trainer: gluon.Trainer, epoch: int) -> None:
    """Save everything needed to resume training, in files whose names start with ``prefix``.

    ``prefix`` is a path without an extension (e.g. ``/tmp/run/ckpt``); make
    your file names from it, e.g. ``<prefix>.params``, ``<prefix>.states``
    and ``<prefix>.epoch``. Save

    - the parameters, with ``net.save_parameters``;
    - the trainer's state, with ``trainer.save_states`` (momentum buffers,
      Adam moments and update counts live there, not in the parameters);
    - ``epoch`` (an ``int``), in a file of your choice.

    The check: training ``k`` steps, saving, loading into *fresh* network and
    trainer objects and training ``m`` more steps must give the same
    parameters as training ``k + m`` steps straight through (``sgd`` with
    momentum, and ``adam``).

    Example:
        >>> from mxnet import nd
        >>> net = nn.Dense(1)
        >>> net.initialize()
        >>> _ = net(nd.ones((2, 3)))
        >>> trainer = gluon.Trainer(net.collect_params(), 'adam')
        >>> save_checkpoint('/tmp/ckpt', net, trainer, epoch=5)
    """
    raise NotImplementedError("save_checkpoint: save_parameters, trainer.save_states and the epoch")


def load_checkpoint(prefix: PathLike, net: nn.Block, trainer: gluon.Trainer) -> int:
    """Restore ``net`` and ``trainer`` in place from ``prefix``; return the epoch as an ``int``.

    ``net`` and ``trainer`` are freshly built objects of the same kind as the
    saved ones (``net`` initialized but maybe never run; ``trainer`` built
    over ``net.collect_params()``). Load the parameters **first**
    (``net.load_parameters``), **then** the trainer state
    (``trainer.load_states``): a trainer's state cannot be loaded onto
    parameters that have no data yet.

    Example (after the ``save_checkpoint`` example):
        >>> fresh = nn.Dense(1)
        >>> fresh.initialize()
        >>> load_checkpoint('/tmp/ckpt', fresh, gluon.Trainer(fresh.collect_params(), 'adam'))
        5
    """
    raise NotImplementedError("load_checkpoint: load_parameters, then trainer.load_states; return the epoch")
