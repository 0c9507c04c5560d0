"""Benchmark: `grade watch`, from the save of ``model_construction/mlp.py`` to the printed verdict.

Starts ``grade watch model_construction/mlp`` on a copy of the reference solution, waits for
its first verdict (the watcher is then warm: fork server, judge, references), then saves the
file K times (default 12), alternating a classic bug (no ReLU) and the fix, each save done as
editors do (write a temporary file, rename it over the module). For each save it times the
moment the rename returns to the moment the verdict's last line ("… watching …") is read from
the watcher's output, and checks the verdict is the right one (3/6, then 6/6).

In the same run it times ``python -c "import torch"`` R times (default 5) with the same
interpreter. Target: median save-to-verdict <= 0.5 x median import torch.

Usage:
    python benchmarks/bench_watch.py [--saves 12] [--imports 5]
"""
from __future__ import annotations

import argparse
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MLP = (ROOT / "solutions" / "model_construction" / "mlp.py").read_text()
NO_RELU = MLP.replace("self.output(F.relu(self.hidden(X)))", "self.output(self.hidden(X))")


def time_import_torch(n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        out.append(time.perf_counter() - t0)
    return out


def _reader(stream, lines: "queue.Queue[tuple[float, str]]") -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        lines.put((time.perf_counter(), line.rstrip("\n")))


def _until_verdict(lines: "queue.Queue[tuple[float, str]]", timeout: float = 120) -> tuple[float, list[str]]:
    got: list[str] = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            stamp, line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        got.append(line)
        if "watching" in line:
            return stamp, got
    raise RuntimeError("no verdict printed:\n" + "\n".join(got))


def time_saves(n: int, sub: Path) -> list[float]:
    mlp = sub / "model_construction" / "mlp.py"
    proc = subprocess.Popen([sys.executable, "-u", "-m", "grader.cli", "watch", "model_construction/mlp",
                             "--submission", str(sub), "--seed", "1"], cwd=sub.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: "queue.Queue[tuple[float, str]]" = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    times = []
    try:
        _until_verdict(lines)  # the first verdict: warm from now on
        for i in range(n):
            text, expect = (NO_RELU, "3/6") if i % 2 == 0 else (MLP, "6/6")
            tmp = mlp.with_suffix(".tmp")
            tmp.write_text(text)
            time.sleep(0.3)  # let the temporary file's events pass: time the save alone
            t0 = time.perf_counter()
            os.replace(tmp, mlp)
            stamp, got = _until_verdict(lines)
            if not any(f"model_construction/mlp  {expect}" in line for line in got):
                raise RuntimeError(f"save {i}: expected {expect}:\n" + "\n".join(got))
            times.append(stamp - t0)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=12)
    parser.add_argument("--imports", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    try:
        sub = work / "sub"
        (sub / "model_construction").mkdir(parents=True)
        shutil.copyfile(ROOT / "solutions" / "model_construction" / "mlp.py", sub / "model_construction" / "mlp.py")
        torch_times = time_import_torch(args.imports)
        saves = time_saves(args.saves, sub)
        torch_times += time_import_torch(args.imports)  # before and after: the machine's load moves
    finally:
        shutil.rmtree(work, ignore_errors=True)
    t, s = statistics.median(torch_times), statistics.median(saves)
    print(f"python -c 'import torch': median {t:.3f} s over {len(torch_times)} runs "
          f"(min {min(torch_times):.3f}, max {max(torch_times):.3f})")
    print(f"save -> verdict (grade watch, warm): median {s:.3f} s over {len(saves)} saves "
          f"(min {min(saves):.3f}, max {max(saves):.3f})")
    ratio = s / t
    print(f"ratio: {ratio:.2f} x import torch (target <= 0.50): {'met' if ratio <= 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
