'''Scaffold a new exercise: its three files (a stub, a solution, and its declaration module).

``scaffold("my_topic/my_layer")`` writes, under the project root:

- ``exercises/my_topic/my_layer.py``: the stub students get (what to build; the class
  with its exact names, raising ``NotImplementedError``);
- ``solutions/my_topic/my_layer.py``: a working reference (``MyLayer``, a Linear layer and a
  ReLU) so that the exercise is gradable at once;
- ``grader/tracks/pytorch/declarations/my_topic/my_layer.py``: the exercise's declaration:
  its ``EXERCISE`` (public checks, points, a known-mistake hint), a ``HIDDEN`` check (graded
  by ``grade batch`` and ``grade ci`` only; a student release strips it) and its ``MUTANTS``
  (known-bad submissions, as small changes to the solution, that ``grade selftest`` must see
  caught; a student release strips them too).

A new topic also gets the declarations' ``<topic>/__init__.py`` (a package docstring).

Every file is a starting point to edit; `grade selftest my_topic/my_layer` passes on the
scaffold as written.

Example:
    >>> parse_exercise_id("my_topic/my_layer")
    ('my_topic', 'my_layer')
    >>> class_name("my_layer")
    'MyLayer'
    >>> scaffold("my_topic/my_layer", root=Path("/tmp/project"))  # doctest: +SKIP
    [PosixPath('/tmp/project/exercises/my_topic/my_layer.py'), ...]
'''
from __future__ import annotations

import importlib.util
import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ScaffoldError", "Scaffold", "parse_exercise_id", "class_name", "plan", "scaffold"]

#: Where the declaration modules are, relative to the project root.
DECLARATIONS_DIR = "grader/tracks/pytorch/declarations"
_PART = re.compile(r"[a-z][a-z0-9_]*\Z")
#: Folder names of the project: a topic of that name would be confusing, or shadow them on sys.path.
_RESERVED = {"all", "grader", "exercises", "solutions", "mutants", "tests", "reports", "benchmarks", "tools"}


class ScaffoldError(ValueError):
    """The exercise cannot be scaffolded (a malformed id, or a file that already exists)."""


def parse_exercise_id(exercise_id: str) -> tuple[str, str]:
    """``"<topic>/<name>"`` split in two; both lower-case Python identifiers.

    Example:
        >>> parse_exercise_id("My/Layer")
        Traceback (most recent call last):
        ...
        grader.authoring.scaffold.ScaffoldError: malformed exercise id 'My/Layer': expected '<topic>/<name>', ...
    """
    parts = exercise_id.split("/")
    hint = ("expected '<topic>/<name>', both lower-case Python identifiers (letters, digits, underscores, "
            "starting with a letter), e.g. 'custom_layers/my_layer'")
    if len(parts) != 2 or not all(_PART.match(p) for p in parts):
        raise ScaffoldError(f"malformed exercise id {exercise_id!r}: {hint}")
    topic, name = parts
    for part in parts:
        if keyword.iskeyword(part):
            raise ScaffoldError(f"malformed exercise id {exercise_id!r}: {part!r} is a Python keyword")
    if topic in _RESERVED:
        raise ScaffoldError(f"malformed exercise id {exercise_id!r}: the topic {topic!r} is a reserved name")
    return topic, name


def class_name(name: str) -> str:
    """``my_layer`` -> ``MyLayer`` (the class the scaffold's stub asks for)."""
    return "".join(p[:1].upper() + p[1:] for p in name.split("_") if p) or "Layer"


@dataclass(frozen=True)
class Scaffold:
    """What ``scaffold`` writes: paths (relative to the root) and their text."""

    exercise_id: str
    title: str
    files: dict[str, str]


def _templates(track: str) -> tuple[dict[str, str], str, str, str]:
    """The folders and the three templates of ``track``."""
    if track == "gluon":
        from grader.authoring import scaffold_gluon as g

        return g.FOLDERS, g.STUB, g.SOLUTION, g.DECLARATION
    folders = {"stubs": "exercises", "solutions": "solutions", "declarations": DECLARATIONS_DIR}
    return folders, _STUB, _SOLUTION, _DECLARATION


def plan(exercise_id: str, *, title: str | None = None, track: str = "pytorch") -> Scaffold:
    """The three files of a new exercise of ``track``, not yet written.

    Example:
        >>> sorted(plan("my_topic/my_layer", track="gluon").files)[0]
        'gluon/exercises/my_topic/my_layer.py'
    """
    topic, name = parse_exercise_id(exercise_id)
    default = "a dense layer with a ReLU" if track == "gluon" else "a Linear layer followed by a ReLU"
    title = (title or f"{class_name(name)}: {default}").strip()
    if not title or "\n" in title or '"""' in title or "\\" in title:
        raise ScaffoldError(f"the title must be one non-empty line without backslashes or triple quotes, "
                            f"got {title!r}")
    fields = {"id": exercise_id, "topic": topic, "name": name, "cls": class_name(name), "title": title,
              "title_repr": repr(title), "suite": f"{topic}_{name}"}
    folders, stub, solution, declaration = _templates(track)
    files = {
        f"{folders['stubs']}/{topic}/{name}.py": stub.format(**fields),
        f"{folders['solutions']}/{topic}/{name}.py": solution.format(**fields),
        f"{folders['declarations']}/{topic}/{name}.py": declaration.format(**fields),
    }
    return Scaffold(exercise_id=exercise_id, title=title, files=files)


