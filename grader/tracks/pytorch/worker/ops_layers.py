"""Operations specific to the custom layers checks (registered in :data:`grader.tracks.pytorch.worker.ops.OPS`).

Each operation is ``op(session, **args) -> dict`` of plain data.
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["LAYER_OPS"]

LAYER_OPS: dict[str, Callable[..., dict[str, Any]]] = {}
