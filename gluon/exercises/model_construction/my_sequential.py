"""Exercise: write your own ``nn.Sequential``.

Write ``MySequential``. Check it with
``grade exercise model_construction/my_sequential --track gluon``.

Arrays: use the first edition's ``mxnet.nd`` (imported below) or the second
edition's ``mxnet.np`` / ``npx`` after ``npx.set_np()``; the grader feeds your
module the kind of array it uses and reads back either.
"""
from typing import Any

from mxnet import nd
from mxnet.gluon import nn


class MySequential(nn.Block):
    """Apply the added blocks one after the other.

    ``MySequential()`` takes no arguments of its own (pass ``**kwargs`` on to
    ``super().__init__``). ``add(block)`` takes **one** block per call, as in
    D2L, and returns nothing; ``forward(X)`` feeds ``X`` through the added
    blocks in the order they were added and returns the result.

    Details that are checked:

    - Every added block must become a **registered child**, e.g. with
      ``self.register_child(block)``: then ``initialize()`` reaches it and
      ``collect_params()`` / ``save_parameters`` list its parameters. Keeping
      the blocks in a plain Python list is the classic mistake: their
      parameters are then invisible (and never initialized).
    - Child names are free (``register_child(block)`` names them ``'0'``,
      ``'1'``, ...; the structural parameter names are then ``0.weight``,
      ``0.bias``, ``1.weight``, ...), but they are compared in the order the
      blocks were added.
    - The same block may be added twice: ``net.add(a); net.add(a)`` applies
      ``a`` twice, as ``nn.Sequential`` does. (Storing children under
      ``block.name`` keeps only one entry for it, which runs it once.)
    - With no block added, ``forward`` is the identity.

    Example:
        >>> net = MySequential()
        >>> net.add(nn.Dense(256, activation='relu'))
        >>> net.add(nn.Dense(10))
        >>> net.initialize()
        >>> net(nd.random.uniform(shape=(2, 20))).shape
        (2, 10)
    """

    def __init__(self, **kwargs: Any):
        raise NotImplementedError("MySequential.__init__: call super().__init__(**kwargs) (or delete this method)")

    def add(self, block: nn.Block) -> None:
        raise NotImplementedError("MySequential.add: register block as a child (register_child)")

    def forward(self, X: nd.NDArray) -> nd.NDArray:
        raise NotImplementedError("MySequential.forward: apply the children in the order they were added")
