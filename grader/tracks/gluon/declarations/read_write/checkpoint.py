"""read_write/checkpoint (Gluon): parameters and trainer state saved, then resumed.

``save_checkpoint(prefix, net, trainer, epoch)`` writes the parameters (``save_parameters``) and
the trainer's state (``Trainer.save_states``); ``load_checkpoint(prefix, net, trainer)`` puts the
parameters in first, then the trainer state, and returns the epoch. Training k steps, saving,
loading into fresh objects and training m more must equal k + m steps straight through, for
``sgd`` with momentum and for ``adam`` (whose state is not empty after one step).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['resume_sgd', 'resume_adam', 'epoch']
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import cases, width
from grader.tracks.gluon.checks.pair import normal, set_values
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


def _resume(optimizer: str) -> Any:
    def steps(side: Any, case: dict[str, Any], seed: int) -> Any:
        X, Y = _data(case, seed)
        net, trainer = _objects(side, case, seed, optimizer)
        side.request("forward", handle=net, inputs=[X], seed=seed)  # shapes settled: the values can be set
        set_values(side, net, seed)  # the same starting point on both sides, whatever the array API drew
        side.request("train", net=net, trainer=trainer, X=X, Y=Y, steps=case["k"])
        side.request("value", spec=ex.save_checkpoint("ckpt", handle(net), handle(trainer), case["epoch"]).node)
        fresh, fresh_trainer = _objects(side, case, seed + 7, optimizer)  # other initial values: the file must win
        epoch = side.request("value", spec=ex.load_checkpoint("ckpt", handle(fresh), handle(fresh_trainer)).node)
        side.request("train", net=fresh, trainer=fresh_trainer, X=X, Y=Y, steps=case["m"])
        return {"parameters after resuming": side.request("state", handle=fresh, values=True)["values"],
                "epoch": epoch["value"]}
    return steps


def _shown(case: dict[str, Any], optimizer: str) -> str:
    return (f"net = nn.Sequential(); net.add(nn.Dense({case['w']}, activation='relu'), nn.Dense(1)); "
            f"net.initialize()\ntrainer = gluon.Trainer(net.collect_params(), '{optimizer}', "
            f"{_OPTIMIZERS[optimizer]})\n<{case['k']} training step(s) on a fixed batch>\n"
            f"save_checkpoint('ckpt', net, trainer, {case['epoch']})\n"
            "net2, trainer2 = <fresh network and trainer, other initial values>\n"
            "epoch = load_checkpoint('ckpt', net2, trainer2)\n"
            f"<{case['m']} more training step(s) of net2>  # must equal {case['k'] + case['m']} steps straight through")


def _hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    return ["Save the trainer's state too (`trainer.save_states(prefix + '.states')`) and load it after the "
            "parameters (`net.load_parameters(...)`, then `trainer.load_states(...)`): without it the momentum "
            "(sgd) or the moment estimates (adam) start again from zero."]


EXERCISE = Exercise("read_write/checkpoint", "Checkpoints: parameters and trainer state, resumed", (
    Scenario(id="resume_sgd", title="resuming equals straight-through training (sgd with momentum)", points=3,
             cases=_steps, steps=_resume("sgd"), defaults=_DEFAULTS, max_examples=4, hints=_hints,
             what="the parameters after resuming and training on", show=lambda c: _shown(c, "sgd")),
    Scenario(id="resume_adam", title="resuming equals straight-through training (adam)", points=2,
             cases=_steps, steps=_resume("adam"), defaults=_DEFAULTS, max_examples=4, hints=_hints,
             what="the parameters after resuming and training on", show=lambda c: _shown(c, "adam")),
    Scenario(id="epoch", title="load_checkpoint returns the epoch saved", points=1, cases=_steps,
             steps=lambda side, case, seed: _resume("sgd")(side, case, seed)["epoch"], defaults=_DEFAULTS,
             max_examples=3, what="the epoch load_checkpoint returned", show=lambda c: _shown(c, "sgd")),
))
