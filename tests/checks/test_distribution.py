"""The goodness-of-fit machinery: p-values against scipy.stats, exact and pooled sub-tests,
the Bonferroni split, and the false-alarm rate measured on data drawn from the law itself."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from grader.checks.distribution import (Constant, MaskedUniform, Normal, Unchanged, Uniform, Zero, binom_test,
                                        chi2_two_sided, fit, ks_test)


@pytest.mark.parametrize("n", [100, 2000, 16384])
@pytest.mark.parametrize("scale", [1.0, 1.03, 1.1, 2.0])
def test_ks_two_sided_is_scipys(n, scale):
    x = np.random.default_rng(n).normal(0, scale, n)
    d, p = ks_test(x, "norm")
    ref = stats.kstest(x, "norm")
    assert (d, p) == (pytest.approx(ref.statistic, rel=1e-12), pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300))


@pytest.mark.parametrize("k, n, p", [(60, 100, 0.5), (0, 100, 0.5), (8000, 16384, 0.5), (8400, 16384, 0.5),
                                     (3, 10, 0.3), (5000, 16384, 0.3), (12288, 16384, 0.5)])
def test_binomial_matches_scipy(k, n, p):
    assert binom_test(k, n, p) == pytest.approx(stats.binomtest(k, n, p).pvalue, rel=1e-7, abs=1e-300)


@pytest.mark.parametrize("df", [10, 16384])
@pytest.mark.parametrize("ratio", [0.9, 0.97, 1.0, 1.02, 1.05])
def test_chi2_matches_scipy(df, ratio):
    s = df * ratio
    want = min(1.0, 2 * min(stats.chi2.cdf(s, df), stats.chi2.sf(s, df)))
    assert chi2_two_sided(s, df) == pytest.approx(want, rel=1e-7, abs=1e-300)


def test_exact_laws():
    x = np.array([0.0, 0.0, 0.5])
    assert "1 of 3 entries differ from 0" in str(Zero().exact(x, None))
    assert Constant(2.5).exact(np.full(4, 2.5, dtype=np.float32).astype(np.float64), None) is None
    assert Unchanged().exact(x, x.copy()) is None
    assert "1 of 3 entries changed (e.g. from 0.5 to 0.7)" in str(Unchanged().exact(np.array([0, 0, 0.7]), x))
    assert "2 of 3 entries lie outside" in str(Uniform(-0.1, 0.1).exact(np.array([0.05, 0.2, -0.3]), None))
    assert MaskedUniform(10, 5, 10).exact(np.array([0.0, 5.0, -9.9, 10.0]), None) is None
    assert "neither 0 nor" in str(MaskedUniform(10, 5, 10).exact(np.array([0.0, 4.0]), None))


def test_bonferroni_split_and_message():
    rng = np.random.default_rng(1)
    report = fit([(Normal(0.01), rng.normal(0, 0.01, 4000), None, "a"),
                  (MaskedUniform(10, 5, 10), _masked(rng, 4000), None, "b")], alpha=1e-6, unit="weights")
    assert report.passed and report.subtests == 5
    assert all(o.level == pytest.approx(2e-7) for o in report.outcomes)
    bad = fit([(Normal(0.01), rng.normal(0, 0.1, 20480), None, "w"), (Zero(hint="zero it"), np.ones(3), None, "b")],
              alpha=1e-6, unit="weights")
    lines = bad.failures()
    assert lines[0] == "b: expected zeros, but 3 of 3 entries differ from 0 (e.g. 1, 1, 1)."
    assert "KS test against N(0, 0.01²): D = 0.4" in lines[1]
    assert "on 20480 weights, p < 1e-300 < 5e-07 (false-alarm rate of this check: 1e-06, split over 2 sub-tests)" \
        in lines[1]
    assert "sample std 0.0" in lines[1] and "expected mean 0, std 0.01" in lines[1]
    assert bad.hints() == ["zero it"]


def _masked(rng: np.random.Generator, n: int) -> np.ndarray:
    w = rng.uniform(-10, 10, n)
    return w * (np.abs(w) >= 5)


@pytest.mark.parametrize("law, draw", [
    (Normal(0.01), lambda rng, n: rng.normal(0, 0.01, n)),
    (Uniform(-0.3, 0.3), lambda rng, n: rng.uniform(-0.3, 0.3, n)),
    (MaskedUniform(10, 5, 10), _masked),
], ids=["normal", "uniform", "masked"])
def test_false_alarm_rate_is_at_most_alpha(law, draw):
    """At alpha = 0.05, 1000 checks on data drawn from the law itself fail about 5 % of the time or
    less (the KS p-value is conservative): at most 72 (the 99.99 % quantile of Binomial(1000, 0.05))."""
    rng = np.random.default_rng(7)
    alarms = sum(not fit([(law, draw(rng, 400), None, "w")], alpha=0.05).passed for _ in range(1000))
    assert alarms <= 72
