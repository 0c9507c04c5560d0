"""Benchmark: the similarity part of ``grade batch`` for a class of N students (default 200), all exercises.

Generates N student folders with every exercise of the catalog: each file is
one of several independently written variants (for ``my_sequential``, the
twenty solutions of ``tests/similarity/sequential_class.py``; for the other
exercises, the reference solution with comments, blank lines and local names
changed per student), a stub left as it is, or a planted copy (renamed,
comments changed) of another student's file; one student in ten uses a
notebook for one exercise. Then it times :func:`grader.similarity.class_similarity`
on the class (reading the files, tokenising, fingerprinting, comparing every
exercise) over R runs (default 3) and prints the best and median wall time,
the number of listed and flagged pairs, and whether every planted copy is
flagged.

Example:
    $ python benchmarks/bench_similarity.py --students 200 --runs 3
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.catalog import all_exercises  # noqa: E402
from grader.similarity import class_similarity  # noqa: E402
from tests.similarity.sequential_class import INDEPENDENT, as_notebook  # noqa: E402


def _variant(text: str, rng: random.Random, tag: str) -> str:
    """The reference with this student's comments, blank lines and a renamed local."""
    lines = []
    for line in text.splitlines():
        lines.append(line)
        if line.strip() and rng.random() < 0.15:
            lines.append(" " * (len(line) - len(line.lstrip())) + f"# note {tag} {rng.randint(0, 999)}")
        if not line.strip() and rng.random() < 0.3:
            lines.append("")
    return "\n".join(lines).replace(" X)", f" X_{tag})").replace("(X", f"(X_{tag}") + "\n"


_HELPER = '''

def running_{name}(values, limit=3):
    """This student's own helper (a distinctive piece of code to copy)."""
    history = []
    best = None
    for position, value in enumerate(values):
        if best is None or value > best:
            best = value
        if position % limit == 0:
            history.append((position, best))
        else:
            history.append((position, -best))
    return [pair for pair in history if pair[1] is not None]
'''


def _planted_copy(text: str) -> str:
    """``text`` with its helper's local names changed and a comment added."""
    for old, new in (("history", "log"), ("best", "top"), ("position", "k"), ("value", "item")):
        text = text.replace(old, new)
    return "# my own work\n" + text


def make_class(root: Path, n: int, seed: int = 0) -> tuple[list[tuple[str, Path, str]], set[tuple[str, str, str]]]:
    """N students; every 25th copies (renamed, commented) the previous student's helper, one exercise each."""
    rng = random.Random(seed)
    exercises = [e.id for e in all_exercises()]
    planted: set[tuple[str, str, str]] = set()
    students = [f"s{i:03d}" for i in range(n)]
    files: dict[tuple[str, str], str] = {}
    for i, student in enumerate(students):
        for ex in exercises:
            if ex.endswith("my_sequential") and i < len(INDEPENDENT):
                files[(student, ex)] = list(INDEPENDENT.values())[i]
                continue
            roll = rng.random()
            base = (ROOT / ("exercises" if roll < 0.1 else "solutions") / f"{ex}.py").read_text()
            files[(student, ex)] = base if roll < 0.1 else _variant(base, rng, student)
    for k, i in enumerate(range(25, n, 25)):
        ex = exercises[k % len(exercises)]
        source, copier = students[i - 1], students[i]
        files[(source, ex)] += _HELPER.format(name=source)
        files[(copier, ex)] = _planted_copy(files[(source, ex)])
        planted.add((ex, source, copier))
    for (student, ex), text in files.items():
        notebook = int(student[1:]) % 10 == 3 and ex == exercises[-1]
        path = root / student / (f"{ex}.ipynb" if notebook else f"{ex}.py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(as_notebook(text) if notebook else text)
    return [(s, root / s, "folder") for s in students], planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exercises = [e.id for e in all_exercises()]
    with tempfile.TemporaryDirectory() as tmp:
        students, planted = make_class(Path(tmp), args.students)
        times, report = [], None
        for _ in range(args.runs):
            t0 = time.perf_counter()
            report = class_similarity(students, exercises)
            times.append(time.perf_counter() - t0)
    assert report is not None
    flagged = {(p.exercise, p.a, p.b) for p in report.pairs if p.flagged}
    found = {(ex, *sorted((a, b))) for ex, a, b in planted} <= flagged
    print(f"{args.students} students x {len(exercises)} exercises: best {min(times):.2f} s, "
          f"median {statistics.median(times):.2f} s over {args.runs} runs")
    print(f"listed pairs {len(report.pairs)}, flagged {len(flagged)}, planted copies {len(planted)}, "
          f"all planted copies flagged: {found}")


if __name__ == "__main__":
    main()
