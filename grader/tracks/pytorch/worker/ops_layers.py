"""Operations specific to the custom layers checks (registered in :data:`grader.tracks.pytorch.worker.ops.OPS`).

Each operation is ``op(session, **args) -> dict`` of plain data.

Example (none yet: the custom layers checks use the generic operations; any added here are in ``OPS``):
    >>> LAYER_OPS
    {}
    >>> from grader.tracks.pytorch.worker.ops import OPS
    >>> all(OPS[name] is op for name, op in LAYER_OPS.items()), {"build", "forward", "describe"} <= set(OPS)
    (True, True)
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["LAYER_OPS"]

LAYER_OPS: dict[str, Callable[..., dict[str, Any]]] = {}
