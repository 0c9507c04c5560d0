"""Benchmark: ``grade batch`` on a generated class, beside the in-process floor and fresh processes.

Generates N students (default 200) into a temporary folder: for each exercise
file of the target, a student hands in the reference solution, the stub, a
buggy variant (a classic mistake: ReLU dropped, wrong ``dim``, one block too
few, …) or nothing; one student in ten hands in a zip. Then, in one run:

- ``grade batch`` on the first 50, 100 and N students (fresh output folder
  each time, ``--jobs J``): wall time, throughput, and whether time grows
  linearly with the class (least-squares line and R²);
- inside each batch, the sum of the students' grading times divided by J
  (what the batch would take with no orchestration at all), and the rest of
  the wall time (orchestration: start-up, unpacking, rendering, writing, the
  last student's tail); and the load average, since other work on the
  machine slows the grading itself;
- memory while the N-student batch runs, sampled from /proc every 0.25 s:
  peak RSS of each kind of process (the main process, a job process = one
  judge, a fork server, a sandboxed worker) and peak total PSS of the whole
  process tree; plus ``RUSAGE_CHILDREN`` max RSS (the largest single process);
- the **in-process floor**: the same checks on the same N students in this
  process with one warm worker pool (no job processes, no files written),
  divided by J. Target: batch / floor <= 1.3;
- **fresh processes**: ``grade exercise TARGET --submission <student>`` as a
  new process per student, timed on a sample of K students (default 8) and
  extrapolated to N — sequentially (an instructor's shell loop), and divided
  by J (the same loop run J at a time, assuming perfect scaling, which
  flatters it). Target: fresh / batch >= 3.

The default target is ``model_construction`` (7 exercises) so that the whole
benchmark takes minutes on a small machine; ``--only all`` grades everything.
This module imports nothing heavy at the top: the multiprocessing fork server
of ``grade batch`` never re-imports it.

Usage:
    python benchmarks/bench_batch.py [--students 200] [--jobs J] [--only model_construction]
                                     [--sample 8] [--sizes 50,100]

Prints a table and writes benchmarks/results/batch.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTATIONS = (
    ("F.relu(", "("),  # the ReLU is missing
    ("+ 1)", ")"),  # a constant forgotten
    ("dim=self.dim", "dim=0"),  # concatenated along the wrong dimension
    ("range(n)", "range(n - 1)"),  # one block too few
    ("range(len(widths) - 1)", "range(len(widths) - 2)"),
    ("> 1:", "> 2:"),
    ("return X\n", "return 2 * X\n"),
)


# -- the class -----------------------------------------------------------------

def _buggy(source: str, rng: random.Random) -> str:
    options = [(a, b) for a, b in MUTATIONS if a in source]
    if not options:
        return "import no_such_module  # a typo in an import\n" + source
    a, b = rng.choice(options)
    return source.replace(a, b, 1)


def generate(root: Path, files: list[str], n: int, seed: int = 0) -> tuple[Path, Path]:
    """``root/submissions`` (what grade batch reads, 1 in 10 zipped) and ``root/folders`` (all as folders)."""
    rng = random.Random(seed)
    subs, folders = root / "submissions", root / "folders"
    subs.mkdir(parents=True)
    folders.mkdir()
    for i in range(n):
        student = f"s{i:04d}"
        folder = folders / student
        for rel in files:
            kind = rng.choices(("solution", "stub", "buggy", "missing"), (50, 20, 25, 5))[0]
            if kind == "missing":
                continue
            source = (ROOT / ("exercises" if kind == "stub" else "solutions") / rel).read_text()
            if kind == "buggy":
                source = _buggy(source, rng)
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(source)
        folder.mkdir(exist_ok=True)
        if i % 10 == 9:
            with zipfile.ZipFile(subs / f"{student}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                for path in sorted(folder.rglob("*.py")):
                    zf.write(path, f"{student}/{path.relative_to(folder).as_posix()}")
        else:
            shutil.copytree(folder, subs / student)
    return subs, folders


def subset(subs: Path, n: int, dest: Path) -> Path:
    """The first ``n`` students of ``subs`` copied into ``dest`` (links would be refused)."""
    dest.mkdir()
    for entry in sorted(subs.iterdir())[:n]:
        (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, dest / entry.name)
    return dest


# -- memory sampling -------------------------------------------------------------

def _proc_table() -> dict[int, tuple[int, str]]:
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except (OSError, ValueError, IndexError):
                continue
            table[int(entry)] = (ppid, cmd)
    return table


def _kib(pid: int, field: str, file: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler:
    """Samples the memory of a process and all its descendants, by role, until stopped."""

    def __init__(self, root: int, interval: float = 0.25) -> None:
        self.root, self.interval = root, interval
        self.peak_rss: dict[str, int] = {}
        self.peak_total_pss = 0
        self.peak_total_rss = 0
        self.counts: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _roles(self) -> dict[int, str]:
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        roles = {self.root: "main (grade batch)"}
        todo = [self.root]
        while todo:
            parent = todo.pop()
            for pid in children.get(parent, []):
                cmd, parent_cmd = table[pid][1], table[parent][1]
                todo.append(pid)
                if not cmd.strip():
                    continue  # a zombie, not reaped yet
                if "grader.sandbox.forkserver" in cmd:
                    role = "sandboxed worker" if "grader.sandbox.forkserver" in parent_cmd else "fork server"
                elif "resource_tracker" in cmd:
                    role = "multiprocessing resource tracker"
                elif "multiprocessing.forkserver" in cmd:
                    role = "job process (judge)" if "multiprocessing.forkserver" in parent_cmd \
                        else "multiprocessing fork server"
                else:
                    role = "other"
                roles[pid] = role
        return roles

    def _run(self) -> None:
        seen: dict[str, set[int]] = {}
        while not self._stop.is_set():
            total_pss = total_rss = 0
            for pid, role in self._roles().items():
                rss = _kib(pid, "VmRSS", "status")
                total_rss += rss
                total_pss += _kib(pid, "Pss", "smaps_rollup")
                self.peak_rss[role] = max(self.peak_rss.get(role, 0), rss)
                seen.setdefault(role, set()).add(pid)
            self.peak_total_pss = max(self.peak_total_pss, total_pss)
            self.peak_total_rss = max(self.peak_total_rss, total_rss)
            self.counts = {role: len(pids) for role, pids in seen.items()}
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


# -- the measurements ------------------------------------------------------------

def run_batch(subs: Path, out: Path, *, jobs: int, target: str, sample_memory: bool = False) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "grader.cli", "batch", str(subs), "--out", str(out), "--jobs", str(jobs),
           "--seed", "1", "--only", target]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = TreeSampler(proc.pid) if sample_memory else None
    if sampler:
        sampler.__enter__()
    output, _ = proc.communicate()
    wall = time.perf_counter() - t0
    if sampler:
        sampler.__exit__()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"grade batch failed ({proc.returncode}):\n{output[-3000:]}")
    summary = json.loads((out / "summary.json").read_text())
    grading = sum(s["duration"] for s in summary["students"])
    result = {"students": summary["counts"]["students"], "wall_s": wall, "exit": proc.returncode,
              "grading_sum_s": grading, "grading_sum_over_jobs_s": grading / jobs,
              "orchestration_s": wall - grading / jobs, "loadavg_after": os.getloadavg(),
              "faults": summary["counts"]["faults"], "refused": summary["counts"]["refused"],
              "students_per_s": summary["counts"]["students"] / wall,
              "mean_percent": summary["scores_percent"]["mean"]}
    if sampler:
        result["memory"] = {"peak_rss_mib_by_role": {k: v / 1024 for k, v in sorted(sampler.peak_rss.items())},
                            "processes_by_role": sampler.counts,
                            "peak_total_pss_mib": sampler.peak_total_pss / 1024,
                            "peak_total_rss_mib": sampler.peak_total_rss / 1024}
    return result


def in_process_floor(folders: Path, n: int, target: str, jobs: int) -> dict[str, Any]:
    """The same checks, same seed, in this process with one warm worker pool."""
    sys.path.insert(0, str(ROOT))
    import torch

    from grader.catalog import select
    from grader.engine import grade
    from grader.sandbox.client import WorkerPool

    torch.set_num_threads(max(1, (os.cpu_count() or 1) // jobs))  # as each job process does
    exercises = select(target)
    students = sorted(folders.iterdir())[:n]
    per_student = []
    with WorkerPool() as pool:
        pool.warm_up()
        grade(students[0], exercises[:1], seed=1, pool=pool)  # fork server and references warm, not timed
        for folder in students:
            t0 = time.perf_counter()
            grade(folder, exercises, seed=1, pool=pool, student=folder.name)
            per_student.append(time.perf_counter() - t0)
    total = sum(per_student)
    return {"students": n, "sum_s": total, "mean_s": statistics.fmean(per_student), "jobs": jobs,
            "floor_s": total / jobs, "per_student_s": per_student, "loadavg_after": os.getloadavg()}


def fresh_processes(folders: Path, target: str, sample: int, tmp: Path) -> dict[str, Any]:
    """``grade exercise TARGET --submission <student>``, a new process each, on ``sample`` students."""
    grade_exe = shutil.which("grade") or str(Path(sys.executable).with_name("grade"))
    students = sorted(folders.iterdir())
    picks = students[:: max(1, len(students) // sample)][:sample]
    times = []
    for folder in picks:
        t0 = time.perf_counter()
        proc = subprocess.run([grade_exe, "exercise", target, "--submission", str(folder), "--seed", "1",
                               "--html", str(tmp / "fresh.html"), "--json", str(tmp / "fresh.json")],
                              cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"grade exercise failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return {"sample": [p.name for p in picks], "times_s": times, "mean_s": statistics.fmean(times)}


def linear_fit(points: list[tuple[int, float]]) -> dict[str, float]:
    """Least-squares ``t = a + b n`` and its R²."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in points)
    return {"intercept_s": a, "seconds_per_student": b, "r2": 1 - ss_res / ss_tot if ss_tot else 1.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--only", default="model_construction", help="target: a topic, an exercise id or all")
    parser.add_argument("--sample", type=int, default=8, help="students timed as fresh processes")
    parser.add_argument("--sizes", default="50,100", help="smaller classes for the scaling check")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from grader.catalog import select

    files = [e.path for e in select(args.only)]
    sizes = sorted({int(s) for s in args.sizes.split(",") if s and int(s) < args.students} | {args.students})
    report: dict[str, Any] = {"students": args.students, "jobs": args.jobs, "target": args.only,
                              "cpus": os.cpu_count(), "exercises": len(files), "loadavg_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        subs, folders = generate(tmp / "class", files, args.students)
        report["generate_s"] = time.perf_counter() - t0
        runs = []
        for n in sizes:
            src = subs if n == args.students else subset(subs, n, tmp / f"class{n}")
            print(f"grade batch: {n} students, {args.jobs} jobs …", flush=True)
            runs.append(run_batch(src, tmp / f"out{n}", jobs=args.jobs, target=args.only,
                                  sample_memory=n == args.students))
        report["batch"] = runs
        report["rusage_children_maxrss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        report["scaling"] = linear_fit([(r["students"], r["wall_s"]) for r in runs])
        print("in-process floor …", flush=True)
        report["floor"] = in_process_floor(folders, args.students, args.only, args.jobs)
        print(f"fresh processes on {args.sample} students …", flush=True)
        report["fresh"] = fresh_processes(folders, args.only, args.sample, tmp)
    per_student = report["floor"]["per_student_s"]
    for r in runs:  # the floor of the same students (the first n), for every class size
        r["floor_s"] = sum(per_student[:r["students"]]) / args.jobs
        r["batch_over_floor"] = r["wall_s"] / r["floor_s"]
    big = runs[-1]
    fresh_seq = report["fresh"]["mean_s"] * args.students
    report["ratios"] = {
        "batch_over_floor": big["wall_s"] / report["floor"]["floor_s"],
        "grading_in_batch_over_floor": big["grading_sum_over_jobs_s"] / report["floor"]["floor_s"],
        "orchestration_share": big["orchestration_s"] / big["wall_s"],
        "fresh_sequential_over_batch": fresh_seq / big["wall_s"],
        "fresh_parallel_over_batch": fresh_seq / args.jobs / big["wall_s"],
    }
    _print(report)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "batch.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out / 'batch.json'}")


def _print(report: dict[str, Any]) -> None:
    n, jobs = report["students"], report["jobs"]
    print(f"\n{n} students × {report['exercises']} exercises ({report['target']}), {jobs} jobs, "
          f"{report['cpus']} CPUs")
    print(f"{'grade batch':12s} {'students':>8s} {'wall s':>8s} {'students/s':>10s} {'s/student':>9s} "
          f"{'grading/jobs s':>14s} {'orchestration s':>15s} {'floor s':>8s} {'/floor':>7s} {'load after':>10s}")
    for r in report["batch"]:
        print(f"{'':12s} {r['students']:8d} {r['wall_s']:8.1f} {r['students_per_s']:10.2f} "
              f"{r['wall_s'] / r['students']:9.3f} {r['grading_sum_over_jobs_s']:14.1f} "
              f"{r['orchestration_s']:15.1f} {r['floor_s']:8.1f} {r['batch_over_floor']:7.2f} "
              f"{r['loadavg_after'][0]:10.2f}")
    s = report["scaling"]
    print(f"linear fit: t = {s['intercept_s']:.1f} s + {s['seconds_per_student']:.3f} s × students, "
          f"R² = {s['r2']:.4f}")
    f, fr, ratios = report["floor"], report["fresh"], report["ratios"]
    print(f"{'in-process floor (sum / jobs)':32s} {f['floor_s']:8.1f} s  (mean {f['mean_s']:.3f} s per student)")
    print(f"{'fresh process per student':32s} {fr['mean_s']:8.2f} s each (sample of {len(fr['times_s'])}), "
          f"extrapolated {fr['mean_s'] * n:.0f} s sequential, {fr['mean_s'] * n / jobs:.0f} s at {jobs} at a time")
    print(f"batch / floor                    {ratios['batch_over_floor']:8.2f}   (target <= 1.3)")
    print(f"  grading inside the batch / floor {ratios['grading_in_batch_over_floor']:6.2f}   "
          f"(> 1: the students' checks ran slower in parallel: CPU contention)")
    print(f"  orchestration share of the wall  {100 * ratios['orchestration_share']:5.1f}%  "
          f"(start-up, unpacking, rendering, writing, the last student's tail)")
    print(f"fresh sequential / batch         {ratios['fresh_sequential_over_batch']:8.2f}   (target >= 3)")
    print(f"fresh {jobs}-parallel / batch         {ratios['fresh_parallel_over_batch']:8.2f}")
    mem = report["batch"][-1].get("memory", {})
    for role, mib in mem.get("peak_rss_mib_by_role", {}).items():
        print(f"peak RSS {role:32s} {mib:8.0f} MiB ({mem['processes_by_role'].get(role, 0)} processes)")
    if mem:
        print(f"peak total PSS of the process tree       {mem['peak_total_pss_mib']:8.0f} MiB")
    print(f"largest single process (RUSAGE_CHILDREN) {report['rusage_children_maxrss_mib']:8.0f} MiB")


if __name__ == "__main__":
    main()
