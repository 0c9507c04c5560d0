"""Check kind: what a Gluon initialization does to networks, tested against laws at a stated false-alarm rate.

Each :class:`Trial` builds a network of ``nn`` layers in the student's worker (nothing of the
student's), optionally initializes it and runs it once (``ran``: its shapes are known and its
values are the "before"), then calls the student's initialization on it (``call``: a spec of
that call, given the network's spec), runs one forward on a drawn input (so deferred shapes
are settled: a correct initialization must honor them), and reads every parameter. ``law``
says which :class:`~grader.checks.distribution.Law` each parameter should follow; all of them
are tested together by :func:`~grader.checks.distribution.fit` (exact sub-tests, pooled
goodness-of-fit tests at false-alarm rate ``alpha`` for the whole check).

Networks are drawn from the run's seed (no shrinking: a statistical verdict comes from all the
networks together), with as many values as the tests need, whatever ``--examples-scale``.

Example declaration::

    Initialization(id="init_normal", title="weights ~ N(0, 0.01²), biases 0", points=3,
                   trials=lambda rng: [Trial(dense_net(rng), call=lambda net: ex.init_normal(net), inputs=...)],
                   law=lambda name, shape, trial: Normal(0.01) if name.endswith("weight") else Zero())
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

import numpy

from grader.checks.base import CheckContext, Failure, derive_seed
from grader.checks.distribution import ALPHA, Law, fit
from grader.tracks.gluon.checks.pair import build_sequential, normal, sequential_text, show_inputs, student_call
from grader.tracks.gluon.specs import Spec, array, handle, nn

__all__ = ["Initialization", "Trial", "dense_net"]


@dataclass(frozen=True)
class Trial:
    """One network, how it is prepared, and the student's initialization applied to it.

    ``net``: the layers of an ``nn.Sequential`` the judge builds (nothing of the student's), or a
    spec that builds the network (``ex.lazy_mlp(64, 10)``); ``inputs``: the forward's input shape
    (batch, width); ``ran``: the network is initialized (MXNet's default) and run once before
    the call; ``call`` turns specs of the network and of the input into the spec of the
    student's call (``lambda net, X: ex.init_normal(net)``).
    """

    net: "tuple[Spec, ...] | Spec"
    inputs: tuple[int, int]
    call: Callable[[Spec, Spec], Spec]
    ran: bool = False


def dense_net(rng: random.Random, layers: int = 3, lo: int = 16, hi: int = 48) -> tuple[Spec, ...]:
    """``layers`` ``nn.Dense`` layers of drawn widths (input width deferred), for an ``nn.Sequential``.

    Example:
        >>> dense_net(random.Random(0), layers=2)
        (nn.Dense(40, activation='relu'), nn.Dense(42))
    """
    widths = [rng.randint(lo, hi) for _ in range(layers)]
    return tuple([nn.Dense(w, activation="relu") for w in widths[:-1]] + [nn.Dense(widths[-1])])


@dataclass(frozen=True)
class Initialization:
    """The student's initialization gives every parameter the distribution its law says.

    Example:
        >>> from grader.checks.distribution import Normal, Zero
        >>> check = Initialization(id="init_normal", title="N(0, 0.01²) weights", points=2,
        ...                        trials=lambda rng: [], law=lambda name, shape, trial: Zero())
        >>> check.alpha
        1e-06
    """

    id: str
    title: str
    trials: Callable[[random.Random], list[Trial]]
    law: Callable[[str, tuple[int, ...], Trial], Law]
    points: float = 1.0
    alpha: float = ALPHA
    hidden: bool = False
    shown: str = ""

    def run(self, ctx: CheckContext) -> None:
        rng = random.Random(derive_seed(ctx.seed, ctx.exercise, self.id))
        samples, cases = [], []
        for n, trial in enumerate(self.trials(rng)):
            seed = derive_seed(ctx.seed, ctx.exercise, self.id, n)
            X = normal(numpy.random.default_rng(seed), *trial.inputs)
            net = "the network"
            named = Spec({"kind": "attr", "name": "net"}), Spec({"kind": "attr", "name": "X"})
            shown_call = trial.call(*named)
            made = sequential_text(trial.net) if isinstance(trial.net, tuple) else f"net = {trial.net}"
            case = "\n".join([made, show_inputs([X]), *(["net.initialize()", "net(X)"] if trial.ran else []),
                              f"{shown_call}", "net(X)"])
            cases.append(case)
            if isinstance(trial.net, tuple):
                built = build_sequential(ctx.student, trial.net, seed=seed)
            else:
                built = student_call(ctx, "build", doing=f"`{trial.net}`", case=case, spec=trial.net.node,
                                     seed=seed)["handle"]
            before: dict[str, Any] = {}
            if trial.ran:
                student_call(ctx, "initialize", doing=net, case=case, handle=built, seed=seed)
                student_call(ctx, "forward", doing=net, case=case, handle=built, inputs=[X], seed=seed)
                before = student_call(ctx, "state", doing=net, case=case, handle=built, values=True)["values"]
            call = trial.call(handle(built), array(X, "X"))
            student_call(ctx, "value", doing=f"`{shown_call}`", case=case, spec=call.node, seed=seed)
            student_call(ctx, "forward", doing="the initialized network", case=case, handle=built, inputs=[X],
                         seed=seed)
            state = student_call(ctx, "state", doing="the initialized network", case=case, handle=built, values=True)
            missing = [name for name in state["names"] if name not in state.get("values", {})]
            if missing:
                raise Failure(f"After your initialization and one forward, {', '.join(missing[:5])} still "
                              f"hold(s) no values (not initialized).", case=case)
            for name in state["names"]:
                values = numpy.asarray(state["values"][name])
                law = self.law(name, tuple(values.shape), trial)
                samples.append((law, values, before.get(name), f"network {n + 1}, {name} {tuple(values.shape)}"))
        report = fit(samples, alpha=self.alpha, unit="values")
        if report.passed:
            return
        failures = report.failures()
        raise Failure(f"Tested {report.samples} parameter values of {len(cases)} network(s) against the "
                      f"distributions they should follow ({report.subtests} pooled sub-test(s), false-alarm rate "
                      f"{self.alpha:g} for the whole check):\n" + "\n".join(failures[:6]),
                      hints=report.hints(), case=cases[0] if cases else "")
