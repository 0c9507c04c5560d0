"""Check kind: what an initialization does to networks, tested against laws.

Each :class:`Trial` builds a network in the worker, reads its parameters and
buffers, initializes it (``net.apply(fn)``, or a call such as
``materialize(net, X)``) and reads them again. The judge then asks ``law``
which :class:`~grader.checks.distribution.Law` each tensor should follow and
tests them all with :func:`~grader.checks.distribution.fit`: exact sub-tests
(zero bias, bounds, unchanged modules) and pooled goodness-of-fit tests at a
false-alarm rate of ``alpha`` for the whole check. Structure is checked
first: the same parameter names before and after, no parameter left
uninitialized, and (``same_objects``) the same ``Parameter`` objects.

Networks are drawn from the run's seed with :class:`random.Random`, not by
hypothesis: a statistical verdict comes from all the networks together, so
there is no single case to shrink; a failing exact sub-test is shown on the
first network where it fails. The sample size is what the stated power needs,
so ``GradeOptions.examples_scale`` does not shrink it.

Example declaration::

    Initialization(id="init_normal", title="weights ~ N(0, 0.01²), bias 0", points=3,
                   trials=lambda rng: [Trial(nn.Linear(64, 32), fn=ex.init_normal)],
                   law=lambda p, t: Normal(0.01) if p.leaf == "weight" else Zero())
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from grader.checks.base import CheckContext, Failure, StudentError, derive_seed, student_error_failure
from grader.checks.distribution import ALPHA, Law, Normal, Report, Uniform, fit
from grader.checks.figures import init_figure
from grader.tracks.pytorch.checks.networks import show
from grader.tracks.pytorch.worker.specs import Spec, handle

__all__ = ["Initialization", "InitMistake", "Observed", "Trial", "where_defined", "on_linear", "xavier_uniform",
           "default_linear_weight", "XAVIER_MISTAKES"]


@dataclass(frozen=True)
class Trial:
    """One network and the initialization applied to it.

    ``fn``: ``net.apply(fn)`` (``kwargs`` through ``functools.partial``); otherwise ``call``
    turns a spec of the built network into the spec of the initializing call
    (``lambda net: ex.materialize(net, tensor(X))``), shown as ``shown_call``.
    ``locate`` names the student's function whose line a failure points at.
    """

    net: Spec
    fn: Spec | None = None
    kwargs: tuple[tuple[str, Any], ...] = ()
    call: Callable[[Spec], Spec] | None = None
    shown_call: str = ""
    locate: Spec | None = None
    comment: str = ""

    def call_text(self) -> str:
        if self.fn is None:
            return self.shown_call
        if self.kwargs:
            args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs)
            return f"net.apply(functools.partial({self.fn!r}, {args}))"
        return f"net.apply({self.fn!r})"

    def show(self) -> str:
        comment = f"  # {self.comment}" if self.comment else ""
        return f"{show(self.net)}\n{self.call_text()}{comment}"

    @property
    def target(self) -> Spec | None:
        return self.locate if self.locate is not None else self.fn


@dataclass(frozen=True)
class Observed:
    """One parameter or buffer of a trial's network, before and after the initialization."""

    trial: int
    name: str
    owner_type: str
    is_linear: bool
    is_parameter: bool
    shape: tuple[int, ...]
    before: np.ndarray | None
    after: np.ndarray
    same_object: bool | None
    was_lazy: bool = False

    @property
    def leaf(self) -> str:
        """``weight`` for ``0.weight``."""
        return self.name.rsplit(".", 1)[-1]

    @property
    def fan_in(self) -> int:
        return int(np.prod(self.shape[1:])) if len(self.shape) >= 2 else 0

    @property
    def fan_out(self) -> int:
        return int(self.shape[0] * np.prod(self.shape[2:])) if len(self.shape) >= 2 else 0


LawFor = Callable[[Observed, Trial], "Law | None"]


@dataclass(frozen=True)
class InitMistake:
    """A known wrong initialization: when the observed tensors fit ``law`` (every exact and
    pooled sub-test passes), ``hint`` is shown."""

    hint: str
    law: LawFor


