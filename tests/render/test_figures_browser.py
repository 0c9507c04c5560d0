"""The report's pictures render in a real browser (headless Chromium; skipped when it is missing,
failed instead under GRADER_REQUIRE_BROWSER=1).

Real buggy submissions are graded: ``init_normal`` with std 0.1 instead of 0.01 (a histogram
of the weights against N(0, 0.01²)) and an MLP without its ReLU (a heat map of
|expected − got|). A small script injected into the page writes each ``svg.figure``'s
rendered box into the DOM, which ``--dump-dom`` returns.
"""
from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from grader.render import write_html
from grader.results import RunResult
from tests.browser import chromium, dump_dom, png_size, screenshot
from tests.conftest import ROOT, check

_MEASURE = """<script>
document.querySelectorAll("svg.figure").forEach(function (svg) {
  function box(el) { if (!el) return null; var b = el.getBoundingClientRect(); return [b.width, b.height]; }
  var out = document.createElement("pre");
  out.className = "measured";
  out.textContent = JSON.stringify({
    check: svg.closest("[data-check]").getAttribute("data-check"),
    kind: svg.classList[1],
    box: box(svg),
    plot: box(svg.querySelector("polyline.curve") || svg.querySelector("g.cells")),
    bars: svg.querySelectorAll("g.bars rect, g.cells rect").length,
    text: Array.prototype.map.call(svg.querySelectorAll("text"), function (t) { return t.textContent; }).join("\\n")
  });
  document.body.appendChild(out);
});
</script>"""


def _variant(rel: str, old: str, new: str) -> str:
    text = (ROOT / "solutions" / rel).read_text()
    assert old in text, f"{old!r} not in solutions/{rel}"
    return text.replace(old, new)


@pytest.fixture
def buggy_run(grade_files: Any) -> RunResult:
    """One run of two exercises, each with one classic bug that a figure shows."""
    chromium()  # skip before grading when there is no browser
    init = grade_files({"parameters/init.py": _variant(
        "parameters/init.py", "nn.init.normal_(m.weight, mean=0.0, std=0.01)",
        "nn.init.normal_(m.weight, mean=0.0, std=0.1)")}, "parameters/init")
    mlp = grade_files({"model_construction/mlp.py": _variant(
        "model_construction/mlp.py", "self.output(F.relu(self.hidden(X)))", "self.output(self.hidden(X))")},
        "model_construction/mlp")
    return dataclasses.replace(init, exercises=init.exercises + mlp.exercises)


def _measured(dom: str) -> list[dict[str, Any]]:
    return [json.loads(html.unescape(m)) for m in re.findall(r'<pre class="measured">(.*?)</pre>', dom, re.S)]


def test_figures_have_a_rendered_size_in_chromium(buggy_run: RunResult, tmp_path: Path) -> None:
    normal = check(buggy_run, "parameters/init", "init_normal")
    forward = check(buggy_run, "model_construction/mlp", "forward")
    assert normal.figure is not None and normal.figure["kind"] == "histogram"
    assert forward.figure is not None and forward.figure["kind"] == "heatmap"
    page = write_html(buggy_run, tmp_path / "report.html")
    (tmp_path / "measured.html").write_text(page.read_text().replace("</body>", _MEASURE + "</body>"))
    figures = {f["check"]: f for f in _measured(dump_dom(tmp_path / "measured.html", tmp_path, budget_ms=2000))}
    with_figure = {c.name for c in buggy_run.checks if c.figure is not None}
    assert set(figures) == with_figure and {normal.name, forward.name} <= with_figure

    hist = figures[normal.name]
    assert hist["kind"] == "histogram" and hist["box"][0] > 300 and hist["box"][1] > 150
    assert hist["plot"][0] > 0 and hist["plot"][1] > 0, "the expected density is drawn"
    assert hist["bars"] >= 10
    assert "N(0, 0.01²)" in hist["text"] and "KS test: D = 0.4" in hist["text"] and "p < 1e-300" in hist["text"]

    heat = figures[forward.name]
    assert heat["kind"] == "heatmap" and heat["box"][0] > 300 and heat["box"][1] > 100
    assert heat["plot"][0] > 0 and heat["plot"][1] > 0
    assert heat["bars"] == forward.figure["rows"] * forward.figure["cols"]
    assert f"max |expected − got| = {forward.figure['max_text']}" in heat["text"]


def test_report_with_figures_screenshots(buggy_run: RunResult, tmp_path: Path) -> None:
    page = write_html(buggy_run, tmp_path / "report.html")
    data = screenshot(page, tmp_path / "report.png", size=(1200, 3000))
    assert png_size(data) == (1200, 3000) and len(data) > 60_000
