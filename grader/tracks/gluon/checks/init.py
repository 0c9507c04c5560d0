"""Check kind: what a Gluon initialization does to networks, tested against laws at a stated false-alarm rate.

Each :class:`Trial` builds a network of ``nn`` layers in the student's worker (nothing of the
student's), optionally initializes it and runs it once (``ran``: its shapes are known and its
values are the "before"), then calls the student's initialization on it (``call``: a spec of
that call, given the network's spec), runs one forward on a drawn input (so deferred shapes
are settled: a correct initialization must honor them), and reads every parameter. ``law``
says which :class:`~grader.checks.distribution.Law` each parameter should follow; all of them
are tested together by :func:`~grader.checks.distribution.fit` (exact sub-tests, pooled
goodness-of-fit tests at false-alarm rate ``alpha`` for the whole check).

A failure says which call ran on how many networks (never run, or initialized and run before),
lists the exact sub-tests that failed (the first three tensors) and the pooled ones, shows the
first network where an exact sub-test failed, points at the student's function (``locate``) and
adds the hint of every known mistake (:class:`InitMistake`) whose laws the values fit.

Networks are drawn from the run's seed (no shrinking: a statistical verdict comes from all the
networks together), with as many values as the tests need, whatever ``--examples-scale``.

Example declaration::

    Initialization(id="init_normal", title="weights ~ N(0, 0.01²), biases 0", points=3,
                   trials=lambda rng: [Trial(dense_net(rng), call=lambda net, X: ex.init_normal(net), inputs=...)],
                   law=lambda name, shape, trial: Normal(0.01) if name.endswith("weight") else Zero(),
                   mistakes=(InitMistake("sigma is the std", lambda name, shape, trial: Normal(0.1)),),
                   locate=ex.init_normal)
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

import numpy

from grader.checks.base import CheckContext, Failure, derive_seed
from grader.checks.distribution import ALPHA, Law, Report, fit
from grader.sandbox.client import StudentError
from grader.tracks.gluon.checks.pair import build_sequential, normal, sequential_text, show_inputs, student_call
from grader.tracks.gluon.specs import Spec, array, handle, nn

__all__ = ["Initialization", "InitMistake", "Observed", "Trial", "dense_net"]

#: ``law(name, shape, trial)``: the law a parameter should follow (None: not tested).
LawFor = Callable[[str, tuple[int, ...], "Trial"], "Law | None"]


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


@dataclass(frozen=True)
class InitMistake:
    """A known wrong initialization: when every parameter given a law by ``law`` fits it (all exact
    and pooled sub-tests pass), ``hint`` is shown. ``law`` returns None for a parameter it says
    nothing about (a mistake seen only on the networks run before: ``None if not trial.ran``)."""

    hint: str
    law: LawFor


@dataclass(frozen=True)
class Observed:
    """One parameter of a trial's network after the initialization and a forward (``before``: its
    values when the network was initialized and run before the call, else None)."""

    trial: int
    name: str
    values: numpy.ndarray
    before: numpy.ndarray | None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)

    def where(self) -> str:
        """How a failure names it: ``network 2, `0.weight` (8, 5)``."""
        return f"network {self.trial + 1}, `{self.name}` {self.shape}"


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

    ``mistakes``: known wrong initializations, whose hints are shown when the values fit them;
    ``locate``: the student's function or class a failure points at (``ex.init_normal``).

    Example:
        >>> from grader.checks.distribution import Normal, Zero
        >>> check = Initialization(id="init_normal", title="N(0, 0.01²) weights", points=2,
        ...                        trials=lambda rng: [], law=lambda name, shape, trial: Zero())
        >>> check.alpha, check.mistakes
        (1e-06, ())
    """

    id: str
    title: str
    trials: Callable[[random.Random], list[Trial]]
    law: LawFor
    points: float = 1.0
    alpha: float = ALPHA
    hidden: bool = False
    shown: str = ""
    mistakes: tuple[InitMistake, ...] = ()
    locate: Spec | None = None

    def run(self, ctx: CheckContext) -> None:
        trials = self.trials(random.Random(derive_seed(ctx.seed, ctx.exercise, self.id)))
        observed: list[Observed] = []
        cases: list[str] = []
        for n, trial in enumerate(trials):
            seed = derive_seed(ctx.seed, ctx.exercise, self.id, n)
            X = normal(numpy.random.default_rng(seed), *trial.inputs)
            case = _case_text(trial, X)
            cases.append(case)
            try:
                observed += _observe(ctx, trial, n, X, seed, case)
            except Failure as failure:
                if failure.location is None:
                    failure.location = self._location(ctx)
                raise
        samples = [(law, o.values, o.before, o.where()) for o in observed
                   if (law := self.law(o.name, o.shape, trials[o.trial])) is not None]
        report = fit(samples, alpha=self.alpha, unit="values")
        if not report.passed:
            raise self._failure(ctx, trials, observed, report, cases)

    def matching_mistakes(self, observed: list[Observed], trials: list[Trial]) -> list[str]:
        """Hints of the known mistakes whose laws the observed parameters fit."""
        out = []
        for mistake in self.mistakes:
            samples = [(law, o.values, o.before, o.where()) for o in observed
                       if (law := mistake.law(o.name, o.shape, trials[o.trial])) is not None]
            if samples and fit(samples, alpha=self.alpha).passed:
                out.append(mistake.hint)
        return out

    def _location(self, ctx: CheckContext) -> dict[str, Any] | None:
        """Where the student's ``locate`` is defined (None when it is not theirs or cannot be found)."""
        if self.locate is None:
            return None
        try:
            h = ctx.student.request("value", spec=self.locate.node, keep=True)["handle"]
            loc = ctx.student.request("describe", handle=h)["locations"]
        except StudentError:
            return None
        return {"file": loc["file"], "line": loc.get("class", 0)} if loc.get("file") else None

    def _failure(self, ctx: CheckContext, trials: list[Trial], observed: list[Observed], report: Report,
                 cases: list[str]) -> Failure:
        lines = [f"{_ran_text(trials)}, then one forward each, and tested {report.samples} parameter values "
                 "against the distributions they should follow:"]
        exact = [str(v) for v in report.violations]
        lines += [f"- {v}" for v in exact[:3]]
        if len(exact) > 3:
            lines.append(f"- … and {len(exact) - 3} more parameter(s) failing an exact test.")
        lines += [f"- {o}" for o in report.outcomes if not o.passed]
        if report.violations and all(trials[_trial_of(v.where)].ran for v in report.violations) \
                and any(not t.ran for t in trials):
            lines.append("Every parameter failing an exact test belongs to a network initialized before the call; "
                         "the networks never run before pass them.")
        if report.subtests:
            lines.append(f"(Exact tests never fail a correct initialization; the {report.subtests} statistical "
                         f"sub-test(s) together fail a correct one with probability at most {report.alpha:g}.)")
        first = _trial_of(report.violations[0].where) if report.violations else 0
        case = f"# network {first + 1} of {len(trials)}\n{cases[first]}" if len(trials) > 1 else cases[first]
        hints = self.matching_mistakes(observed, trials) + report.hints()
        return Failure("\n".join(lines), hints=hints, location=self._location(ctx), case=case)


