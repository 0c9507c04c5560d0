"""What hypothesis did for one check under one seed, kept for the next student of a batch.

Hypothesis is deterministic: under one seed, which case it tries next depends only on what the
cases tried so far gave (passed, or failed and where). A :class:`DrawnCases` keeps the calls it
made for earlier students as a tree: each call's case, and after each outcome the next call, or
the end of the run. :func:`replay` walks it for the next student, examining each case for real;
as long as the student's outcomes are ones seen before, the run is known without hypothesis
(every case passing, or the same failure shrunk the same way). At an outcome not seen before it
stops, and the caller runs hypothesis, answering the calls already made from what they gave
(:func:`grader.checks.explore.explore`).

Example:
    >>> from grader.checks.base import Failure
    >>> tree = DrawnCases()
    >>> tree.add([({"n": 3}, None), ({"n": 9}, None)])  # a run of two passing cases
    True
    >>> seen = []
    >>> replay(tree, lambda case: None, seen), [case for case, _ in seen]
    (True, [{'n': 3}, {'n': 9}])
    >>> def fails_on_nine(case):
    ...     if case["n"] == 9:
    ...         raise Failure("nine")
    >>> seen = []
    >>> replay(tree, fails_on_nine, seen), seen[-1][1].feedback   # an outcome not seen before: stop
    (False, 'nine')
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable

try:  # hypothesis's own: what it seeds around each case, and how it tells failures apart
    from hypothesis.internal.entropy import deterministic_PRNG
    from hypothesis.internal.escalation import InterestingOrigin
except ImportError:  # a hypothesis without them: no memory, every student's checks run hypothesis
    deterministic_PRNG = InterestingOrigin = None  # type: ignore[assignment,misc]

#: whether this hypothesis lets a batch keep its runs (see :func:`grader.checks.explore.explore`)
AVAILABLE = InterestingOrigin is not None

from grader.checks.base import Failure

__all__ = ["DrawnCases", "replay", "outcome_of", "MAX_CALLS", "AVAILABLE"]

#: the most calls one check's tree keeps (students whose runs are all new add no more beyond it)
MAX_CALLS = 4000

_END = None  # after this outcome, hypothesis made no more calls
_MISSING: Any = object()  # an outcome not seen after this call


def outcome_of(failure: Failure | None) -> Any:
    """What hypothesis goes by: nothing for a pass; for a failure, its origin (type, where it was
    raised, its context), with the raising line as the traceback has it.

    Example:
        >>> outcome_of(None) is None
        True
        >>> try:
        ...     raise Failure("x")
        ... except Failure as f:
        ...     outcome_of(f)[1][0].endswith(".py") or outcome_of(f)[1][0].startswith("<doctest")
        True
    """
    if failure is None:
        return None
    tb, where = failure.__traceback__, ("", 0)
    while tb is not None:  # the innermost frame: where it was raised
        where, tb = (tb.tb_frame.f_code.co_filename, tb.tb_lineno), tb.tb_next
    return InterestingOrigin.from_exception(failure), where


@dataclass
class _Call:
    case: Any
    after: dict[Any, "_Call | None"] = field(default_factory=dict)  # outcome -> the next call (None: the end)


@dataclass
class DrawnCases:
    """The calls hypothesis made for one check under one seed, as a tree of outcomes (module docstring)."""

    first: _Call | None = None
    calls: int = 0

    def add(self, run: list[tuple[Any, Any]]) -> bool:
        """Keep a whole run of hypothesis, ``(case, outcome_of(...))`` per call in order (the cases are
        kept as given: the caller's own copies); False (nothing kept) when it disagrees with what is
        kept, or the tree is full."""
        if not run or self.calls + len(run) > MAX_CALLS:
            return False
        if self.first is None:
            self.first = _Call(run[0][0])
            self.calls += 1
        call = self.first
        if call.case != run[0][0]:
            return False
        for i, (_case, outcome) in enumerate(run):
            if i + 1 == len(run):
                if call.after.get(outcome, _END) is not _END:
                    return False
                call.after[outcome] = _END
                return True
            following = run[i + 1][0]
            nxt = call.after.get(outcome, _MISSING)
            if nxt is _MISSING:
                nxt = call.after[outcome] = _Call(following)
                self.calls += 1
            elif nxt is _END or nxt.case != following:
                return False
            call = nxt
        return True



def replay(tree: DrawnCases, examine: Callable[[Any], None], seen: list[tuple[Any, Failure | None]]) -> bool:
    """Examine the calls of ``tree`` the student's outcomes lead to, as hypothesis would (its seeded
    ``random`` around each), appending ``(case, failure or None)`` to ``seen``; True when the run is
    known to its end, False at an outcome not seen before (or an empty tree)."""
    call = tree.first
    while call is not None:
        case = copy.deepcopy(call.case)
        failure: Failure | None = None
        with deterministic_PRNG():
            try:
                examine(case)
            except Failure as raised:
                raised.drawn = case  # type: ignore[attr-defined]
                failure = raised
        seen.append((case, failure))
        nxt = call.after.get(outcome_of(failure), _MISSING)
        if nxt is _MISSING:
            return False
        if nxt is _END:
            return True
        call = nxt
    return False
