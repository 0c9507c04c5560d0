"""The laws an initialization should follow: how the entries of one tensor are distributed.

A :class:`Law` says how the entries of one tensor should be distributed:
:class:`Normal`, :class:`Uniform`, :class:`Constant` (:func:`Zero`),
:class:`Unchanged` (equal to the values before), :class:`MaskedUniform` (D2L's
``my_init``). Each law describes itself for feedback (:meth:`Law.label`), runs its
exact sub-tests on one tensor (:meth:`Law.exact`: a bound, an equality, a support;
they never fail a correct initialization) and, for a family of tensors pooled by
:attr:`Law.pool_key`, its pooled sub-tests (:meth:`Law.pooled`, built on
:mod:`grader.checks.distribution_stats`).

Example:
    >>> import numpy as np
    >>> Uniform(-1.0, 1.0).label(), Zero().label(), Normal(0.01).label()
    ('U(-1, 1)', 'zeros', 'N(0, 0.01²)')
    >>> Uniform(-1.0, 1.0).exact(np.array([0.5, 3.0]), None)
    '1 of 2 entries lie outside these bounds: the farthest is 3, 3 × the bound'
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from grader.checks.distribution_stats import Outcome, binom_test, chi2_two_sided, ks_test

__all__ = ["Law", "Normal", "Uniform", "Constant", "Zero", "Unchanged", "MaskedUniform"]


@dataclass(frozen=True)
class Law:
    """How the entries of one tensor should be distributed.

    ``exact`` returns a sentence describing a violation that cannot happen under
    the law (or ``None``); laws with the same :attr:`pool_key` are standardized and
    pooled for the family's sub-tests. ``hint`` is shown when this law is violated.
    """

    hint: str = field(default="", compare=False, kw_only=True)

    #: number of pooled sub-tests this law's family runs
    pooled_tests = 0

    @property
    def pool_key(self) -> str:
        return type(self).__name__

    def label(self) -> str:
        raise NotImplementedError

    def exact(self, x: np.ndarray, before: np.ndarray | None) -> str | None:
        return None

    def standardize(self, x: np.ndarray) -> np.ndarray:
        return x

    @classmethod
    def pooled(cls, z: np.ndarray, raw: np.ndarray, laws: list["Law"], level: float, alpha: float,
               subtests: int, unit: str) -> list[Outcome]:
        return []


def _g(v: float) -> str:
    return f"{v:.4g}"


@dataclass(frozen=True)
class Normal(Law):
    """``N(mean, std²)``; pooled sub-tests: KS against N(0, 1) and a chi-square test of
    the variance, on ``(w - mean) / std``."""

    std: float
    mean: float = 0.0
    pooled_tests = 2

    @property
    def pool_key(self) -> str:
        return "Normal"

    def label(self) -> str:
        return f"N({_g(self.mean)}, {_g(self.std)}²)"

    def exact(self, x: np.ndarray, before: np.ndarray | None) -> str | None:
        bad = int((~np.isfinite(x)).sum())
        return f"{bad} of {x.size} entries are not finite" if bad else None

    def standardize(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std

    @classmethod
    def pooled(cls, z: np.ndarray, raw: np.ndarray, laws: list[Law], level: float, alpha: float,
               subtests: int, unit: str) -> list[Outcome]:
        same = all(law == laws[0] for law in laws)
        first = laws[0]
        assert isinstance(first, Normal)
        label = first.label() if same else "N(mean, std²) of each tensor (standardized)"
        if same:
            detail = (f"sample mean {raw.mean():.3g}, sample std {raw.std():.3g}; expected mean "
                      f"{_g(first.mean)}, std {_g(first.std)}")
        else:
            detail = f"standardized values: mean {z.mean():.3g}, std {z.std():.3g} (expected 0 and 1)"
        d, p_ks = ks_test(z, "norm")
        s = float((z * z).sum())
        p_var = chi2_two_sided(s, z.size)
        ratio = math.sqrt(s / z.size) if z.size else 0.0
        return [Outcome(f"KS test against {label}", f"D = {d:.3g}", z.size, p_ks, level, alpha, subtests, detail, unit),
                Outcome(f"Chi-square test of the variance against {label}",
                        f"Σ((w - mean)/std)² = {s:.4g} (root mean square {ratio:.3g} × the expected std)",
                        z.size, p_var, level, alpha, subtests, unit=unit)]


@dataclass(frozen=True)
class Uniform(Law):
    """``U(low, high)``: every entry in ``[low, high]`` (exact, relative tolerance ``1e-5``), and a
    pooled KS test of ``(w - low) / (high - low)`` against U(0, 1). ``name`` labels a family
    whose bounds differ per tensor ("Xavier-uniform")."""

    low: float
    high: float
    name: str = field(default="", compare=False)
    pooled_tests = 1

    @property
    def pool_key(self) -> str:
        return "Uniform"

    def label(self) -> str:
        return f"U({_g(self.low)}, {_g(self.high)})" + (f" ({self.name})" if self.name else "")

    def exact(self, x: np.ndarray, before: np.ndarray | None) -> str | None:
        tol = 1e-5 * max(abs(self.low), abs(self.high))
        out = (x < self.low - tol) | (x > self.high + tol) | ~np.isfinite(x)
        bad = int(out.sum())
        if not bad:
            return None
        worst = x[out][np.argmax(np.abs(x[out]))]
        scale = max(abs(self.low), abs(self.high))
        return (f"{bad} of {x.size} entries lie outside these bounds: the farthest is {_g(float(worst))}, "
                f"{abs(float(worst)) / scale:.3g} × the bound")

    def standardize(self, x: np.ndarray) -> np.ndarray:
        return (x - self.low) / (self.high - self.low)

    @classmethod
    def pooled(cls, z: np.ndarray, raw: np.ndarray, laws: list[Law], level: float, alpha: float,
               subtests: int, unit: str) -> list[Outcome]:
        first = laws[0]
        assert isinstance(first, Uniform)
        same = all(law == first for law in laws)
        names = {law.name for law in laws if isinstance(law, Uniform)}
        label = first.label() if same else "U(low, high) of each tensor" + (
            f" ({names.pop()})" if len(names) == 1 and "" not in names else "")
        # z ~ U(0, 1); 2z - 1 ~ U(-1, 1): its std is 1/sqrt(3) = 0.577
        u = 2 * z - 1
        detail = (f"w relative to the bound: std {u.std():.3g} (expected 0.577), "
                  f"largest |w| {np.abs(u).max() if u.size else 0:.3g} × the bound (expected just under 1)")
        d, p = ks_test(z, "uniform")
        return [Outcome(f"KS test against {label}", f"D = {d:.3g}", z.size, p, level, alpha, subtests, detail, unit)]


def _close(x: np.ndarray, value: float) -> np.ndarray:
    target = float(np.float32(value))
    return np.abs(x - target) <= 1e-6 * max(1.0, abs(target))


@dataclass(frozen=True)
class Constant(Law):
    """Every entry equals ``value`` (as float32, relative tolerance 1e-6)."""

    value: float

    def label(self) -> str:
        return "zeros" if self.value == 0 else f"the constant {_g(self.value)}"

    def exact(self, x: np.ndarray, before: np.ndarray | None) -> str | None:
        bad = ~_close(x, self.value)
        n = int(bad.sum())
        if not n:
            return None
        sample = ", ".join(_g(float(v)) for v in x[bad][:3])
        return f"{n} of {x.size} entries differ from {_g(self.value)} (e.g. {sample})"


def Zero(*, hint: str = "") -> Constant:  # noqa: N802 - reads like a law
    """Every entry is 0."""
    return Constant(0.0, hint=hint)


@dataclass(frozen=True)
class Unchanged(Law):
    """The tensor holds exactly the values it had before."""

    def label(self) -> str:
        return "unchanged"

    def exact(self, x: np.ndarray, before: np.ndarray | None) -> str | None:
        if before is None:
            return None
        if before.shape != x.shape:
            return f"its shape changed from {before.shape} to {x.shape}"
        changed = ~((x == before) | (np.isnan(x) & np.isnan(before)))
        n = int(changed.sum())
        if not n:
            return None
        i = int(np.argmax(changed))
        return f"{n} of {x.size} entries changed (e.g. from {_g(float(before[i]))} to {_g(float(x[i]))})"


@dataclass(frozen=True)
class MaskedUniform(Law):
    """Draw ``U(-high, high)``, then zero every entry whose ``|w|`` is outside ``[keep_lo, keep_hi]``.

    D2L's ``my_init`` is ``MaskedUniform(10, 5, 10)``: half the entries are 0, the rest have
    ``5 ≤ |w| ≤ 10``. Exact: every entry is 0 or in the kept range. Pooled (3 sub-tests): the
    number of zeros (binomial, ``P(0) = 1 - (keep_hi - keep_lo) / high``), the magnitudes of the
    nonzero entries (KS against U(keep_lo, keep_hi)) and their signs (binomial, 1/2).
    """

    high: float
    keep_lo: float
    keep_hi: float
    pooled_tests = 3

    @property
    def pool_key(self) -> str:
        return repr((self.high, self.keep_lo, self.keep_hi))

    @property
    def p_zero(self) -> float:
        return 1.0 - (self.keep_hi - self.keep_lo) / self.high

    def label(self) -> str:
        return (f"U(-{_g(self.high)}, {_g(self.high)}) with the entries whose |w| is outside "
                f"[{_g(self.keep_lo)}, {_g(self.keep_hi)}] set to 0")

    def exact(self, x: np.ndarray, before: np.ndarray | None) -> str | None:
        tol = 1e-5 * self.high
        a = np.abs(x)
        bad = (x != 0) & ((a < self.keep_lo - tol) | (a > self.keep_hi + tol) | ~np.isfinite(x))
        n = int(bad.sum())
        if not n:
            return None
        sample = ", ".join(_g(float(v)) for v in x[bad][:3])
        return (f"{n} of {x.size} entries are neither 0 nor of magnitude in [{_g(self.keep_lo)}, "
                f"{_g(self.keep_hi)}] (e.g. {sample})")

    @classmethod
    def pooled(cls, z: np.ndarray, raw: np.ndarray, laws: list[Law], level: float, alpha: float,
               subtests: int, unit: str) -> list[Outcome]:
        law = laws[0]
        assert isinstance(law, MaskedUniform)
        n = raw.size
        zeros = int((raw == 0).sum())
        nonzero = raw[raw != 0]
        mags = (np.abs(nonzero) - law.keep_lo) / (law.keep_hi - law.keep_lo)
        positives = int((nonzero > 0).sum())
        d, p_ks = ks_test(np.clip(mags, -1.0, 2.0), "uniform")
        return [
            Outcome(f"Binomial test of the number of zeros (expected a fraction {law.p_zero:.3g})",
                    f"{zeros} zeros ({zeros / max(n, 1):.3g})", n, binom_test(zeros, n, law.p_zero), level, alpha,
                    subtests, unit=unit),
            Outcome(f"KS test of the nonzero magnitudes |w| against U({_g(law.keep_lo)}, {_g(law.keep_hi)})",
                    f"D = {d:.3g}", nonzero.size, p_ks, level, alpha, subtests,
                    f"mean |w| {np.abs(nonzero).mean() if nonzero.size else 0:.3g} (expected "
                    f"{(law.keep_lo + law.keep_hi) / 2:.3g})", unit),
            Outcome("Binomial test of the signs of the nonzero entries (expected half positive)",
                    f"{positives} positive", nonzero.size, binom_test(positives, nonzero.size, 0.5), level, alpha,
                    subtests, unit=unit),
        ]