@dataclass(frozen=True)
class Initialization:
    """Initialize drawn networks in the worker; every tensor follows its law."""

    id: str
    title: str
    trials: Callable[[random.Random], list[Trial]]
    law: LawFor
    points: float = 1.0
    alpha: float = ALPHA
    same_objects: bool = False
    mistakes: tuple[InitMistake, ...] = ()
    error_hints: Callable[[StudentError], list[str]] | None = None
    unit: str = "values"
    pooled_unit: str = "values"
    hidden: bool = False

    def run(self, ctx: CheckContext) -> None:
        base = derive_seed(ctx.seed, ctx.exercise, self.id)
        trials = self.trials(random.Random(base))
        observed: list[Observed] = []
        failed: dict[str, tuple[Trial, Failure]] = {}  # the first failure of each function tried
        for i, trial in enumerate(trials):
            name = repr(trial.target)
            if name in failed:
                continue
            try:
                observed += self._observe(ctx, trial, i, derive_seed(base, i))
            except Failure as failure:
                failed[name] = (trial, failure)
        if failed:
            raise _together(list(failed.values()))
        report = self.report(observed, trials)
        if report.passed:
            return
        raise self._failure(ctx, trials, observed, report)

    def report(self, observed: list[Observed], trials: list[Trial]) -> Report:
        """Test the observed tensors against their laws (the judge's side of the check)."""
        samples = [(law, o.after, o.before, _where(o, trials)) for o in observed
                   if (law := self.law(o, trials[o.trial])) is not None]
        return fit(samples, alpha=self.alpha, unit=self.pooled_unit)

    def matching_mistakes(self, observed: list[Observed], trials: list[Trial]) -> list[str]:
        """Hints of the known mistakes whose laws the observed tensors fit."""
        return [m.hint for m in self.mistakes if _fits(m, observed, trials, self)]

    # -- observing one trial ---------------------------------------------------------
    def _observe(self, ctx: CheckContext, trial: Trial, index: int, seed: int) -> list[Observed]:
        case = trial.show()

        def ask(op: str, **args: Any) -> dict[str, Any]:
            try:
                return ctx.student.request(op, **args)
            except StudentError as err:
                failure = student_error_failure(err, doing=f"`{trial.call_text()}`", case=case)
                extra = self.error_hints(err) if self.error_hints else []
                if failure.location is None:
                    failure.location = where_defined(ctx, trial.target)
                raise Failure(failure.feedback, hints=list(failure.hints) + extra, location=failure.location,
                              case=case) from None

        h = ask("build", spec=trial.net.node, seed=seed)["handle"]
        table0 = ask("param_table", handle=h)
        lazy = any(t["uninitialized"] for t in table0["parameters"] + table0["buffers"])
        before = {} if lazy else ask("state", handle=h)["tensors"]
        if trial.fn is not None:
            ask("apply_init", handle=h, fn=trial.fn.node, kwargs=dict(trial.kwargs))
        else:
            assert trial.call is not None
            ask("value", spec=trial.call(handle(h)).node, seed=seed)
        table1 = ask("param_table", handle=h)
        self._structure(ctx, trial, table0, table1)
        after = ask("state", handle=h)["tensors"]
        rows0 = {t["name"]: t for t in table0["parameters"] + table0["buffers"]}
        parameters = {t["name"] for t in table1["parameters"]}
        out = []
        for row in table1["parameters"] + table1["buffers"]:
            name = row["name"]
            value = after.get(name)
            if not isinstance(value, torch.Tensor):
                continue
            prev = before.get(name)
            out.append(Observed(
                trial=index, name=name, owner_type=row["owner_type"], is_linear=bool(row["owner_is_linear"]),
                is_parameter=name in parameters, shape=tuple(value.shape),
                before=None if prev is None else _numpy(prev), after=_numpy(value),
                same_object=None if lazy else rows0.get(name, {}).get("object") == row["object"],
                was_lazy=bool(rows0.get(name, {}).get("uninitialized"))))
        return out

    def _structure(self, ctx: CheckContext, trial: Trial, table0: dict[str, Any], table1: dict[str, Any]) -> None:
        """Same parameter names before and after, none left uninitialized, and (``same_objects``)
        the same Parameter objects."""
        call = trial.call_text()

        def fail(text: str, hints: tuple[str, ...]) -> Failure:
            return Failure(text, hints=hints, location=where_defined(ctx, trial.target), case=trial.show())

        names0 = [t["name"] for t in table0["parameters"]]
        names1 = [t["name"] for t in table1["parameters"]]
        if names0 != names1:
            gone = [n for n in names0 if n not in names1]
            new = [n for n in names1 if n not in names0]
            raise fail(f"`{call}` changed which parameters the network has: before {names0}, after {names1}"
                       f"{f' (gone: {gone})' if gone else ''}{f' (new: {new})' if new else ''}.",
                       (_BIAS_NONE_HINT,) if any(n.endswith("bias") for n in gone + new) else ())
        still = [t["name"] for t in table1["parameters"] + table1["buffers"] if t["uninitialized"]]
        if still:
            raise fail(f"After `{call}`, these parameters are still uninitialized (they have no shape yet): "
                       f"{', '.join(still)}.", (_DRY_RUN_HINT,))
        if self.same_objects:
            objects0 = {t["name"]: t["object"] for t in table0["parameters"]}
            replaced = [t["name"] for t in table1["parameters"] if objects0.get(t["name"]) != t["object"]]
            if replaced:
                what = "is a new Parameter object" if len(replaced) == 1 else "are new Parameter objects"
                raise fail(f"After `{call}`, {', '.join(f'`{n}`' for n in replaced)} {what}: the initialization "
                           "must change the existing parameters in place.", (_IN_PLACE_HINT,))

    # -- feedback ---------------------------------------------------------------------
    def _failure(self, ctx: CheckContext, trials: list[Trial], observed: list[Observed], report: Report) -> Failure:
        calls = list(dict.fromkeys(t.call_text() for t in trials))
        if len(calls) == 1:
            head = f"Ran `{calls[0]}` on {len(trials)} network{'s' if len(trials) > 1 else ''}"
        else:
            head = f"Ran {len(trials)} initializations ({'; '.join(f'`{c}`' for c in calls[:4])})"
        lines = [f"{head} and tested {report.samples} {self.unit} against the exercise's rules."]
        exact = [str(v) for v in report.violations]
        lines += [f"- {v}" for v in exact[:3]]
        if len(exact) > 3:
            lines.append(f"- … and {len(exact) - 3} more tensor(s) failing an exact test.")
        lines += [f"- {o}" for o in report.outcomes if not o.passed]
        if report.subtests:
            lines.append(f"(Exact tests never fail a correct initialization; the {report.subtests} statistical "
                         f"sub-test(s) together fail a correct one with probability at most {report.alpha:g}.)")
        hints = report.hints() + self.matching_mistakes(observed, trials)
        first = _first_violating_trial(report, trials)
        shown = [first] if first is not None else list(range(len(trials)))
        case = "\n\n".join(trials[i].show() for i in shown[:6])
        target = trials[shown[0]].target if shown else None
        samples = [(law, o.after) for o in observed if (law := self.law(o, trials[o.trial])) is not None]
        return Failure("\n".join(lines), hints=hints, location=where_defined(ctx, target), case=case,
                       figure=init_figure(samples, report, unit=self.pooled_unit))


