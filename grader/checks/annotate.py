"""Check combinator: another check, with hints added when it fails.

For a hint that needs a look at the student's objects that the inner check
does not take (``tied_net()``'s layers 2 and 4 are two objects: its gradients
differ from the reference's *because* the weights are copied, not tied).

Example declaration::

    WithHints(Gradients(points=2, build=..., inputs=..., cases=...), diagnose=untied_layers)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from grader.checks.base import Check, CheckContext, Failure

__all__ = ["WithHints"]


@dataclass(frozen=True)
class WithHints:
    """Runs ``inner``; on failure adds ``diagnose(ctx)``'s hints (``diagnose`` may ask the worker).
    With ``override``, hints from ``diagnose`` replace the inner check's (when there are any)."""

    inner: Check
    diagnose: Callable[[CheckContext], list[str]]
    override: bool = False

    @property
    def id(self) -> str:
        return self.inner.id

    @property
    def title(self) -> str:
        return self.inner.title

    @property
    def points(self) -> float:
        return self.inner.points

    @property
    def hidden(self) -> bool:
        return bool(getattr(self.inner, "hidden", False))

    def run(self, ctx: CheckContext) -> None:
        try:
            self.inner.run(ctx)
        except Failure as failure:
            try:
                extra = self.diagnose(ctx)
            except Failure:
                extra = []
            kept = [] if self.override and extra else list(failure.hints)
            failure.hints = tuple(dict.fromkeys([*kept, *extra]))
            raise
