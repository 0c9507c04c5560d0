"""Check kind: a property of the student's objects written as a function.

For structure that no generic kind covers (``rand_weight`` is a buffer; no
storage is shared between ``stack``'s blocks). ``examine(ctx, case, seed)`` raises
:class:`~grader.checks.base.Failure` when the property does not hold.

Example declaration::

    Custom(id="independent_blocks", title="blocks share no parameters", points=2,
           cases=st.fixed_dictionaries({"n": st.integers(1, 4)}), examine=blocks_independent)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from hypothesis import strategies as st

from grader.checks.base import CheckContext
from grader.checks.explore import explore_check

__all__ = ["Custom"]


@dataclass(frozen=True)
class Custom:
    """A property checked by ``examine`` over drawn cases.

    Example:
        >>> check = Custom(id="independent_blocks", title="blocks share no parameters", points=2,
        ...                examine=lambda ctx, case, seed: None)
        >>> check.id, check.title, check.points
        ('independent_blocks', 'blocks share no parameters', 2)
        >>> check.max_examples, check.hidden, check.defaults   # the defaults
        (5, False, ())
    """

    id: str
    title: str
    examine: Callable[[CheckContext, dict[str, Any], int], None]
    cases: st.SearchStrategy[dict[str, Any]] = st.just({})
    points: float = 1.0
    max_examples: int = 5
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        explore_check(self, ctx, lambda case, seed: self.examine(ctx, case, seed))
