"""Cost of the student release: building it, its size, and grading with recordings instead of references.

    python benchmarks/bench_release.py [--only all] [--repeat 3] [--seed 7]

Prints the wall time of `grade release` (record, write, replay every submission,
scan), the size of the recordings, and the median time of grading the solutions
and the stubs of the same exercises (public checks) with the live references and
with the replayed recordings, in one warm worker pool, in the same run.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median_grading(root: Path, exercises: tuple, seed: int, expected: Path | None, repeat: int, pool) -> float:
    from grader.engine import GradeOptions, grade

    options = GradeOptions(include_hidden=False, expected=expected)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        grade(root, exercises, seed=seed, options=options, pool=pool)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-release-") as tmp:
        out = Path(tmp) / "release"
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "grader.cli", "release", str(out), "--only", args.only,
                               "--seed", str(args.seed)], cwd=ROOT, capture_output=True, text=True)
        build = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit(proc.stdout + proc.stderr)
        expected = out / "grader" / "expected_values"
        size = sum(p.stat().st_size for p in expected.rglob("*.json.gz"))
        print(f"grade release --only {args.only}: {build:.1f} s; recordings {size / 1024:.0f} KiB "
              f"in {len(list(expected.rglob('*.json.gz')))} files")
        print(next(line for line in proc.stdout.splitlines() if line.startswith("Release in")))

        from grader.catalog import select
        from grader.sandbox.client import WorkerPool

        exercises = tuple(e.public() for e in select(args.only))
        with WorkerPool() as pool:
            pool.warm_up()
            for label, root in (("solutions", ROOT / "solutions"), ("stubs", ROOT / "exercises")):
                live = _median_grading(root, exercises, args.seed, None, args.repeat, pool)
                replay = _median_grading(root, exercises, args.seed, expected, args.repeat, pool)
                print(f"{label:9s}: live references {live:6.2f} s   replayed recordings {replay:6.2f} s   "
                      f"replay/live {replay / live:4.2f}   (median of {args.repeat})")


if __name__ == "__main__":
    main()
