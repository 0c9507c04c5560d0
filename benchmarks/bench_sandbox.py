"""Cost of starting one confined worker from the warm fork server, layer by layer.

    python benchmarks/bench_sandbox.py [--n 40]

Prints the median and 90th percentile of ``WorkerPool.start`` (fork, confinement,
hello) for: no optional layer (own session + rlimits only), each layer alone,
and everything (the default).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _costs(policy: object | None, n: int) -> list[float]:
    from grader.sandbox.client import WorkerPool
    from grader.sandbox.limits import Limits

    kwargs = {} if policy is None else {"sandbox": policy}
    with tempfile.TemporaryDirectory(prefix="bench-sub-") as folder, WorkerPool() as pool:
        sub = Path(folder)
        pool.start(submission_root=sub, limits=Limits(), **kwargs).close()  # fork server warm
        costs = []
        for _ in range(n):
            t0 = time.perf_counter()
            worker = pool.start(submission_root=sub, limits=Limits(), **kwargs)
            costs.append(time.perf_counter() - t0)
            worker.close()
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    try:
        from grader.sandbox.policy import SandboxPolicy
    except ImportError:  # a grader from before the sandbox layers
        variants: dict[str, object | None] = {"default (no layers in this version)": None}
    else:
        none = SandboxPolicy(landlock=False, seccomp=False, namespaces=False)
        variants = {"session + rlimits only": none,
                    "+ namespaces": SandboxPolicy(landlock=False, seccomp=False),
                    "+ Landlock": SandboxPolicy(seccomp=False, namespaces=False),
                    "+ seccomp": SandboxPolicy(landlock=False, namespaces=False),
                    "everything (default)": SandboxPolicy()}
    for name, policy in variants.items():
        c = sorted(_costs(policy, args.n))
        print(f"{name:38s} median {statistics.median(c) * 1e3:6.1f} ms   p90 {c[int(0.9 * len(c))] * 1e3:6.1f} ms")


if __name__ == "__main__":
    main()
