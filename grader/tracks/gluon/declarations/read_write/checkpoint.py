"""read_write/checkpoint (Gluon): parameters and trainer state saved, then resumed.

``save_checkpoint(prefix, net, trainer, epoch)`` writes the parameters (``save_parameters``) and
the trainer's state (``Trainer.save_states``); ``load_checkpoint(prefix, net, trainer)`` puts the
parameters in first, then the trainer state, and returns the epoch. Training k steps, saving,
loading into fresh objects and training m more must equal k + m steps straight through, for
``sgd`` with momentum and for ``adam`` (whose state is not empty after one step). The fresh
network never ran (a trainer state loaded before the parameters fails there, as it would for a
student); the epoch is checked apart, on a fresh network that ran once, so that only the epoch
decides it. When the resumed parameters match a trainer that started afresh (the reference's
parameter file alone), the hint says the trainer's state was lost.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['resume_sgd', 'resume_adam', 'epoch']
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import cases, width
from grader.tracks.gluon.checks.pair import normal, set_values
from grader.tracks.gluon.compare import compare
from grader.tracks.gluon.specs import ex, gluon_name, handle, nn, then

_steps = cases(k=width(1, 3), m=width(1, 3), w=width(2, 6), epoch=width(0, 9))
_DEFAULTS = ({"k": 2, "m": 2, "w": 4, "epoch": 3},)
_OPTIMIZERS = {"sgd": {"learning_rate": 0.1, "momentum": 0.9}, "adam": {"learning_rate": 0.05}}


def _objects(side: Any, case: dict[str, Any], seed: int, optimizer: str) -> tuple[int, int]:
    """A network (initialized, never run: its shapes wait for the first forward, so a trainer state loaded
    before the parameters fails as it would for a student) and its trainer."""
    net = side.request("build", spec=then(nn.Sequential(), ("add", nn.Dense(case["w"], activation="relu"),
                                                             nn.Dense(1))).node, seed=seed)["handle"]
    side.request("initialize", handle=net, seed=seed)
    trainer = gluon_name("Trainer")(handle(net).attr("collect_params")(), optimizer, _OPTIMIZERS[optimizer])
    return net, int(side.request("build", spec=trainer.node, seed=seed)["handle"])


def _data(case: dict[str, Any], seed: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    rng = numpy.random.default_rng(seed + 1)
    return normal(rng, 8, case["w"]), normal(rng, 8, 1)


def _resume(optimizer: str, *, settled: bool = False) -> Any:
    """Train k steps, save, load into fresh objects (run once first when ``settled``), train m more.
    Observes the parameters and the epoch returned; the reference's side also what resuming gives
    with the parameters alone (a trainer that starts afresh), for the hints."""
    def steps(side: Any, case: dict[str, Any], seed: int) -> Any:
        X, Y = _data(case, seed)
        net, trainer = _objects(side, case, seed, optimizer)
        side.request("forward", handle=net, inputs=[X], seed=seed)  # shapes settled: the values can be set
        set_values(side, net, seed)  # the same starting point on both sides, whatever the array API drew
        side.request("train", net=net, trainer=trainer, X=X, Y=Y, steps=case["k"])
        side.request("value", spec=ex.save_checkpoint("ckpt", handle(net), handle(trainer), case["epoch"]).node,
                     doing=f"`save_checkpoint('ckpt', net, trainer, {case['epoch']})`")
        fresh, fresh_trainer = _objects(side, case, seed + 7, optimizer)  # other initial values: the file must win
        if settled:
            side.request("forward", handle=fresh, inputs=[X], seed=seed)
        epoch = side.request("value", spec=ex.load_checkpoint("ckpt", handle(fresh), handle(fresh_trainer)).node,
                             doing="`load_checkpoint('ckpt', net2, trainer2)`")
        side.request("train", net=fresh, trainer=fresh_trainer, X=X, Y=Y, steps=case["m"],
                     doing="`net2` with `trainer2` after `load_checkpoint`")
        seen = {"parameters": side.request("state", handle=fresh, values=True)["values"], "epoch": epoch["value"]}
        if not getattr(side, "student", False):
            alone, alone_trainer = _objects(side, case, seed + 7, optimizer)
            side.request("load_parameters", handle=alone, path="ckpt.params")  # the reference's own file
            side.request("train", net=alone, trainer=alone_trainer, X=X, Y=Y, steps=case["m"])
            seen["trainer afresh"] = side.request("state", handle=alone, values=True)["values"]
        return seen
    return steps


def _shown(case: dict[str, Any], optimizer: str, settled: bool = False) -> str:
    return (f"net = nn.Sequential(); net.add(nn.Dense({case['w']}, activation='relu'), nn.Dense(1)); "
            f"net.initialize()\ntrainer = gluon.Trainer(net.collect_params(), '{optimizer}', "
            f"{_OPTIMIZERS[optimizer]})\n<{case['k']} training step(s) on a fixed batch>\n"
            f"save_checkpoint('ckpt', net, trainer, {case['epoch']})\n"
            "net2, trainer2 = <fresh network and trainer, other initial values"
            + (", net2 run once>" if settled else ", net2 never run>") + "\n"
            "epoch = load_checkpoint('ckpt', net2, trainer2)\n"
            + (f"epoch  # must be {case['epoch']}" if settled else
               f"<{case['m']} more training step(s) of net2>  # must equal {case['k'] + case['m']} steps straight "
               "through"))


def _parameters(mine: Any, theirs: Any, case: dict[str, Any]) -> str | None:
    return compare(mine["parameters"], theirs["parameters"])


def _epoch(mine: Any, theirs: Any, case: dict[str, Any]) -> str | None:
    return compare(mine["epoch"], theirs["epoch"])


def _hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if compare(mine["parameters"], theirs["trainer afresh"]) is None:
        return ["Your resumed training matches a trainer that starts afresh: the parameters came back, the trainer's "
                "state did not. Save it too (`trainer.save_states(prefix + '.states')`) and load it into the "
                "trainer you are given, after the parameters (`net.load_parameters(...)`, then "
                "`trainer.load_states(...)`): without it the momentum (sgd) or the moment estimates (adam) start "
                "again from zero."]
    return ["Save the parameters (`net.save_parameters`) and the trainer's state (`trainer.save_states`), and load "
            "both into the `net` and `trainer` you are given, the parameters first."]


def _error_hints(text: str, case: dict[str, Any]) -> list[str]:
    if "load_checkpoint" in text and ("initialization was deferred" in text or "DeferredInitialization" in text):
        return ["Load the parameters first: `net.load_parameters(prefix + '.params')` gives the network (which may "
                "never have run) its shapes and values, and only then can `trainer.load_states(prefix + '.states')` "
                "put the trainer's state on them."]
    return []


def _epoch_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    got, saved = mine["epoch"], theirs["epoch"]
    if isinstance(got, str):
        return ["Return the epoch as an `int` (`int(f.read())`), not the text read from the file."]
    if isinstance(got, int) and got == saved + 1:
        return ["`load_checkpoint` must return the epoch that was saved, not the next one."]
    return ["Save the `epoch` given to `save_checkpoint` and return it, as an `int`, from `load_checkpoint`."]


EXERCISE = Exercise("read_write/checkpoint", "Checkpoints: parameters and trainer state, resumed", (
    Scenario(id="resume_sgd", title="resuming equals straight-through training (sgd with momentum)", points=3,
             cases=_steps, steps=_resume("sgd"), defaults=_DEFAULTS, max_examples=4, judge=_parameters,
             hints=_hints, error_hints=_error_hints, what="the parameters after resuming and training on",
             show=lambda c: _shown(c, "sgd")),
    Scenario(id="resume_adam", title="resuming equals straight-through training (adam)", points=2,
             cases=_steps, steps=_resume("adam"), defaults=_DEFAULTS, max_examples=4, judge=_parameters,
             hints=_hints, error_hints=_error_hints, what="the parameters after resuming and training on",
             show=lambda c: _shown(c, "adam")),
    Scenario(id="epoch", title="load_checkpoint returns the epoch saved", points=1, cases=_steps,
             steps=_resume("sgd", settled=True), defaults=_DEFAULTS, max_examples=3, judge=_epoch,
             hints=_epoch_hints, what="the epoch load_checkpoint returned", show=lambda c: _shown(c, "sgd", True)),
))

_SAVE_STATES = "    trainer.save_states(prefix + '.states')\n"
_LOAD_PARAMS = "    net.load_parameters(prefix + '.params')\n"
_LOAD_STATES = "    trainer.load_states(prefix + '.states')\n"

_AFRESH = "Your resumed training matches a trainer that starts afresh"
_DEFERRED = "Calling `load_checkpoint('ckpt', net2, trainer2)` raised DeferredInitializationError"

MUTANTS = (
    Mutant("no_trainer_state", "Only the parameters are saved (`save_parameters`): the trainer starts afresh.",
           edits=[(_SAVE_STATES, ""), (_LOAD_STATES, "")],
           fails={"resume_sgd": [_AFRESH, "Arrays are not close!", "momentum (sgd)"], "resume_adam": [_AFRESH]},
           passes=["epoch"]),
    Mutant("states_first", "`load_checkpoint` loads the trainer state before the parameters.",
           edits=[(_LOAD_PARAMS + _LOAD_STATES, _LOAD_STATES + _LOAD_PARAMS)],
           fails={"resume_sgd": [_DEFERRED, "Load the parameters first"], "resume_adam": [_DEFERRED]},
           absent={"resume_sgd": "blocks kept in a plain Python list"}, passes=["epoch"]),
    Mutant("states_not_loaded", "`load_checkpoint` loads the parameters only (the states file is written, never read).",
           edits=[(_LOAD_STATES, "")],
           fails={"resume_sgd": [_AFRESH], "resume_adam": [_AFRESH, "moment estimates (adam)"]}, passes=["epoch"]),
    Mutant("epoch_as_text", "`load_checkpoint` returns the epoch as the text it read.",
           edits=[("return int(f.read())", "return f.read()")],
           fails={"epoch": ["got str '", "Return the epoch as an `int`"]}, passes=["resume_sgd", "resume_adam"]),
    Mutant("epoch_plus_one", "`save_checkpoint` writes the next epoch.",
           edits=[("f.write(str(int(epoch)))", "f.write(str(int(epoch) + 1))")],
           fails={"epoch": ["Compared the epoch load_checkpoint returned",
                            "the epoch that was saved, not the next one"]},
           passes=["resume_sgd", "resume_adam"]),
)