def _case_text(trial: Trial, X: numpy.ndarray) -> str:
    """The trial as Gluon code: the network, the input, the preparation, the student's call, the forward."""
    named = Spec({"kind": "attr", "name": "net"}), Spec({"kind": "attr", "name": "X"})
    made = sequential_text(trial.net) if isinstance(trial.net, tuple) else f"net = {trial.net}"
    return "\n".join([made, show_inputs([X]), *(["net.initialize()", "net(X)"] if trial.ran else []),
                      f"{trial.call(*named)}", "net(X)"])


def _observe(ctx: CheckContext, trial: Trial, n: int, X: numpy.ndarray, seed: int, case: str) -> list[Observed]:
    """Build, prepare, initialize (the student's call) and run one trial's network; read its parameters."""
    named = Spec({"kind": "attr", "name": "net"}), Spec({"kind": "attr", "name": "X"})
    shown_call = trial.call(*named)
    if isinstance(trial.net, tuple):
        built = build_sequential(ctx.student, trial.net, seed=seed)
    else:
        built = student_call(ctx, "build", doing=f"`{trial.net}`", case=case, spec=trial.net.node,
                             seed=seed)["handle"]
    before: dict[str, Any] = {}
    if trial.ran:  # another seed than the call's: an initializer drawing again must not redraw the same values
        prepared = derive_seed(seed, "before")
        student_call(ctx, "initialize", doing="the network", case=case, handle=built, seed=prepared)
        student_call(ctx, "forward", doing="the network", case=case, handle=built, inputs=[X], seed=prepared)
        before = student_call(ctx, "state", doing="the network", case=case, handle=built, values=True)["values"]
    call = trial.call(handle(built), array(X, "X"))
    student_call(ctx, "value", doing=f"`{shown_call}`", case=case, spec=call.node, seed=seed)
    student_call(ctx, "forward", doing=f"the network after `{shown_call}`", case=case, handle=built, inputs=[X],
                 seed=seed)
    state = student_call(ctx, "state", doing="the initialized network", case=case, handle=built, values=True)
    missing = [name for name in state["names"] if name not in state.get("values", {})]
    if missing:
        raise Failure(f"After `{shown_call}` and one forward, {', '.join(missing[:5])} still hold(s) no values "
                      "(not initialized).", case=case)
    return [Observed(n, name, numpy.asarray(state["values"][name]),
                     None if before.get(name) is None else numpy.asarray(before[name]))
            for name in state["names"]]


def _ran_text(trials: list[Trial]) -> str:
    """``Ran `init_normal(net)` on 4 networks (2 never run, their shapes still deferred; 2 already initialized and
    run once)``."""
    named = Spec({"kind": "attr", "name": "net"}), Spec({"kind": "attr", "name": "X"})
    calls = list(dict.fromkeys(str(t.call(*named)) for t in trials))
    what = f"`{calls[0]}`" if len(calls) == 1 else ", ".join(f"`{c}`" for c in calls[:3])
    fresh, ran = sum(not t.ran for t in trials), sum(t.ran for t in trials)
    parts = ([f"{fresh} never run, their shapes still deferred"] if fresh else []) + \
        ([f"{ran} already initialized and run once"] if ran else [])
    plural = "s" if len(trials) != 1 else ""
    return f"Ran {what} on {len(trials)} network{plural} ({'; '.join(parts)})"


def _trial_of(where: str) -> int:
    """The trial index in a sample's ``where`` (``network 2, ...`` is 1).

    Example:
        >>> _trial_of("network 3, `0.weight` (8, 5)"), _trial_of("w")
        (2, 0)
    """
    head = where.split(",", 1)[0]
    return int(head.split()[1]) - 1 if head.startswith("network ") and head.split()[1].isdigit() else 0
