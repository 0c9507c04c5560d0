"""Unit tests of the figure builders (grader.checks.figures) and of how a figure travels:
Failure → CheckResult → HTML (inline SVG), never into results.json."""
from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from grader.checks.base import Failure
from grader.checks.distribution import Normal, Outcome, Uniform, Zero, fit
from grader.checks.figures import (
    block_max,
    difference_figure,
    histogram_figure,
    init_figure,
    nice_ticks,
    outcome_note,
)
from grader.render import gradescope_dict, render_html
from grader.results import CheckResult, ExerciseResult, RunResult, Status


def _plain(value: Any) -> bool:
    """Only JSON's own types, and finite numbers."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (str, int, bool))


def _report(samples: list[tuple[Any, np.ndarray]]) -> Any:
    return fit([(law, x, None, "w") for law, x in samples], alpha=1e-6, unit="weights")


# -- ticks and histograms -------------------------------------------------------------------

@pytest.mark.parametrize("lo, hi", [(-0.33, 0.31), (0.0, 41.7), (-4.0, 4.0), (1e-5, 3e-5), (-250.0, 17.0)])
def test_ticks_are_round_ordered_and_inside(lo: float, hi: float) -> None:
    ticks = nice_ticks(lo, hi)
    values = [v for v, _ in ticks]
    assert 3 <= len(ticks) <= 11
    assert values == sorted(values) and lo - 1e-12 <= values[0] and values[-1] <= hi + 1e-12
    steps = {round(b - a, 12) for a, b in zip(values, values[1:])}
    assert len({f"{s:.6g}" for s in steps}) == 1


def test_histogram_is_a_density_with_the_expected_curve() -> None:
    rng = np.random.default_rng(0)
    f = histogram_figure(rng.normal(0.0, 1.0, 20000), expected=("normal", 0.0, 1.0), title="t")
    assert f is not None and _plain(f)
    widths = np.diff(f["edges"])
    assert sum(np.array(f["density"]) * widths) == pytest.approx(1.0, abs=0.01)
    assert max(y for _, y in f["curve"]) == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-3)
    assert f["y_max"] >= max(f["density"])
    assert f["x_range"][0] <= -3.5 and f["x_range"][1] >= 3.5


def test_histogram_range_covers_the_law_and_the_values() -> None:
    narrow = histogram_figure(np.full(100, 0.5), expected=("uniform", -2.0, 2.0), title="t")
    assert narrow is not None and narrow["x_range"][0] <= -2.0 and narrow["x_range"][1] >= 2.0
    wide = histogram_figure(np.linspace(-50, 50, 1000), expected=("normal", 0.0, 1.0), title="t")
    assert wide is not None and wide["x_range"] == [-50.0, 50.0] and not wide["notes"]


def test_uniform_curve_is_a_step_with_exact_corners() -> None:
    f = histogram_figure(np.linspace(-1, 1, 500), expected=("uniform", -0.5, 0.5), title="t")
    assert f is not None
    inside = [y for x, y in f["curve"] if -0.5 < x < 0.5]
    outside = [y for x, y in f["curve"] if x < -0.5 or x > 0.5]
    assert set(inside) == {1.0} and set(outside) == {0.0}
    for corner in (-0.5, 0.5):  # a vertical edge: both heights at the bound
        assert {y for x, y in f["curve"] if x == corner} == {0.0, 1.0}


def test_outliers_and_non_finite_values_are_noted_not_drawn() -> None:
    x = np.concatenate([np.random.default_rng(1).normal(0, 1, 5000), [1e6, np.nan, np.inf]])
    f = histogram_figure(x, expected=("normal", 0.0, 1.0), title="t")
    assert f is not None and _plain(f) and f["x_range"][1] < 100
    assert any("outside the plotted range" in n for n in f["notes"])
    assert "2 of 5003 values are not finite (not drawn)" in f["notes"]


@pytest.mark.parametrize("values, expected", [
    ([], ("normal", 0.0, 1.0)), ([np.nan], ("normal", 0.0, 1.0)), ([1.0], ("normal", 0.0, 0.0)),
    ([1.0], ("uniform", 1.0, 1.0)), ([1.0], ("cauchy", 0.0, 1.0)),
])
def test_nothing_to_draw_is_none(values: list[float], expected: tuple[str, float, float]) -> None:
    assert histogram_figure(values, expected=expected, title="t") is None


# -- the init figure -----------------------------------------------------------------------

def test_one_law_draws_raw_values_with_its_density_and_the_tests() -> None:
    rng = np.random.default_rng(2)
    samples = [(Normal(0.01), rng.normal(0, 0.1, 2048)), (Normal(0.01), rng.normal(0, 0.1, 512)),
               (Zero(), np.zeros(32))]
    f = init_figure(samples, _report(samples), unit="weights")
    assert f is not None and _plain(f) and json.loads(json.dumps(f)) == f
    assert f["title"] == "Your weights (2560, pooled over 2 tensors) vs the expected N(0, 0.01²)"
    assert f["x_label"] == "value" and f["curve_label"] == "expected N(0, 0.01²)"
    assert max(y for _, y in f["curve"]) == pytest.approx(39.89, rel=1e-3)
    assert f["x_range"][1] > 0.3   # the student's values, ten times wider than the law
    assert [n.split(":")[0] for n in f["notes"]] == ["KS test", "Chi-square test of the variance"]
    assert all("p < 1e-300" in n and "(fails)" in n for n in f["notes"])


def test_several_laws_are_standardized() -> None:
    rng = np.random.default_rng(3)
    samples = [(Uniform(-0.3, 0.3), rng.uniform(-0.6, 0.6, 3000)), (Uniform(-0.1, 0.1), rng.uniform(-0.2, 0.2, 1000))]
    f = init_figure(samples, _report(samples), unit="weights")
    assert f is not None and f["x_label"] == "(w − low) / (high − low) of each tensor"
    assert f["curve_label"] == "expected U(0, 1)"
    assert f["x_range"][0] < -0.4 and f["x_range"][1] > 1.4
    assert len(f["notes"]) == 1 and f["notes"][0].startswith("KS test: D = ")


def test_the_failing_family_is_drawn_not_the_first() -> None:
    rng = np.random.default_rng(4)
    samples = [(Normal(1.0), rng.normal(0, 1.0, 2000)), (Uniform(0, 1), rng.uniform(0, 3, 2000))]
    report = _report(samples)
    assert [o.passed for o in report.outcomes] == [True, True, False]
    f = init_figure(samples, report)
    assert f is not None and "U(0, 1)" in f["title"]


def test_no_figure_for_a_passing_report_or_a_constant_law() -> None:
    rng = np.random.default_rng(5)
    good = [(Normal(1.0), rng.normal(0, 1.0, 2000))]
    assert init_figure(good, _report(good)) is None
    zeros = [(Zero(), np.ones(10))]
    assert init_figure(zeros, _report(zeros)) is None


def test_outcome_note_is_short() -> None:
    o = Outcome("Chi-square test of the variance against N(0, 0.01²)",
                "Σ((w - mean)/std)² = 5.08e+05 (root mean square 10 × the expected std)", 5000, 0.3, 5e-7, 1e-6, 2)
    assert outcome_note(o) == "Chi-square test of the variance: Σ((w - mean)/std)² = 5.08e+05, p = 0.3 ≥ 5e-07 (passes)"


# -- the heat map --------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5, 7), (64, 100), (33, 2, 3), (1000, 1)])
def test_block_max_matches_brute_force(shape: tuple[int, ...]) -> None:
    d = np.random.default_rng(6).random(shape).reshape(shape[0], -1)
    m, (br, bc) = block_max(d, 32)
    assert m.shape[0] <= 32 and m.shape[1] <= 32
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            assert m[i, j] == d[i * br:(i + 1) * br, j * bc:(j + 1) * bc].max()


def test_difference_figure_of_a_missing_relu() -> None:
    x = torch.randn(40, 10, generator=torch.Generator().manual_seed(0))
    f = difference_figure(x, torch.relu(x))
    assert f is not None and _plain(f) and json.loads(json.dumps(f)) == f
    diff = (x - torch.relu(x)).abs()
    assert f["max"] == pytest.approx(float(diff.max()), rel=1e-5)
    assert f["argmax"] == [int(i) for i in np.unravel_index(int(diff.argmax()), (40, 10))]
    assert (f["rows"], f["cols"], f["block"], f["matrix"]) == (20, 10, [2, 1], [40, 10])
    assert all(v is not None and 0 <= v <= f["max"] for row in f["cells"] for v in row)


@pytest.mark.parametrize("expected, got", [
    (torch.zeros(3), torch.ones(3)), (torch.zeros(2, 2), torch.zeros(2, 3)), (torch.zeros(2, 2), [0.0]),
    ((torch.zeros(2, 2),), (torch.ones(2, 2),)), (torch.zeros(0, 3), torch.zeros(0, 3)),
    (torch.zeros(2, 2, device="meta"), torch.zeros(2, 2, device="meta")),
])
def test_no_heat_map_without_two_same_shaped_tensors(expected: Any, got: Any) -> None:
    assert difference_figure(expected, got) is None


def test_heat_map_of_odd_dtypes_and_values() -> None:
    ints = difference_figure(torch.arange(6).reshape(2, 3), torch.zeros(2, 3, dtype=torch.int64))
    assert ints is not None and ints["max"] == 5.0
    cplx = difference_figure(torch.ones(2, 2, dtype=torch.complex64), torch.zeros(2, 2, dtype=torch.complex64))
    assert cplx is not None and cplx["max"] == 1.0
    both_nan = torch.full((2, 2), float("nan"))
    same = difference_figure(both_nan, both_nan.clone())
    assert same is not None and same["max"] == 0.0 and same["notes"] == []
    inf = difference_figure(torch.zeros(2, 2), torch.tensor([[float("inf"), 0.0], [0.0, 1.0]]))
    assert inf is not None and inf["cells"][0][0] is None and inf["max"] == 1.0 and _plain(inf)


# -- travelling: Failure → CheckResult → HTML, not results.json ----------------------------------

def _run(figure: dict[str, Any] | None) -> RunResult:
    c = CheckResult("ex", "c", "works", Status.FAILED, 0.0, 1.0, feedback="differs", figure=figure)
    return RunResult(seed=1, grader_version="0.1.0", submission="s", exercises=(ExerciseResult("ex", "E", (c,)),))


def _figures() -> list[dict[str, Any]]:
    rng = np.random.default_rng(7)
    samples = [(Normal(0.01), rng.normal(0, 0.1, 1000))]
    x = torch.randn(8, 3, 4)
    return [f for f in (init_figure(samples, _report(samples)), difference_figure(x, x + 1)) if f is not None]


def test_failure_carries_a_figure() -> None:
    assert Failure("x").figure is None
    assert Failure("x", figure={"kind": "heatmap"}).figure == {"kind": "heatmap"}


def test_figure_is_not_compared_and_not_in_results_json() -> None:
    (f, _) = _figures()
    with_figure, without = _run(f), _run(None)
    assert with_figure.checks[0] == without.checks[0]
    assert json.dumps(gradescope_dict(with_figure)) == json.dumps(gradescope_dict(without))
    assert "figure" not in json.dumps(gradescope_dict(with_figure))


def test_html_draws_each_figure_as_sized_svg() -> None:
    for f in _figures():
        page = render_html(_run(f))
        svgs = re.findall(r"<svg class=\"figure (\w+)\"[^>]*>", page)
        assert svgs == [f["kind"]]
        tag = re.search(r"<svg class=\"figure[^>]*>", page).group(0)
        w, h = (int(re.search(rf' {a}="(\d+)"', tag).group(1)) for a in ("width", "height"))
        assert f' viewBox="0 0 {w} {h}"' in tag and w > 300 and h > 150
        assert "<script" not in page and "http://www.w3.org/2000/svg" in page
        assert all(not re.search(r'="[^"]*nan', m, re.I) for m in re.findall(r"<[^>]+>", page))


def test_html_escapes_figure_text() -> None:
    (f, _) = _figures()
    page = render_html(_run(dict(f, title="<b>weights</b>")))
    assert "&lt;b&gt;weights&lt;/b&gt;" in page and "<b>weights" not in page


def test_html_without_a_figure_has_no_svg(tmp_path: Path) -> None:
    assert "<svg" not in render_html(_run(None))
    assert dataclasses.fields(CheckResult)[-1].name == "figure"