def scaffold(exercise_id: str, *, root: Path, title: str | None = None,
             known_ids: tuple[str, ...] = (), track: str = "pytorch") -> list[Path]:
    """Write the new exercise's files under ``root``; returns their paths.

    Raises :class:`ScaffoldError`, writing nothing, when the id is malformed, already in
    ``known_ids`` (the catalog), would shadow an installed module, or when any file exists.
    """
    root = root.resolve()
    made = plan(exercise_id, title=title, track=track)
    folders = _templates(track)[0]
    topic = exercise_id.split("/")[0]
    declarations = folders["declarations"]
    if not (root / declarations / topic / "__init__.py").is_file():  # a new topic: its package too
        made.files[f"{declarations}/{topic}/__init__.py"] = f'"""Exercise declarations of the topic {topic}."""\n'

    if exercise_id in known_ids:
        raise ScaffoldError(f"exercise {exercise_id!r} is already in the catalog")
    known_topics = {i.split("/")[0] for i in known_ids}
    if topic not in known_topics and not (root / folders["stubs"] / topic).is_dir() and _shadows(topic):
        raise ScaffoldError(f"the topic {topic!r} would shadow the installed module {topic!r} "
                            "(submission folders are put on sys.path): choose another name")
    existing = [rel for rel in made.files if (root / rel).exists()]
    if existing:
        raise ScaffoldError(f"refusing to overwrite existing files: {', '.join(existing)}")
    written = []
    for rel, text in made.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:  # "x": never replace a file made meanwhile
            f.write(text)
        written.append(path)
    return written


def _shadows(topic: str) -> bool:
    if topic in sys.stdlib_module_names or topic in sys.builtin_module_names:
        return True
    try:
        return importlib.util.find_spec(topic) is not None
    except (ImportError, ValueError):
        return False


# -- templates ---------------------------------------------------------------------------------------------

_STUB = '''"""Exercise: {title}.

Write ``{cls}``. Check it with ``grade exercise {id}``.
"""
import torch
from torch import nn
from torch.nn import functional as F


class {cls}(nn.Module):
    """A Linear layer followed by a ReLU.

    Build, in ``__init__`` (call ``super().__init__()`` first):

    - ``self.linear = nn.Linear(in_features, out_features)``

    ``forward(X)`` returns ``relu(linear(X))`` for ``X`` of shape
    ``(batch, in_features)``.

    Use exactly this attribute name: the grader expects the ``state_dict`` keys
    ``linear.weight linear.bias``. The sizes are defaults; other sizes are
    tested too.

    Example:
        >>> net = {cls}(4, 3)
        >>> net(torch.rand(2, 4)).shape
        torch.Size([2, 3])
    """

    def __init__(self, in_features: int = 4, out_features: int = 3):
        raise NotImplementedError("{cls}.__init__: create self.linear")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("{cls}.forward: return relu(linear(X))")
'''

_SOLUTION = '''"""Reference: {title}.

Implements ``{cls}``: ``relu(linear(X))`` with one submodule ``linear``.
"""
import torch
from torch import nn
from torch.nn import functional as F


class {cls}(nn.Module):
    """``relu(linear(X))``.

    Example:
        >>> net = {cls}(4, 3)
        >>> net(torch.rand(2, 4)).shape
        torch.Size([2, 3])
        >>> list(net.state_dict())
        ['linear.weight', 'linear.bias']
    """

    def __init__(self, in_features: int = 4, out_features: int = 3):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return F.relu(self.linear(X))
'''

_DECLARATION = '''"""{id}: {title}.

Scaffolded by `grade new`: edit the builds, the drawn sizes, the checks and their points,
the hidden check and the mutants, then run `grade selftest {id}`. The check kinds are in
grader/checks/ (Forward, Names, Gradients, Custom, Initialization, Device, WithHints ...).

Example:
    >>> EXERCISE.id
    '{id}'
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import Forward, Gradients, Mistake, Names
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex

# The sizes every check draws (hypothesis shrinks a failure to the smallest case), and the
# exercise's default sizes, always tried as well.
_sizes = cases(i=width(1, 8), o=width(1, 8), batch=batch())
_DEFAULTS = ({{"i": 4, "o": 3, "batch": 2}},)


def _build(c: dict[str, Any]) -> Spec:
    """What to build for a drawn case: ``ex.{cls}(...)`` is built from the student's module in the
    worker, and from the reference solution in the judge."""
    return ex.{cls}(c["i"], c["o"])


EXERCISE = Exercise(id="{id}", title={title_repr}, checks=(
    # points=...: what each check is worth; the exercise is worth their sum.
    Names(points=1, build=_build, cases=_sizes, defaults=_DEFAULTS),
    # A Mistake is a known wrong answer computed on the reference object `m`: when the student's
    # output equals it, its hint is shown with the failure.
    Forward(points=2, build=_build, inputs=matrix_input("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output equals `linear(X)`: the ReLU after `linear` is missing.", lambda m, X: m.linear(X)),
    )),
))

# Hidden checks: graded by `grade batch` and `grade ci`, never by `grade exercise`; a student
# release strips HIDDEN (and whatever only it uses) from this module.
HIDDEN = (
    Gradients(points=1, build=_build, inputs=matrix_input("i"), cases=_sizes, defaults=_DEFAULTS),
)

# Known-bad submissions, each a small change to the solution: the checks it must fail, with words
# their feedback must contain. `grade selftest` grades them; a student release strips MUTANTS.
# Add one per classic mistake, so that every check fails on at least one.
MUTANTS = (
    Mutant("hard_coded_sizes", "Hard-coded sizes: `nn.Linear(4, 3)` whatever the arguments say.",
           edits=[("nn.Linear(in_features, out_features)", "nn.Linear(4, 3)")],
           fails={{"names": "Shape of linear.weight"}}),
    Mutant("missing_relu", "No ReLU after `linear`.",
           edits=[("return F.relu(self.linear(X))", "return self.linear(X)")],
           fails={{"forward": "the ReLU after `linear` is missing"}}, passes=["names"]),
)
'''
