"""The Dask executor gives the same results as local job processes (skipped without Dask)."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch import DaskExecutor, run_batch
from grader.batch.job import close_pools
from tests.batch.conftest import SEED, TARGET, comparable

distributed = pytest.importorskip("distributed")


def test_dask_results_equal_the_local_run(class_dir: Path, clean_run: tuple[Path, object], tmp_path: Path) -> None:
    clean_out, _ = clean_run
    out = tmp_path / "graded"
    try:
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, host="127.0.0.1",
                                      protocol="tcp", dashboard_address=None) as cluster:
            result = run_batch(class_dir, out, seed=SEED, target=TARGET,
                               executor=DaskExecutor(cluster.scheduler_address))
    finally:
        close_pools()  # the Dask worker ran in this process: stop the fork server it started
    assert result.exit_code == 0
    assert result.executor.startswith("dask")
    assert comparable(out) == comparable(clean_out)
