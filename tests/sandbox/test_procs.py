"""Positive controls for :func:`tests.sandbox.procs.survivors`, the scan behind every "no process
the submission started is still alive" assertion: it finds a live process marked either way."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

from tests.sandbox.procs import MARK_SOURCE, survivors

SLEEP = "import time; time.sleep(60)"


def _marker() -> str:
    return "ctl" + uuid.uuid4().hex[:12]


def test_finds_a_process_marked_in_its_environment():
    marker = _marker()
    proc = subprocess.Popen([sys.executable, "-c", SLEEP], env={**os.environ, "ADVERSARIAL_MARK": marker})
    try:
        assert survivors(marker, wait=0) == [proc.pid]
    finally:
        proc.kill()
        proc.wait()
    assert survivors(marker, wait=0) == []


def test_finds_a_process_marked_by_its_name():
    """``MARK_SOURCE`` (what every attack starts with) renames the process; its environment
    as the kernel shows it stays unmarked, so this finds it by ``comm`` alone."""
    marker = _marker()
    env = {k: v for k, v in os.environ.items() if k != "ADVERSARIAL_MARK"}
    source = MARK_SOURCE.format(marker=marker) + "\nprint('marked', flush=True)\n" + SLEEP
    proc = subprocess.Popen([sys.executable, "-c", source], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "marked"  # the child has renamed itself
        assert survivors(marker, wait=0) == [proc.pid]
    finally:
        proc.kill()
        proc.wait()
    assert survivors(marker, wait=0) == []


def test_a_dead_unreaped_process_is_not_a_survivor():
    marker = _marker()
    proc = subprocess.Popen([sys.executable, "-c", SLEEP], env={**os.environ, "ADVERSARIAL_MARK": marker})
    try:
        assert survivors(marker, wait=0) == [proc.pid]
        proc.kill()
        assert survivors(marker, wait=5) == []  # a zombie until reaped below: dead, not a survivor
    finally:
        proc.kill()
        proc.wait()
