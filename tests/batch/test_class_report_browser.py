"""The class report renders in a real browser (headless Chromium; skipped when it is missing,
failed instead under GRADER_REQUIRE_BROWSER=1)."""
from __future__ import annotations

import re
from pathlib import Path

from tests.browser import dump_dom, png_size, screenshot


def test_index_renders_in_chromium(clean_run: tuple[Path, object], tmp_path: Path) -> None:
    out, _ = clean_run
    data = screenshot(out / "index.html", tmp_path / "index.png")
    assert png_size(data) == (1200, 2000)
    assert len(data) > 30_000, "a blank page compresses to a few kB; the report has text, bars and a table"


def test_student_table_sorts_in_chromium(clean_run: tuple[Path, object], tmp_path: Path) -> None:
    """Clicking the Total header twice sorts the students by decreasing score (the inline script)."""
    out, _ = clean_run
    page = (out / "index.html").read_text()
    click = '<script>var th = document.querySelectorAll("#students-table th")[1]; th.click(); th.click();</script>'
    (tmp_path / "sorted.html").write_text(page.replace("</body>", click + "</body>"))
    dom = dump_dom(tmp_path / "sorted.html", tmp_path)
    order = re.findall(r'<tr data-student="([^"]+)"', dom)
    scores = {s: float(re.search(rf'data-student="{s}".*?data-v="([0-9.]+)"', page, re.S).group(1)) for s in order}
    assert len(order) == 8 and [scores[s] for s in order] == sorted(scores.values(), reverse=True)
