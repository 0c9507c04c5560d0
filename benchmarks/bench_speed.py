"""Benchmark: the speed targets as ratios measured in one run, interleaved.

1. Each round runs, one after the other: ``python -c "import torch"``, one
   exercise cold (``grade exercise model_construction/mlp``), the whole chapter
   with the default judge processes (one per core) and with ``--jobs 1``.
   Targets: one exercise <= 1.5x, the whole chapter <= 5x the bare import.
2. ``grade batch --jobs J`` of whole-chapter submissions (solutions, stubs and
   mutants of the baseline, in turn) for 10, 20 and 40 students (least-squares
   line and R^2), beside one ``grade exercise all --jobs 1`` process per
   submission, J at a time, on the first ``--sample`` students. Target: the
   batch >= 3x faster per student. While the largest batch runs, /proc is
   sampled every 0.25 s: peak RSS of a job process, a fork server and a worker.

The load average before and after is printed: on a shared machine other work
slows a parallel run more than the single-threaded import.

Usage:
    python benchmarks/bench_speed.py [--rounds 3] [--jobs 2] [--sizes 10,20,40] [--sample 6] [--skip-batch]

Prints tables and writes benchmarks/results/speed.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed


def _students(folder: Path, n: int) -> list[Path]:
    """``n`` whole-chapter submissions: the solutions, the stubs and the declared mutants in turn
    (a mutant: every solution, with one exercise's file replaced by the mutant)."""
    from grader.catalog import all_exercises, mutants_of

    solutions, stubs = ROOT / "solutions", ROOT / "exercises"
    mutants = [(e.id, m) for e in all_exercises() for m in mutants_of(e.id)]
    made = []
    for i in range(n):
        target = folder / f"s{i:03d}"
        kind = i % 4
        if kind >= 2:
            exercise_id, mutant = mutants[(i * 7) % len(mutants)]
            mutant.write_submission(exercise_id, solutions, target)
        else:
            shutil.copytree(stubs if kind == 1 else solutions, target)
        made.append(target)
    return made


def _kind(cmdline: str) -> str:
    if "grader.sandbox.forkserver" in cmdline:
        return "fork server"
    if "multiprocessing" in cmdline or "forkserver" in cmdline:
        return "job process"
    return "main" if "batch" in cmdline else "other"


class _Sampler(threading.Thread):
    """Peak RSS by kind of process in the tree under ``root`` (workers: a fork server's children)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peaks, self.stop = root, {}, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.25):
            parents: dict[int, int] = {}
            info: dict[int, tuple[str, int]] = {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                    cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    rss = int(Path(f"/proc/{entry}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
                except (OSError, IndexError, ValueError):
                    continue
                parents[int(entry)], info[int(entry)] = int(stat[1]), (cmd, rss)
            for pid, (cmd, rss) in info.items():
                chain, p = [], pid
                while p in parents and p != self.root and len(chain) < 20:
                    chain.append(p)
                    p = parents[p]
                if p != self.root:
                    continue
                parent_cmd = info.get(parents.get(pid, 0), ("", 0))[0]
                kind = "worker" if "grader.sandbox.forkserver" in parent_cmd and _kind(cmd) == "fork server" \
                    else _kind(cmd)
                self.peaks[kind] = max(self.peaks.get(kind, 0), rss)


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    intercept = my - slope * mx
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys) or 1e-12
    return slope, intercept, 1 - ss_res / ss_tot


def _batch(grade: str, tmp: Path, args: argparse.Namespace, report: dict[str, Any]) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    everyone = _students(tmp / "all", max(sizes))
    walls: list[float] = []
    for size in sizes:
        folder = tmp / f"class{size}"
        folder.mkdir()
        for s in everyone[:size]:
            shutil.copytree(s, folder / s.name)
        out = tmp / f"out{size}"
        t0 = time.perf_counter()
        proc = subprocess.Popen([grade, "batch", str(folder), "--out", str(out), "--jobs", str(args.jobs),
                                 "--seed", "1"], cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sampler = _Sampler(proc.pid) if size == max(sizes) else None
        if sampler:
            sampler.start()
        proc.wait()
        walls.append(time.perf_counter() - t0)
        if sampler:
            sampler.stop.set()
            sampler.join()
            report["peak_rss_mb"] = {k: round(v / 2**20) for k, v in sampler.peaks.items()}
        print(f"batch of {size:3d}: {walls[-1]:7.1f} s  ({walls[-1] / size:.2f} s per student)", flush=True)
    slope, intercept, r2 = _fit([float(s) for s in sizes], walls)
    sample = everyone[:args.sample]
    t0 = time.perf_counter()
    running: list[subprocess.Popen[bytes]] = []
    for s in sample:  # one process per submission, J at a time
        while len(running) >= args.jobs:
            running = [p for p in running if p.poll() is None] or running
            if len(running) >= args.jobs:
                time.sleep(0.05)
        running.append(subprocess.Popen([grade, "exercise", "all", "--submission", str(s), "--seed", "1",
                                         "--jobs", "1", "--html", str(tmp / f"{s.name}.html")], cwd=tmp,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for p in running:
        p.wait()
    fresh = (time.perf_counter() - t0) / len(sample)
    report["batch"] = {"sizes": sizes, "wall_s": walls, "slope_s_per_student": slope, "intercept_s": intercept,
                       "r2": r2, "fresh_s_per_student": fresh, "speedup_vs_fresh": fresh / slope}
    print(f"fit: {slope:.2f} s/student + {intercept:.1f} s, R^2 {r2:.4f}; one process per submission: "
          f"{fresh:.2f} s/student -> batch {fresh / slope:.2f}x faster (target >= 3x)")
    print(f"peak RSS (MB): {report.get('peak_rss_mb')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--exercise", default="model_construction/mlp")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sizes", default="10,20,40")
    parser.add_argument("--sample", type=int, default=6)
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()
    grade = str(Path(sys.executable).with_name("grade"))
    solutions = str(ROOT / "solutions")
    report: dict[str, Any] = {"loadavg_before": os.getloadavg(), "cpus": len(os.sched_getaffinity(0))}
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp_name:
        tmp = Path(tmp_name)

        def graded(target: str, *extra: str) -> list[str]:
            return [grade, "exercise", target, "--submission", solutions, "--seed", "1",
                    "--html", str(tmp / "r.html"), *extra]

        commands = {"import torch": [sys.executable, "-c", "import torch"],
                    f"one exercise ({args.exercise})": graded(args.exercise),
                    "all (default jobs)": graded("all"),
                    "all --jobs 1": graded("all", "--jobs", "1")}
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, cmd in commands.items():
                times[name].append(_timed(cmd, tmp))
        floor = statistics.median(times["import torch"])
        report["times_s"] = times
        report["ratios"] = {name: statistics.median(t) / floor for name, t in times.items()}
        print(f"{'what':40s} {'median s':>9s} {'x import torch':>15s}   (load {report['loadavg_before'][0]:.2f} "
              f"before, {os.getloadavg()[0]:.2f} after, {report['cpus']} CPUs)")
        for name, t in times.items():
            print(f"{name:40s} {statistics.median(t):9.2f} {statistics.median(t) / floor:15.2f}", flush=True)
        if not args.skip_batch:
            _batch(grade, tmp, args, report)
    report["loadavg_after"] = os.getloadavg()
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "speed.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