_IN_PLACE_HINT = ("Initialize in place, e.g. `nn.init.normal_(m.weight, std=0.01)` or "
                  "`with torch.no_grad(): m.weight.fill_(v)`; assigning `m.weight = nn.Parameter(...)` replaces "
                  "the parameter, and an optimizer built before still updates the old one.")
_BIAS_NONE_HINT = ("Leave the set of parameters alone: a Linear built with `bias=False` has `m.bias is None` "
                   "(test `if m.bias is not None:` before touching it), and do not delete or add parameters.")
_DRY_RUN_HINT = ("Lazy parameters get their shape on the first forward pass: run `net(example)` once "
                 "before anything reads or initializes them.")


def _together(failed: list[tuple[Trial, Failure]]) -> Failure:
    r"""One failure naming every function that failed (the first one's feedback in full).

    Example:
        >>> from grader.tracks.pytorch.worker.specs import ex, nn
        >>> a = (Trial(nn.Linear(2, 2), fn=ex.f), Failure("f raised", location={"file": "m.py", "line": 3}))
        >>> b = (Trial(nn.Linear(2, 2), fn=ex.g), Failure("g raised\nmore", location={"file": "m.py", "line": 9}))
        >>> print(_together([a, b]).feedback)
        Fails for 2 functions: `f`, `g`.
        f raised
        <BLANKLINE>
        Also in `g` (m.py:9): g raised
    """
    first = failed[0][1]
    if len(failed) == 1:
        return first
    names = ", ".join(f"`{t.target!r}`" for t, _ in failed)
    lines = [f"Fails for {len(failed)} functions: {names}.", first.feedback, ""]
    for trial, failure in failed[1:]:
        loc = failure.location
        where = f" ({loc['file']}:{loc['line']})" if loc and loc.get("file") else ""
        lines.append(f"Also in `{trial.target!r}`{where}: {failure.feedback.splitlines()[0]}")
    hints = [h for _, f in failed for h in f.hints]
    return Failure("\n".join(lines), hints=hints, location=first.location, case=first.case, figure=first.figure)


