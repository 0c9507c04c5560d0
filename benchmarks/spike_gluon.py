"""Spike: does MXNet 1.9.1 work on this Python (3.11), and is forking after its import safe?

Run it with an MXNet interpreter (not the judge's), e.g. the managed Gluon environment::

    MXNET_ENGINE_TYPE=NaiveEngine OMP_NUM_THREADS=1 <env>/bin/python benchmarks/spike_gluon.py

Results on a 2-core x86_64 machine with Python 3.11:

- ``pip install "mxnet==1.9.1" "numpy<1.24"`` into a fresh venv: 15 s from a warm local index;
  the wheel is ``mxnet-1.9.1-py3-none-manylinux2014_x86_64.whl`` (49 MB, pure ``py3-none`` tag,
  so no per-Python build is needed); installed: mxnet 193 MB + numpy 1.23.5 39 MB, venv 296 MB.
- ``import mxnet``: about 1.9 s. ``nd`` and ``np``/``npx.set_np()`` forward and backward of
  ``nn.Dense``, ``save_parameters``/``load_parameters`` all work; the file's keys are the
  structural names (``0.weight``, ``hidden.bias``); a deferred shape reads ``(256, -1)`` in np
  mode, ``(256, 0)`` in nd mode.
- Threads: after ``import mxnet`` the process has 2 OS threads even with NaiveEngine (the
  OpenMP/OpenBLAS pool); with ``OMP_NUM_THREADS=1`` it has 1, and stays at 1 through a forward
  with NaiveEngine. ThreadedEnginePerDevice (the default) starts 5 more at the first operation.
  So with ``MXNET_ENGINE_TYPE=NaiveEngine`` and ``OMP_NUM_THREADS=1`` the fork server may import
  mxnet and fork single-threaded children, and a forked child computes normally.
"""
from __future__ import annotations

import os
import time


def threads() -> int:
    """OS threads of this process."""
    return len(os.listdir("/proc/self/task"))


def main() -> None:
    t0 = time.time()
    import mxnet as mx
    from mxnet import autograd, nd, np as mnp, npx
    from mxnet.gluon import nn

    print("mxnet", mx.__version__, "import", round(time.time() - t0, 2), "s; threads", threads())
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu"), nn.Dense(2))
    net.initialize()
    x = nd.random.uniform(shape=(3, 5))
    with autograd.record():
        y = net(x)
    y.backward()
    print("nd forward", y.shape, "grad", net[0].weight.grad().shape, "threads", threads())
    net.save_parameters("/tmp/spike.params")
    print("saved keys", sorted(nd.load("/tmp/spike.params")))
    npx.set_np()

    class MLP(nn.Block):
        def __init__(self) -> None:
            super().__init__()
            self.hidden = nn.Dense(256)
            self.out = nn.Dense(10)

        def forward(self, x):  # noqa: ANN001
            return self.out(npx.relu(self.hidden(x)))

    m = MLP()
    print("deferred", m.hidden.weight.shape)
    m.initialize()
    print("np forward", m(mnp.ones((2, 20))).shape, "threads", threads())
    pid = os.fork()
    if pid == 0:
        print("child forward", m(mnp.ones((1, 20))).shape, flush=True)
        os._exit(0)
    print("child exit", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))


if __name__ == "__main__":
    main()
