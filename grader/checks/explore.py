"""Drive a check over cases that hypothesis draws, and keep the smallest failure.

Example:
    >>> from hypothesis import strategies as st
    >>> def examine(case):
    ...     if case["n"] > 3:
    ...         raise Failure("too big")
    >>> f = explore(st.fixed_dictionaries({"n": st.integers(0, 100)}), examine, seed=1, max_examples=50)
    >>> f.feedback, f.drawn
    ('too big', {'n': 4})
"""
from __future__ import annotations

import copy
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from grader.checks.base import CheckContext, Failure, GraderFault, derive_seed
from grader.checks.drawn import AVAILABLE, DrawnCases, outcome_of, replay

__all__ = ["explore", "explore_check", "DrawnCases"]


def explore(cases: st.SearchStrategy[Any], examine: Callable[[Any], None], *, seed: int,
            max_examples: int, extra: tuple[Any, ...] = (), book: Any = None, key: str = "",
            drawn: dict[str, DrawnCases] | None = None) -> Failure | None:
    """Run ``examine`` on drawn cases; return the failure hypothesis shrank to, if any.

    ``examine`` raises :class:`Failure` to fail a case. Any other exception
    (a dead worker, a grader fault) propagates unchanged. ``extra`` cases (the
    catalog's default sizes) are tried after the drawn ones, so that a failure
    is still shown at its smallest.

    With a ``book`` (a :class:`grader.expected.cases.CaseBook`: expected values
    recorded or replayed) nothing shrinks: the cases hypothesis draws when
    nothing fails, and ``extra``, are examined smallest first, and the first
    failure is returned; ``key`` names the check in the book.

    With ``drawn`` (a batch's memory of what hypothesis did for each check, see
    :mod:`grader.checks.drawn`), a run known from earlier students, as far as this student's
    outcomes are ones seen before, is examined without hypothesis; at a new outcome hypothesis
    runs, and the calls already made are answered from what they gave. ``examine`` sees the same
    cases in the same order either way.
    """
    if book is not None:
        return _explore_fixed(cases, examine, seed=seed, max_examples=max_examples, extra=extra, book=book,
                              key=key)
    keep = drawn is not None and AVAILABLE
    tree = drawn.setdefault(f"{key}:{seed}:{max_examples}", DrawnCases()) if keep else None
    seen: list[tuple[Any, Failure | None]] = []  # the calls made from memory, and what each gave
    if tree is not None and replay(tree, examine, seen):  # the whole run is known: no hypothesis
        failed = [failure for _, failure in seen if failure is not None]
        return failed[-1] if failed else _first_failure(extra, examine)
    failures: list[Failure] = []
    escapes: list[BaseException] = []
    run: list[tuple[Any, Any]] = []  # every call hypothesis makes: a copy of its case, and its outcome
    in_step = [True]  # hypothesis's calls still match ``seen``

    @_quiet_settings(max_examples, shrink=True)
    @hypothesis_seed(seed)
    @given(cases)
    def prop(case: Any) -> None:
        index = len(run)
        drawn_case = copy.deepcopy(case) if tree is not None else None  # kept only for a batch
        if in_step[0] and index < len(seen):
            if seen[index][0] == case:  # already examined: what it gave, without examining it again
                known = seen[index][1]
                run.append((drawn_case, outcome_of(known)))
                if known is not None:
                    failures.append(known)
                    raise known
                return
            in_step[0] = False
        try:
            examine(case)
        except Failure as failure:
            failure.drawn = case  # type: ignore[attr-defined]
            failures.append(failure)
            if tree is not None:
                run.append((drawn_case, outcome_of(failure)))
            raise
        except Exception as exc:  # a dead worker or a grader fault: stop exploring at once
            escapes.append(exc)
            raise
        if tree is not None:
            run.append((drawn_case, None))

    try:
        prop()
    except Failure:
        if tree is not None and in_step[0]:
            tree.add(run)
        return failures[-1]
    except HypothesisException as exc:
        if escapes:
            raise escapes[0] from None
        raise GraderFault(f"hypothesis could not run the check: {exc}") from exc
    except BaseException:
        if escapes:
            raise escapes[0] from None
        raise
    if tree is not None and in_step[0]:
        tree.add(run)
    return _first_failure(extra, examine)


def explore_check(check: Any, ctx: CheckContext, examine: Callable[[dict[str, Any], int], None]) -> None:
    """Run a check kind's ``examine(case, seed)`` over its ``cases``, ``max_examples`` (scaled by the
    context) and ``defaults``; raise the failure found. Hypothesis is seeded from the run's seed, the
    exercise and the check id; each case gets its own seed from that and the case.

    Example (inside a check kind's ``run``)::

        explore_check(self, ctx, lambda case, seed: self.examine(ctx, case, seed))
    """
    base = derive_seed(ctx.seed, ctx.exercise, check.id)
    begin_case = getattr(ctx.reference, "begin_case", None)  # references that key requests by content

    def one(case: dict[str, Any]) -> None:
        if callable(begin_case):
            begin_case()
        examine(case, derive_seed(base, repr(sorted(case.items()))))

    failure = explore(check.cases, one,
                      seed=base, max_examples=ctx.examples(check.max_examples), extra=check.defaults,
                      book=ctx.casebook, key=check.id, drawn=ctx.drawn_cases)
    if failure is not None:
        raise failure


def _first_failure(cases: Any, examine: Callable[[Any], None]) -> Failure | None:
    """Examine ``cases`` in order; the first failure, with the case it drew, or None."""
    for case in cases:
        try:
            examine(case)
        except Failure as failure:
            failure.drawn = case  # type: ignore[attr-defined]
            return failure
    return None


def _explore_fixed(cases: st.SearchStrategy[Any], examine: Callable[[Any], None], *, seed: int,
                   max_examples: int, extra: tuple[Any, ...], book: Any, key: str) -> Failure | None:
    drawn: list[Any] = []

    @_quiet_settings(max_examples, shrink=False)
    @hypothesis_seed(seed)
    @given(cases)
    def collect(case: Any) -> None:
        drawn.append(case)

    collect()
    return _first_failure(book.settle(key, [*drawn, *extra]), examine)


def _quiet_settings(max_examples: int, *, shrink: bool) -> settings:
    """Hypothesis settings of a check: no database, no deadline, no output; shrinking or not."""
    phases = (Phase.explicit, Phase.generate, Phase.shrink) if shrink else (Phase.explicit, Phase.generate)
    return settings(max_examples=max_examples, database=None, deadline=None, derandomize=False,
                    suppress_health_check=list(HealthCheck), report_multiple_bugs=False, phases=phases,
                    verbosity=Verbosity.quiet, print_blob=False)
