"""Goodness-of-fit tests for initializations, at a stated false-alarm rate.

A :class:`Law` says how the entries of one tensor should be distributed:
:class:`Normal`, :class:`Uniform`, :class:`Constant` (:func:`Zero`),
:class:`Unchanged` (equal to the values before), :class:`MaskedUniform` (D2L's
``my_init``). :func:`fit` tests many tensors at once and returns a
:class:`Report`:

- **exact sub-tests** (a bound, an equality, a support) hold with certainty
  for a correct initialization, so they never raise a false alarm;
- **pooled sub-tests**: the tensors of one family are standardized
  (``w / σ`` for a normal, ``(w - low) / (high - low)`` for a uniform) and
  pooled, then tested once per family: Kolmogorov–Smirnov, a chi-square test
  of the variance, exact binomial tests. The false-alarm rate ``alpha`` of the
  whole report is split evenly over them (Bonferroni), so a correct
  initialization fails with probability at most ``alpha``.

The laws live in :mod:`grader.checks.distribution_laws`, the p-values (from
``scipy.stats``, imported when a check first needs them) and :class:`Outcome` in
:mod:`grader.checks.distribution_stats`; this module fits them to many tensors and
re-exports both, so ``from grader.checks.distribution import Normal`` keeps working.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> good = fit([(Normal(0.01), rng.normal(0, 0.01, 20000), None, "w")], alpha=1e-6)
    >>> good.passed
    True
    >>> bad = fit([(Normal(0.01), rng.normal(0, 0.1, 20000), None, "w")], alpha=1e-6)
    >>> print(bad.failures()[0])  # doctest: +ELLIPSIS
    KS test against N(0, 0.01²): D = 0.4... on 20000 values, p < 1e-300 < 5e-07 (false-alarm rate ...
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from grader.checks.distribution_laws import Constant, Law, MaskedUniform, Normal, Unchanged, Uniform, Zero
from grader.checks.distribution_stats import Outcome, binom_test, chi2_two_sided, ks_test

__all__ = ["ALPHA", "Law", "Normal", "Uniform", "Constant", "Zero", "Unchanged", "MaskedUniform", "Outcome",
           "Report", "fit", "ks_test", "binom_test", "chi2_two_sided"]

#: The false-alarm rate of one check: a correct submission fails it at most this often.
ALPHA = 1e-6


@dataclass(frozen=True)
class Violation:
    """An exact sub-test that failed: which tensor, under which law, and how."""

    where: str
    law: Law
    message: str

    def __str__(self) -> str:
        return f"{self.where}: expected {self.law.label()}, but {self.message}."


@dataclass(frozen=True)
class Report:
    """Everything :func:`fit` found; ``passed`` when no exact and no pooled sub-test failed."""

    violations: tuple[Violation, ...]
    outcomes: tuple[Outcome, ...]
    alpha: float
    subtests: int
    samples: int
    failing_laws: tuple[Law, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.violations and all(o.passed for o in self.outcomes)

    def failures(self) -> list[str]:
        """One line per failed sub-test: exact ones first."""
        return [str(v) for v in self.violations] + [str(o) for o in self.outcomes if not o.passed]

    def hints(self) -> list[str]:
        return list(dict.fromkeys(law.hint for law in self.failing_laws if law.hint))


Sample = tuple[Law, np.ndarray, "np.ndarray | None", str]


def fit(samples: Sequence[Sample], *, alpha: float = ALPHA, unit: str = "values") -> Report:
    """Test every ``(law, values, values_before, where)``: exact sub-tests per tensor, pooled
    sub-tests per family at level ``alpha / (number of pooled sub-tests)``; ``unit`` names
    the pooled values in messages ("weights")."""
    violations: list[Violation] = []
    failing: list[Law] = []
    groups: dict[str, list[tuple[Law, np.ndarray]]] = {}
    for law, values, before, where in samples:
        x = np.asarray(values, dtype=np.float64).reshape(-1)
        b = None if before is None else np.asarray(before, dtype=np.float64).reshape(-1)
        problem = law.exact(x, b)
        if problem:
            violations.append(Violation(where, law, problem))
            failing.append(law)
        if type(law).pooled_tests:
            groups.setdefault(law.pool_key, []).append((law, x))
    subtests = sum(type(members[0][0]).pooled_tests for members in groups.values())
    level = alpha / subtests if subtests else alpha
    outcomes: list[Outcome] = []
    for members in groups.values():
        laws = [law for law, _ in members]
        raw = np.concatenate([x for _, x in members])
        z = np.concatenate([law.standardize(x) for law, x in members])
        found = type(laws[0]).pooled(z, raw, laws, level, alpha, subtests, unit)
        outcomes += found
        if any(not o.passed for o in found):
            failing += laws
    total = sum(np.asarray(v).size for _, v, _, _ in samples)
    return Report(tuple(violations), tuple(outcomes), alpha, subtests, total, tuple(dict.fromkeys(failing)))
