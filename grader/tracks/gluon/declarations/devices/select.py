"""devices/select (Gluon): ``try_gpu(i=0)`` and ``try_all_gpus()`` with simulated GPU counts.

The grader simulates 0 to 3 GPUs through every public route to the count (``mx.context.num_gpus``,
``npx.num_gpus``, ``mx.util.get_gpu_count``, and a name imported from them), so the answers are
judged on a CPU machine; contexts are compared as MXNet writes them (``gpu(1)``, ``cpu(0)``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['try_gpu', 'try_gpu_default', 'try_all_gpus']
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import cases, width
from grader.tracks.gluon.specs import ex

_counts = cases(gpus=width(0, 3), i=width(0, 3))
_DEFAULTS = ({"gpus": 0, "i": 0}, {"gpus": 2, "i": 1}, {"gpus": 2, "i": 2})


def _ask(call: Any) -> Any:
    def steps(side: Any, case: dict[str, Any], seed: int) -> Any:
        side.request("simulate_gpus", count=case["gpus"])
        return side.request("value", spec=call(case).node, seed=seed)["value"]
    return steps


def _shown(case: dict[str, Any], call: str) -> str:
    return f"# a machine with {case['gpus']} GPU(s): mx.context.num_gpus() == {case['gpus']}\n{call}"


def _hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    return ["Ask MXNet how many GPUs there are (`mx.context.num_gpus()`, or `npx.num_gpus()`), at each call: "
            "GPU i exists when that count is greater than i; otherwise the answer is `mx.cpu()`."]


EXERCISE = Exercise("devices/select", "Choosing devices: try_gpu and try_all_gpus", (
    Scenario(id="try_gpu", title="try_gpu(i): mx.gpu(i) when there are more than i GPUs, else mx.cpu()", points=2,
             cases=_counts, steps=_ask(lambda c: ex.try_gpu(c["i"])), defaults=_DEFAULTS, hints=_hints,
             what="the context try_gpu returned", show=lambda c: _shown(c, f"try_gpu({c['i']})")),
    Scenario(id="try_gpu_default", title="try_gpu() asks for GPU 0", points=1, cases=cases(gpus=width(0, 3), i=width(0, 0)),
             steps=_ask(lambda c: ex.try_gpu()), defaults=({"gpus": 1, "i": 0},), hints=_hints,
             what="the context try_gpu() returned", show=lambda c: _shown(c, "try_gpu()")),
    Scenario(id="try_all_gpus", title="try_all_gpus(): every GPU, or [mx.cpu()]", points=2,
             cases=cases(gpus=width(0, 3), i=width(0, 0)), steps=_ask(lambda c: ex.try_all_gpus()),
             defaults=({"gpus": 0, "i": 0}, {"gpus": 3, "i": 0}), hints=_hints,
             what="the contexts try_all_gpus returned", show=lambda c: _shown(c, "try_all_gpus()")),
))
