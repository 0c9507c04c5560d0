"""Starting a confined worker stays cheap (DESIGN.md: about 10-20 ms from the warm fork server).

The bound here is loose (a loaded CI machine); ``benchmarks/bench_sandbox.py`` measures it.
"""
from __future__ import annotations

import statistics
import time

from grader.sandbox.limits import Limits


def test_a_confined_worker_starts_in_milliseconds(pool, tmp_path):
    pool.start(submission_root=tmp_path, limits=Limits()).close()
    costs = []
    for _ in range(15):
        t0 = time.perf_counter()
        worker = pool.start(submission_root=tmp_path, limits=Limits())
        costs.append(time.perf_counter() - t0)
        worker.close()
    assert statistics.median(costs) < 0.08, costs
