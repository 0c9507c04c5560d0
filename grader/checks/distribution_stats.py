"""The statistics of the goodness-of-fit tests: p-values and the outcome of one pooled sub-test.

The p-values come from ``scipy.stats`` (``kstest``, ``binomtest``, ``chi2``),
imported when a check first needs them (the import costs about a second, paid
only by runs that grade an initialization). An :class:`Outcome` is one pooled
sub-test, its p-value and the level it is held to; :mod:`grader.checks.distribution_laws`
makes them, :func:`grader.checks.distribution.fit` collects them.

Example:
    >>> o = Outcome("KS test against U(0, 1)", "D = 0.5", 100, 1e-9, 5e-7, 1e-6, 2)
    >>> o.passed
    False
    >>> print(o)
    KS test against U(0, 1): D = 0.5 on 100 values, p = 1e-09 < 5e-07 (false-alarm rate of this check: 1e-06, split over 2 sub-tests)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Outcome", "binom_test", "chi2_two_sided", "ks_test"]


def ks_test(samples: np.ndarray, cdf: str) -> tuple[float, float]:
    """Two-sided one-sample KS test (``scipy.stats.kstest``) against ``"norm"`` (N(0, 1))
    or ``"uniform"`` (U(0, 1)). Returns ``(D, p)``.

    Example:
        >>> d, p = ks_test(np.linspace(0.0005, 0.9995, 1000), "uniform")
        >>> round(d, 4), p
        (0.0005, 1.0)
    """
    from scipy import stats

    if cdf not in ("norm", "uniform"):
        raise ValueError(f"cdf must be 'norm' or 'uniform', got {cdf!r}")
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    if x.size == 0:
        return 0.0, 1.0
    result = stats.kstest(x, cdf)
    return float(result.statistic), float(result.pvalue)


def binom_test(k: int, n: int, p: float) -> float:
    """Exact two-sided binomial test: ``scipy.stats.binomtest(k, n, p).pvalue``.

    Example:
        >>> round(binom_test(60, 100, 0.5), 5)
        0.05689
    """
    from scipy import stats

    if n == 0:
        return 1.0
    if p <= 0.0 or p >= 1.0:
        return 1.0 if k == (0 if p <= 0.0 else n) else 0.0
    return float(stats.binomtest(int(k), int(n), p).pvalue)


def chi2_two_sided(statistic: float, df: int) -> float:
    """Two-sided p-value ``2 min(P(X ≤ s), P(X ≥ s))`` of ``X ~ χ²(df)`` (``scipy.stats.chi2``).

    Example:
        >>> round(chi2_two_sided(100.0, 100), 4)
        0.9624
    """
    from scipy import stats

    return min(1.0, 2.0 * min(float(stats.chi2.cdf(statistic, df)), float(stats.chi2.sf(statistic, df))))


def _p(p: float) -> str:
    return "p < 1e-300" if p < 1e-300 else f"p = {p:.2g}"


@dataclass(frozen=True)
class Outcome:
    """One pooled sub-test: what was tested, on how many values, and its p-value."""

    test: str
    statistic: str
    n: int
    p: float
    level: float
    alpha: float
    subtests: int
    detail: str = ""
    unit: str = "values"

    @property
    def passed(self) -> bool:
        return self.p >= self.level

    def __str__(self) -> str:
        verdict = "<" if not self.passed else "≥"
        rate = f"false-alarm rate of this check: {self.alpha:g}" + \
            (f", split over {self.subtests} sub-tests" if self.subtests > 1 else "")
        text = (f"{self.test}: {self.statistic} on {self.n} {self.unit}, {_p(self.p)} {verdict} "
                f"{self.level:.2g} ({rate})")
        return f"{text}; {self.detail}" if self.detail else text
