"""The class report renders in a real browser (headless Chromium; skipped when it is missing)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_index_renders_in_chromium(clean_run: tuple[Path, object], tmp_path: Path) -> None:
    out, _ = clean_run
    png = tmp_path / "index.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=1200,2000",
                    (out / "index.html").as_uri()], cwd=tmp_path, capture_output=True, timeout=120)
    assert png.is_file()
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 2000)
    assert len(data) > 30_000, "a blank page compresses to a few kB; the report has text, bars and a table"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_student_table_sorts_in_chromium(clean_run: tuple[Path, object], tmp_path: Path) -> None:
    """Clicking the Total header twice sorts the students by decreasing score (the inline script)."""
    out, _ = clean_run
    page = (out / "index.html").read_text()
    click = '<script>var th = document.querySelectorAll("#students-table th")[1]; th.click(); th.click();</script>'
    (tmp_path / "sorted.html").write_text(page.replace("</body>", click + "</body>"))
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", (tmp_path / "sorted.html").as_uri()],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120).stdout
    order = re.findall(r'<tr data-student="([^"]+)"', dom)
    scores = {s: float(re.search(rf'data-student="{s}".*?data-v="([0-9.]+)"', page, re.S).group(1)) for s in order}
    assert len(order) == 8 and [scores[s] for s in order] == sorted(scores.values(), reverse=True)
