"""Check combinators: another check, whose failures are made more precise.

``Explained(check, explain)`` reports ``explain(ctx, failure)`` instead of the
check's failure (extra hints, a better line). ``WithHints(check, diagnose)`` is
the common case: hints that need a look at the student's objects that the
inner check does not take (``tied_net()``'s layers 2 and 4 are two objects: its
gradients differ from the reference's *because* the weights are copied, not
tied).

Example declarations::

    WithHints(Gradients(points=2, build=..., inputs=..., cases=...), diagnose=untied_layers)
    Explained(Forward(points=3, ...), explain=lambda ctx, failure: failure)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from grader.checks.base import CheckContext, Failure

__all__ = ["Explained", "WithHints"]


@dataclass(frozen=True)
class Explained:
    """A check whose failures ``explain`` may make more precise.

    ``explain(ctx, failure)`` returns the failure to report (the same one when it has
    nothing to add). Everything else is the wrapped check's.
    """

    inner: Any
    explain: Callable[[CheckContext, Failure], Failure]

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
            raise self.explain(ctx, failure) from None


def WithHints(inner: Any, diagnose: Callable[[CheckContext], list[str]],  # noqa: N802 - reads as a check kind
              override: bool = False) -> Explained:
    """``inner``; on failure, ``diagnose(ctx)``'s hints are added (``diagnose`` may ask the worker).
    With ``override``, hints from ``diagnose`` replace the inner check's (when there are any).

    Example (a stand-in inner check that always fails):
        >>> class Tied:
        ...     id, title, points = "tied", "the layers are tied", 2.0
        ...     def run(self, ctx):
        ...         raise Failure("gradients differ", hints=("compare the gradients",))
        >>> check = WithHints(Tied(), diagnose=lambda ctx: ["layers 2 and 4 are two objects"])
        >>> check.id, check.title, check.points, check.hidden
        ('tied', 'the layers are tied', 2.0, False)
        >>> try:
        ...     check.run(ctx=None)
        ... except Failure as failure:
        ...     print(failure.feedback, failure.hints)
        gradients differ ('compare the gradients', 'layers 2 and 4 are two objects')
        >>> try:
        ...     WithHints(Tied(), diagnose=lambda ctx: ["two objects"], override=True).run(ctx=None)
        ... except Failure as failure:
        ...     print(failure.hints)
        ('two objects',)
    """
    def explain(ctx: CheckContext, failure: Failure) -> Failure:
        try:
            extra = diagnose(ctx)
        except Failure:
            extra = []
        kept = [] if override and extra else list(failure.hints)
        failure.hints = tuple(dict.fromkeys([*kept, *extra]))
        return failure

    return Explained(inner, explain)
