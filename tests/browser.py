"""Headless Chromium for the browser tests: found, or the test skips — or fails, when
``GRADER_REQUIRE_BROWSER=1`` (CI sets it, so a missing browser cannot pass silently)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium() -> str:
    """The Chromium executable; skips the test when there is none (fails under GRADER_REQUIRE_BROWSER=1)."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        if os.environ.get("GRADER_REQUIRE_BROWSER") == "1":
            pytest.fail("GRADER_REQUIRE_BROWSER=1 but chromium is not installed")
        pytest.skip("chromium is not installed")
    return found


def screenshot(page: Path, png: Path, *, size: tuple[int, int] = (1200, 2000)) -> bytes:
    """Render ``page`` to ``png`` at ``size``; returns the PNG's bytes."""
    subprocess.run([chromium(), *_FLAGS, f"--user-data-dir={png.parent / 'profile'}", f"--screenshot={png}",
                    f"--window-size={size[0]},{size[1]}", page.as_uri()],
                   cwd=png.parent, capture_output=True, timeout=120)
    assert png.is_file(), "chromium wrote no screenshot"
    return png.read_bytes()


def dump_dom(page: Path, workdir: Path, *, budget_ms: int | None = None) -> str:
    """The DOM of ``page`` after its scripts ran (``--dump-dom``)."""
    extra = [f"--virtual-time-budget={budget_ms}"] if budget_ms else []
    return subprocess.run([chromium(), *_FLAGS, *extra, f"--user-data-dir={workdir / 'profile'}", "--dump-dom",
                           page.as_uri()], cwd=workdir, capture_output=True, text=True, timeout=120).stdout


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
