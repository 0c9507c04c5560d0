"""Benchmark: the Gluon track's speed, as ratios measured in one run, interleaved.

Each round runs, one after the other, in the managed Gluon environment and the judge:

- ``python -c "import mxnet"`` with the environment's Python (the bare framework import);
- ``grade exercise all --track gluon --submission gluon/solutions`` (the whole chapter, cold);
- ``grade exercise model_construction/mlp --track gluon`` (one exercise, cold).

Target: the whole chapter <= 10x the bare import. Before the rounds, the one-time build of the
environment is timed in a fresh folder (``grade setup gluon --env TMP``; pip's cache helps, as it
would on a second machine of a course), unless ``--skip-build``.

Usage:
    python benchmarks/bench_gluon.py [--rounds 3] [--skip-build]

Prints a table and writes benchmarks/results/gluon.json.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    from grader.tracks.gluon.env import PROBE_ENV, ensure

    grade = str(Path(sys.executable).with_name("grade"))
    results: dict[str, object] = {"load_before": os.getloadavg()[0]}
    if not args.skip_build:
        with tempfile.TemporaryDirectory(prefix="bench-gluon-env-") as tmp:
            t = _timed([grade, "setup", "gluon", "--env", str(Path(tmp) / "env")])
            results["build_seconds"] = t
            print(f"one-time environment build (pip cache warm): {t:.1f} s")
    python = str(ensure().python)
    env = {**os.environ, **PROBE_ENV}
    html = tempfile.mkdtemp(prefix="bench-gluon-html-")
    rows: dict[str, list[float]] = {"import mxnet": [], "chapter": [], "one exercise": []}
    for _ in range(args.rounds):
        rows["import mxnet"].append(_timed([python, "-c", "import mxnet"], env))
        rows["chapter"].append(_timed([grade, "exercise", "all", "--track", "gluon", "--submission",
                                       str(ROOT / "gluon" / "solutions"), "--seed", "1", "--html",
                                       f"{html}/all.html"]))
        rows["one exercise"].append(_timed([grade, "exercise", "model_construction/mlp", "--track", "gluon",
                                            "--submission", str(ROOT / "gluon" / "solutions"), "--seed", "1",
                                            "--html", f"{html}/one.html"]))
    shutil.rmtree(html, ignore_errors=True)
    base = statistics.median(rows["import mxnet"])
    print(f"{'run':<16}{'median s':>10}{'ratio':>8}")
    for name, times in rows.items():
        median = statistics.median(times)
        results[name] = {"times": times, "median": median, "ratio": median / base}
        print(f"{name:<16}{median:>10.2f}{median / base:>8.2f}")
    results["load_after"] = os.getloadavg()[0]
    print(f"target: chapter <= 10x import mxnet; load average {results['load_before']:.2f} -> "
          f"{results['load_after']:.2f}")
    out = ROOT / "benchmarks" / "results" / "gluon.json"
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