def _numpy(t: torch.Tensor) -> np.ndarray:
    t = t.detach()
    if t.is_complex():
        t = t.abs()
    return t.to(torch.float64).reshape(-1).numpy()


def _where(o: Observed, trials: list[Trial]) -> str:
    shape = "×".join(map(str, o.shape)) or "scalar"
    text = f"`{o.name}` ({o.owner_type}, {shape})"
    return f"{text} of network {o.trial + 1}" if len(trials) > 1 else text


def _first_violating_trial(report: Report, trials: list[Trial]) -> int | None:
    if not report.violations:
        return None
    where = report.violations[0].where
    if len(trials) > 1 and " of network " in where:
        return int(where.rsplit(" of network ", 1)[1]) - 1
    return 0


def _fits(mistake: InitMistake, observed: list[Observed], trials: list[Trial], check: Initialization) -> bool:
    samples = [(law, o.after, o.before, "") for o in observed
               if (law := mistake.law(o, trials[o.trial])) is not None]
    return bool(samples) and fit(samples, alpha=check.alpha).passed


def where_defined(ctx: CheckContext, target: Spec | None, key: str = "class") -> dict[str, Any] | None:
    """The file and line where the student's function or class ``target`` is defined
    (``key="__init__"`` or ``"forward"``: that method of the class)."""
    if target is None:
        return None
    try:
        h = ctx.student.request("value", spec=target.node, keep=True)["handle"]
        loc = ctx.student.request("describe", handle=h)["locations"]
    except StudentError:
        return None
    if "file" not in loc:
        return None
    return {"file": loc["file"], "line": loc.get(key, loc.get("class", 0))}


# -- laws of PyTorch's standard initializations, for ``law`` functions ----------------------------------

def on_linear(part: str, make: Callable[[Observed], "Law | None"]) -> LawFor:
    """A ``law`` function: ``make(o)`` for the ``part`` (``"weight"``, ``"bias"``) of every nn.Linear,
    nothing for any other tensor."""
    return lambda o, t: make(o) if o.is_linear and o.leaf == part else None


def xavier_uniform(o: Observed, hint: str = "") -> Uniform:
    """``U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))`` (``nn.init.xavier_uniform_``)."""
    a = math.sqrt(6.0 / (o.fan_in + o.fan_out))
    return Uniform(-a, a, name="Xavier-uniform, a = sqrt(6 / (fan_in + fan_out))", hint=hint)


def default_linear_weight(o: Observed) -> Uniform:
    """What ``nn.Linear`` starts with: ``U(±1/sqrt(fan_in))`` (Kaiming-uniform with a = sqrt(5))."""
    bound = 1.0 / math.sqrt(o.fan_in)
    return Uniform(-bound, bound)


def _fan_bound(fan: int) -> Uniform:
    a = math.sqrt(6.0 / fan)
    return Uniform(-a, a)


#: Classic wrong versions of Xavier-uniform on Linear weights.
XAVIER_MISTAKES = (
    InitMistake("Your weights look like Xavier *normal* (`nn.init.xavier_normal_`, N(0, 2 / (fan_in + fan_out))): "
                "the exercise asks for Xavier *uniform*: `nn.init.xavier_uniform_(m.weight)`.",
                on_linear("weight", lambda o: Normal(math.sqrt(2.0 / (o.fan_in + o.fan_out))))),
    InitMistake("Your bound looks like sqrt(6 / fan_in): Xavier uses both fans, a = sqrt(6 / (fan_in + fan_out)).",
                on_linear("weight", lambda o: _fan_bound(o.fan_in))),
    InitMistake("Your bound looks like sqrt(6 / fan_out): Xavier uses both fans, a = sqrt(6 / (fan_in + fan_out)).",
                on_linear("weight", lambda o: _fan_bound(o.fan_out))),
)
