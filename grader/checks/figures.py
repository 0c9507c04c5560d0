"""Pictures for failures: plain JSON-able data that the HTML report draws as inline SVG.

A figure is a ``dict`` of strings, numbers and lists (no arrays, no tensors),
carried by :class:`~grader.checks.base.Failure` into
:class:`~grader.results.CheckResult` and drawn by the report template
(``grader/render/templates/figures.html.j2``). Two kinds:

- ``"histogram"`` (:func:`histogram_figure`, :func:`init_figure`): the
  student's initialized weights against the expected density, with the
  pooled tests' statistics and p-values;
- ``"heatmap"`` (:func:`difference_figure`): ``|expected - got|`` of a
  forward output, as block maxima of at most 32×32 cells.

Builders never raise on odd data: they return ``None`` when there is nothing
sensible to draw, so a figure can never turn a failure into a grader fault.

Example:
    >>> import json
    >>> f = histogram_figure(np.linspace(-1, 1, 101), expected=("normal", 0.0, 1.0), title="w")
    >>> f["kind"], len(f["density"]) == len(f["edges"]) - 1
    ('histogram', True)
    >>> json.loads(json.dumps(f)) == f
    True
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from grader.checks.distribution import Law, Normal, Outcome, Report, Uniform

__all__ = ["nice_ticks", "histogram_figure", "init_figure", "difference_figure", "block_max"]

Figure = dict[str, Any]

#: How many bins a histogram has, and how many points draw the expected density.
BINS = 40
CURVE_POINTS = 241
#: The most cells a heat map has along each side.
MAX_CELLS = 32


def _r(v: float) -> float:
    """``v`` rounded to 6 significant digits (keeps the page small).

    Example:
        >>> _r(0.123456789), _r(-0.0)
        (0.123457, 0.0)
    """
    return float(f"{v:.6g}") + 0.0


def _num(v: float) -> str:
    """A short label for a number.

    Example:
        >>> _num(0.25), _num(1e-17), _num(12345.0), _num(-0.03)
        ('0.25', '0', '1.23e+04', '-0.03')
    """
    return "0" if abs(v) < 1e-12 else f"{v:.3g}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[list[Any]]:
    """About ``count`` round tick values in ``[lo, hi]``, each as ``[value, label]``.

    Example:
        >>> [t[1] for t in nice_ticks(-0.33, 0.31)]
        ['-0.3', '-0.2', '-0.1', '0', '0.1', '0.2', '0.3']
        >>> [t[1] for t in nice_ticks(0, 41.7, 4)]
        ['0', '10', '20', '30', '40']
        >>> nice_ticks(2.0, 2.0)
        [[2.0, '2']]
    """
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return [[_r(lo), _num(lo)]]
    raw = span / max(count, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10)), key=lambda s: abs(math.log(s / raw)))
    ticks = []
    k = math.ceil(lo / step - 1e-9)
    while k * step <= hi + step * 1e-9:
        v = float(f"{k * step:.12g}")
        ticks.append([_r(v), _num(v)])
        k += 1
    return ticks


def _density(kind: str, a: float, b: float, x: np.ndarray) -> np.ndarray:
    """The density of ``N(a, b²)`` (``kind="normal"``) or ``U(a, b)`` (``"uniform"``) at ``x``."""
    if kind == "normal":
        return np.exp(-0.5 * ((x - a) / b) ** 2) / (b * math.sqrt(2 * math.pi))
    return np.where((x >= a) & (x <= b), 1.0 / (b - a), 0.0)


def histogram_figure(values: Any, *, expected: tuple[str, float, float], title: str, x_label: str = "value",
                     curve_label: str = "", notes: Sequence[str] = (), bins: int = BINS) -> Figure | None:
    """A histogram (as a density) of ``values`` with the expected density drawn over it.

    ``expected`` is ``("normal", mean, std)`` or ``("uniform", low, high)``. The plotted range
    covers the law's bulk and the values, but for far-off outliers beyond the middle 99.8%:
    those (and values that are not finite) are counted in a note.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> f = histogram_figure(rng.normal(0, 0.1, 5000), expected=("normal", 0.0, 0.01), title="t",
        ...                      notes=["KS test: D = 0.4, p < 1e-300"])
        >>> f["x_range"][0] < -0.25 and f["x_range"][1] > 0.25   # the values' range, not the law's
        True
        >>> round(max(y for _, y in f["curve"]))   # the N(0, 0.01²) peak: 1 / (0.01 sqrt(2 pi))
        40
        >>> f["y_max"] >= 39.89, f["notes"]
        (True, ['KS test: D = 0.4, p < 1e-300'])
        >>> histogram_figure([], expected=("uniform", 0.0, 1.0), title="t") is None
        True
    """
    kind, a, b = expected
    if kind not in ("normal", "uniform") or not (math.isfinite(a) and math.isfinite(b)):
        return None
    if (kind == "normal" and not b > 0) or (kind == "uniform" and not b > a):
        return None
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return None
    if kind == "normal":
        lo, hi = a - 4 * b, a + 4 * b
    else:
        pad = 0.1 * (b - a)
        lo, hi = a - pad, b + pad
    q_lo, q_hi = (float(v) for v in np.quantile(finite, [0.001, 0.999]))
    reach = 0.5 * (q_hi - q_lo)  # the extremes too, unless they are far-off outliers
    q_lo = float(finite.min()) if q_lo - finite.min() <= reach else q_lo
    q_hi = float(finite.max()) if finite.max() - q_hi <= reach else q_hi
    lo, hi = min(lo, q_lo), max(hi, q_hi)
    edges = np.linspace(lo, hi, bins + 1)
    counts, _ = np.histogram(finite, bins=edges)
    density = counts / (finite.size * (edges[1] - edges[0]))
    grid = np.linspace(lo, hi, CURVE_POINTS)
    if kind == "uniform":  # the step's corners exactly
        extra_points = np.array([a, np.nextafter(a, -np.inf), b, np.nextafter(b, np.inf)])
    else:  # the bell in fine steps, however narrow it is next to the values
        extra_points = a + b * np.linspace(-4, 4, 65)
    grid = np.unique(np.concatenate([grid, extra_points]))
    grid = grid[(grid >= lo) & (grid <= hi)]
    curve = _density(kind, a, b, grid)
    y_max = float(max(density.max(), curve.max())) * 1.08
    outside = int(((finite < lo) | (finite > hi)).sum())
    extra = [f"{outside} of {x.size} values lie outside the plotted range"] if outside else []
    if finite.size < x.size:
        extra.append(f"{x.size - finite.size} of {x.size} values are not finite (not drawn)")
    return {
        "kind": "histogram",
        "title": title,
        "x_label": x_label,
        "curve_label": curve_label,
        "n": int(x.size),
        "x_range": [_r(lo), _r(hi)],
        "y_max": _r(y_max),
        "edges": [_r(v) for v in edges],
        "density": [_r(v) for v in density],
        "curve": [[_r(u), _r(v)] for u, v in zip(grid, curve)],
        "x_ticks": nice_ticks(lo, hi, 6),
        "y_ticks": nice_ticks(0.0, y_max, 4),
        "notes": [*notes, *extra],
    }


def _p(p: float) -> str:
    """Example:
        >>> _p(0.0), _p(0.0123)
        ('p < 1e-300', 'p = 0.012')
    """
    return "p < 1e-300" if p < 1e-300 else f"p = {p:.2g}"


def outcome_note(o: Outcome) -> str:
    """One short line for a pooled sub-test: its name, statistic and p-value, and the verdict.

    Example:
        >>> o = Outcome("KS test against N(0, 0.01²)", "D = 0.413", 2000, 0.0, 5e-7, 1e-6, 2)
        >>> outcome_note(o)
        'KS test: D = 0.413, p < 1e-300 < 5e-07 (fails)'
    """
    verdict = f"< {o.level:.2g} (fails)" if not o.passed else f"≥ {o.level:.2g} (passes)"
    return f"{o.test.split(' against ')[0]}: {o.statistic.split(' (')[0]}, {_p(o.p)} {verdict}"


def _families(laws: Sequence[Law], outcomes: Sequence[Outcome]) -> list[tuple[str, list[Outcome]]]:
    """Each pooled family's key with its outcomes, in the order :func:`~grader.checks.distribution.fit`
    ran them (empty outcome lists when they do not line up).

    Example:
        >>> o = Outcome("KS", "D = 0.1", 10, 0.5, 0.1, 0.1, 3)
        >>> [(k, len(v)) for k, v in _families([Normal(1.0), Uniform(0, 1), Normal(2.0)], [o, o, o])]
        [('Normal', 2), ('Uniform', 1)]
    """
    firsts: dict[str, Law] = {}
    for law in laws:
        if type(law).pooled_tests:
            firsts.setdefault(law.pool_key, law)
    out, i = [], 0
    for key, law in firsts.items():
        n = type(law).pooled_tests
        out.append((key, list(outcomes[i:i + n])))
        i += n
    if i != len(outcomes):
        return [(key, []) for key, _ in out]
    return out


def init_figure(samples: Sequence[tuple[Law, Any]], report: Report, *, unit: str = "values") -> Figure | None:
    """A histogram of the failing family of an initialization check (normal or uniform laws).

    The family is the first one whose pooled test fails (else the first one with a failing law).
    When every tensor of the family has the same law the raw values are drawn with that law's
    density; otherwise the values are standardized by their own law and drawn with N(0, 1) or
    U(0, 1). The family's tests are written on the figure.

    Example:
        >>> from grader.checks.distribution import fit
        >>> rng = np.random.default_rng(1)
        >>> samples = [(Normal(0.01), rng.normal(0, 0.1, 3000))]
        >>> report = fit([(law, x, None, "w") for law, x in samples], alpha=1e-6)
        >>> f = init_figure(samples, report, unit="weights")
        >>> f["title"]
        'Your weights (3000) vs the expected N(0, 0.01²)'
        >>> f["notes"][0].startswith("KS test: D = 0.")
        True
        >>> samples += [(Normal(0.02), rng.normal(0, 0.2, 1000))]
        >>> report = fit([(law, x, None, "w") for law, x in samples], alpha=1e-6)
        >>> init_figure(samples, report, unit="weights")["x_label"]
        '(w − mean) / std of each tensor'
        >>> init_figure([(Normal(1.0), np.zeros(3))], fit([(Normal(1.0), np.zeros(3), None, "")])) is None
        False
    """
    try:
        return _init_figure(samples, report, unit)
    except Exception:  # noqa: BLE001 - a picture must never break a failure
        return None


def _init_figure(samples: Sequence[tuple[Law, Any]], report: Report, unit: str) -> Figure | None:
    laws = [law for law, _ in samples]
    families = _families(laws, report.outcomes)
    failing_keys = [law.pool_key for law in report.failing_laws]
    chosen = next((k for k, found in families if any(not o.passed for o in found)), None)
    if chosen is None:
        chosen = next((k for k in failing_keys if k in dict(families)), None)
    if chosen not in ("Normal", "Uniform"):
        return None
    members = [(law, np.asarray(x, dtype=np.float64).reshape(-1)) for law, x in samples if law.pool_key == chosen]
    first = members[0][0]
    notes = [outcome_note(o) for o in dict(families)[chosen]]
    size = sum(x.size for _, x in members)
    what = f"Your {unit} ({size}" + (f", pooled over {len(members)} tensors)" if len(members) > 1 else ")")
    if all(law == first for law, _ in members):
        values = np.concatenate([x for _, x in members])
        label = first.label()
        if isinstance(first, Normal):
            expected = ("normal", first.mean, first.std)
        else:
            assert isinstance(first, Uniform)
            expected = ("uniform", first.low, first.high)
        x_label = "value"
    else:
        values = np.concatenate([law.standardize(x) for law, x in members])
        if isinstance(first, Normal):
            expected, label, x_label = ("normal", 0.0, 1.0), "N(0, 1)", "(w − mean) / std of each tensor"
        else:
            expected, label, x_label = ("uniform", 0.0, 1.0), "U(0, 1)", "(w − low) / (high − low) of each tensor"
    return histogram_figure(values, expected=expected, title=f"{what} vs the expected {label}", x_label=x_label,
                            curve_label=f"expected {label}", notes=notes)


def block_max(d: np.ndarray, max_cells: int = MAX_CELLS) -> tuple[np.ndarray, tuple[int, int]]:
    """``d`` (2-D) shrunk to at most ``max_cells`` per side by taking the maximum of each block
    (NaN in a block makes it NaN); returns the shrunk array and the block size.

    Example:
        >>> m, block = block_max(np.arange(12.0).reshape(3, 4), max_cells=2)
        >>> m.tolist(), block
        ([[5.0, 7.0], [9.0, 11.0]], (2, 2))
    """
    rows, cols = d.shape
    br, bc = math.ceil(rows / max_cells), math.ceil(cols / max_cells)
    nr, nc = math.ceil(rows / br), math.ceil(cols / bc)
    padded = np.full((nr * br, nc * bc), -np.inf)
    padded[:rows, :cols] = d
    return padded.reshape(nr, br, nc, bc).max(axis=(1, 3)), (br, bc)


def _as_float(x: Any) -> np.ndarray | None:
    """``x`` as float64 (complex128) NumPy values: a NumPy array, or a framework tensor read through its
    own methods (no framework is imported here); None for anything else, and for tensors without data."""
    if isinstance(x, np.ndarray):
        return x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)
    if not hasattr(x, "detach") or getattr(getattr(x, "device", None), "type", "") == "meta":
        return None
    t = x.detach().cpu()
    return (t.cdouble() if t.is_complex() else t.double()).numpy()


def difference_figure(expected: Any, got: Any, *, max_cells: int = MAX_CELLS) -> Figure | None:
    """A heat map of ``|expected - got|`` for two arrays (NumPy arrays, or tensors) of the same shape
    with 2 or more dimensions, seen as (first dimension, the rest flattened); ``None`` otherwise.
    Cells where exactly one side is not finite (or both are, but differ) are ``None`` ("not finite").

    Example:
        >>> e = np.zeros((4, 3, 2)); g = e.copy(); g[2, 1, 0] = 0.5; g[0, 0, 1] = float("nan")
        >>> f = difference_figure(e, g)
        >>> f["shape"], f["matrix"], f["rows"], f["cols"], f["max"], f["argmax"]
        ([4, 3, 2], [4, 6], 4, 6, 0.5, [2, 1, 0])
        >>> f["cells"][0][1], f["cells"][2][2], f["notes"]
        (None, 0.5, ['1 entry is not finite on one side only (drawn black)'])
        >>> difference_figure(np.zeros(3), np.ones(3)) is None    # 1-D: no picture
        True
        >>> difference_figure(np.zeros((2, 2)), np.zeros((2, 3))) is None
        True
        >>> big = difference_figure(np.zeros((100, 70)), np.ones((100, 70)))
        >>> big["rows"], big["cols"], big["block"], big["notes"]
        (25, 24, [4, 3], ['each cell is the largest of a 4×3 block of entries'])
    """
    try:
        e, g = _as_float(expected), _as_float(got)
        if e is None or g is None or e.shape != g.shape or e.ndim < 2 or e.size == 0:
            return None
        with np.errstate(invalid="ignore"):
            diff = np.abs(e - g)
        same = (e == g) | (np.isnan(e) & np.isnan(g))
    except Exception:  # noqa: BLE001 - a picture must never break a failure
        return None
    shape = [int(n) for n in e.shape]
    diff = np.where(same, 0.0, diff).reshape(shape[0], -1)
    bad = ~np.isfinite(diff)
    finite = np.where(bad, 0.0, diff)
    cells, block = block_max(finite, max_cells)
    bad_cells, _ = block_max(bad.astype(np.float64), max_cells)
    peak = float(finite.max())
    where = [int(i) for i in np.unravel_index(int(np.argmax(finite)), shape)]
    notes = [f"each cell is the largest of a {block[0]}×{block[1]} block of entries"] if block != (1, 1) else []
    if bad.any():
        n = int(bad.sum())
        notes.append(f"{n} {'entry is' if n == 1 else 'entries are'} not finite on one side only (drawn black)")
    rest = "×".join(map(str, shape[1:]))
    return {
        "kind": "heatmap",
        "title": f"|expected − got| of the output, shape {tuple(shape)}",
        "shape": shape,
        "matrix": [int(diff.shape[0]), int(diff.shape[1])],
        "rows": int(cells.shape[0]),
        "cols": int(cells.shape[1]),
        "block": [int(block[0]), int(block[1])],
        "cells": [[None if b > 0 else _r(v) for v, b in zip(row, brow)] for row, brow in zip(cells, bad_cells)],
        "max": _r(peak),
        "max_text": _num(peak),
        "argmax": where,
        "y_label": f"dim 0 ({shape[0]})",
        "x_label": f"dims 1… flattened ({rest} = {diff.shape[1]})" if len(shape) > 2 else f"dim 1 ({shape[1]})",
        "notes": notes,
    }
