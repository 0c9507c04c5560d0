"""Reference: checkpointing a model and its trainer together.

Implements ``save_checkpoint`` / ``load_checkpoint``. Three files share the
prefix: ``<prefix>.params`` (``save_parameters``), ``<prefix>.states``
(``Trainer.save_states``: momentum, Adam moments and update counts, and the
optimizer itself) and ``<prefix>.epoch`` (the epoch, as text). Training
resumed from a checkpoint continues exactly as if it had never stopped.
"""
import os

from mxnet import gluon
from mxnet.gluon import nn

PathLike = str | os.PathLike


def save_checkpoint(prefix: PathLike, net: nn.Block, trainer: gluon.Trainer, epoch: int) -> None:
    """Write ``<prefix>.params``, ``<prefix>.states`` and ``<prefix>.epoch``.

    Example:
        >>> from mxnet import nd
        >>> net = nn.Dense(1)
        >>> net.initialize()
        >>> _ = net(nd.ones((2, 3)))
        >>> trainer = gluon.Trainer(net.collect_params(), 'adam')
        >>> save_checkpoint('/tmp/ckpt', net, trainer, epoch=5)
    """
    prefix = os.fspath(prefix)
    net.save_parameters(prefix + '.params')
    trainer.save_states(prefix + '.states')
    with open(prefix + '.epoch', 'w') as f:
        f.write(str(int(epoch)))


def load_checkpoint(prefix: PathLike, net: nn.Block, trainer: gluon.Trainer) -> int:
    """Restore ``net`` and then ``trainer`` in place from ``prefix``; return the epoch.

    The parameters go in first: a trainer's state cannot be loaded onto
    parameters that have no data yet.

    Example:
        >>> from mxnet import nd
        >>> net = nn.Dense(1)
        >>> net.initialize()
        >>> _ = net(nd.ones((2, 3)))
        >>> save_checkpoint('/tmp/ckpt', net, gluon.Trainer(net.collect_params(), 'adam'), epoch=5)
        >>> fresh = nn.Dense(1)
        >>> fresh.initialize()
        >>> load_checkpoint('/tmp/ckpt', fresh, gluon.Trainer(fresh.collect_params(), 'adam'))
        5
    """
    prefix = os.fspath(prefix)
    net.load_parameters(prefix + '.params')
    trainer.load_states(prefix + '.states')
    with open(prefix + '.epoch') as f:
        return int(f.read())
