"""Benchmark: grading time of one submission beside a bare ``import torch``.

Measures, in one run and on this machine:
- ``python -c "import torch"`` (the floor every PyTorch tool pays);
- ``grade exercise <target> --submission solutions`` as a fresh process (what a
  student waits for), for each target given (default: every topic, then ``all``);
- the cost of starting one worker from the warm fork server.

Usage:
    python benchmarks/bench_grade.py [--repeat 3] [--target model_construction --target all]

Targets: 3x the bare import for one topic, 10x for the whole chapter.

Prints a table and writes benchmarks/results/grade.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _time_command(cmd: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return times


def _worker_start_cost(n: int = 20) -> list[float]:
    sys.path.insert(0, str(ROOT))
    from grader.sandbox.client import WorkerPool
    from grader.sandbox.limits import Limits

    with WorkerPool() as pool:
        pool.start(submission_root=ROOT / "solutions", limits=Limits()).close()  # fork server warm
        costs = []
        for _ in range(n):
            t0 = time.perf_counter()
            worker = pool.start(submission_root=ROOT / "solutions", limits=Limits())
            costs.append(time.perf_counter() - t0)
            worker.close()
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target", action="append")
    args = parser.parse_args()
    if args.target:
        targets = args.target
    else:
        sys.path.insert(0, str(ROOT))
        from grader.catalog import topics

        targets = [*topics(), "all"]
    grade = str(Path(sys.executable).with_name("grade"))
    torch_times = _time_command([sys.executable, "-c", "import torch"], args.repeat)
    floor = statistics.median(torch_times)
    rows = [("python -c 'import torch'", floor, 1.0)]
    report: dict[str, object] = {"import_torch_s": torch_times, "targets": {}}
    for target in targets:
        times = _time_command([grade, "exercise", target, "--submission", "solutions", "--seed", "1",
                               "--html", "/tmp/bench-report.html"], args.repeat)
        med = statistics.median(times)
        rows.append((f"grade exercise {target}", med, med / floor))
        report["targets"][target] = {"times_s": times, "median_s": med, "ratio_to_import_torch": med / floor}  # type: ignore[index]
    starts = _worker_start_cost()
    report["worker_start_s"] = {"median": statistics.median(starts), "max": max(starts), "n": len(starts)}
    print(f"{'what':40s} {'median s':>9s} {'× import torch':>15s}")
    for name, t, ratio in rows:
        print(f"{name:40s} {t:9.3f} {ratio:15.2f}")
    print(f"{'worker start (warm fork server)':40s} {statistics.median(starts) * 1000:8.1f}ms")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "grade.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
