"""The managed Gluon environment: a virtual environment of its own, with MXNet 1.9.1 and NumPy < 1.24.

MXNet 1.9.1 needs ``numpy<1.24``, which the judge's NumPy and SciPy cannot share, so the Gluon
worker (and the trusted Gluon reference runtime) run in another interpreter, in an environment
the grader creates and manages. This module runs in the judge and imports no framework: it
finds the environment, builds it (``grade setup gluon``, or the first Gluon run that finds it
missing) and says what is wrong when it cannot.

Where it lives: ``--env PATH`` where a command offers it, else ``$GRADE_GLUON_ENV``, else
``$XDG_CACHE_HOME/d2l-dlc-grader/gluon-env`` (``~/.cache/...`` without ``XDG_CACHE_HOME``).

What it holds: a venv made by the judge's own Python (same version), ``mxnet==1.9.1`` and
``numpy<1.24`` from pip, and the grader's worker core: a link ``site-packages/grader`` to this
grader's package folder, so ``grader.sandbox`` imports there with the judge's code of the day
and nothing else of the judge's site-packages (no torch, no SciPy, no NumPy 2). The link is
checked at every use and made again when the grader moved (no network needed). A file
``grader-env.json`` is written last: an environment without it is not ready.

Example:
    >>> env = GluonEnv(Path("/tmp/g"))
    >>> str(env.python), env.site_packages.name
    ('/tmp/g/bin/python', 'site-packages')
    >>> default_env_path({"XDG_CACHE_HOME": "/c"}), default_env_path({"GRADE_GLUON_ENV": "/e", "HOME": "/h"})
    (PosixPath('/c/d2l-dlc-grader/gluon-env'), PosixPath('/e'))
    >>> env.ready()
    False
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

__all__ = ["ENV_VARIABLE", "REQUIREMENTS", "SETUP_COMMAND", "GluonEnv", "EnvError", "Completed", "Runner",
           "default_env_path", "run_command", "build", "ensure", "interpreter"]

ENV_VARIABLE = "GRADE_GLUON_ENV"
REQUIREMENTS = ("mxnet==1.9.1", "numpy<1.24")
SETUP_COMMAND = "grade setup gluon"
MARKER = "grader-env.json"
#: what the environment's Python must import, checked after every build (framework and worker core)
PROBE = ("import os, sys, mxnet, numpy, grader.sandbox.worker, grader.sandbox.forkserver; "
         "print('probe:', mxnet.__version__, numpy.__version__, os.path.realpath(os.path.dirname(grader.__file__)))")
#: variables the environment's Python runs with (see the track's ``environment``)
PROBE_ENV = {"MXNET_ENGINE_TYPE": "NaiveEngine", "OMP_NUM_THREADS": "1"}
_NETWORK_WORDS = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
                  "No matching distribution found", "Could not find a version", "ConnectTimeout",
                  "ReadTimeout", "Connection refused", "ProxyError", "SSLError")


class EnvError(RuntimeError):
    """The environment is missing or broken and could not be built; the message says what to run."""


@dataclass(frozen=True)
class Completed:
    """What a command did: its exit status and the tail of what it printed."""

    returncode: int
    output: str = ""


#: runs a command (argv, extra environment variables) and returns how it ended
Runner = Callable[[Sequence[str], Mapping[str, str]], Completed]


def run_command(argv: Sequence[str], extra_env: Mapping[str, str]) -> Completed:
    """Run ``argv`` with the judge's environment plus ``extra_env`` (no ``PYTHONPATH``: the
    environment must stand on its own); its output is kept, the last 4000 characters.

    Example:
        >>> run_command([sys.executable, "-c", "print('hi')"], {}).output.strip()
        'hi'
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(extra_env)
    done = subprocess.run(list(argv), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    return Completed(done.returncode, done.stdout[-4000:])


def default_env_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$GRADE_GLUON_ENV``, else ``$XDG_CACHE_HOME/d2l-dlc-grader/gluon-env``, else the same under
    ``~/.cache`` (see the module's example)."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_VARIABLE):
        return Path(environ[ENV_VARIABLE]).expanduser()
    cache = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME") or str(Path.home()), ".cache")
    return Path(cache).expanduser() / "d2l-dlc-grader" / "gluon-env"


def grader_package() -> Path:
    """This grader's package folder (resolved): what the environment's ``grader`` link names.

    Example:
        >>> (grader_package() / "sandbox" / "worker.py").is_file()
        True
    """
    import grader

    return Path(grader.__file__).resolve().parent


@dataclass(frozen=True)
class GluonEnv:
    """One managed environment, by its folder (nothing is checked when it is made)."""

    path: Path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def site_packages(self) -> Path:
        """Where the venv's packages go (the venv has the judge's Python version)."""
        return self.path / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"

    @property
    def grader_link(self) -> Path:
        return self.site_packages / "grader"

    @property
    def marker(self) -> Path:
        return self.path / MARKER

    def recorded(self) -> dict[str, object]:
        """What the last build wrote in the marker (empty: none, or unreadable)."""
        try:
            data = json.loads(self.marker.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def ready(self) -> bool:
        """Built with today's requirements, for this Python version, and its interpreter exists."""
        data = self.recorded()
        return (self.python.exists() and data.get("requirements") == list(REQUIREMENTS)
                and data.get("python") == _python_version())

    def linked(self) -> bool:
        """Whether ``site-packages/grader`` names this grader's package folder."""
        return self.grader_link.is_symlink() and Path(os.path.realpath(self.grader_link)) == grader_package()

    def link_grader(self) -> None:
        """Make ``site-packages/grader`` name this grader's package (again, when it moved).

        Example:
            >>> import tempfile
            >>> env = GluonEnv(Path(tempfile.mkdtemp()))
            >>> env.site_packages.mkdir(parents=True)
            >>> env.linked(), env.link_grader(), env.linked()
            (False, None, True)
        """
        link = self.grader_link
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.exists():
            raise EnvError(f"{link} is a folder, not the grader's link: remove {self.path} and run "
                           f"`{SETUP_COMMAND} --env {self.path}`")
        link.symlink_to(grader_package(), target_is_directory=True)


def _python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _step(run: Runner, argv: Sequence[str], what: str, env: GluonEnv) -> Completed:
    done = run(argv, PROBE_ENV)
    if done.returncode == 0:
        return done
    tail = "\n".join(done.output.strip().splitlines()[-8:])
    offline = any(word in done.output for word in _NETWORK_WORDS)
    reason = ("pip could not download the packages (no network, or no index that has mxnet 1.9.1?)"
              if offline else f"{what} failed (exit status {done.returncode})")
    raise EnvError(f"could not build the Gluon environment at {env.path}: {reason}.\n{tail}\n"
                   f"Run `{SETUP_COMMAND} --env {env.path}` where PyPI can be reached "
                   f"(or pip is configured with an index that has {' and '.join(REQUIREMENTS)}).")


def build(env: GluonEnv, *, progress: Callable[[str], None] = lambda line: None,
          run: Runner | None = None) -> GluonEnv:
    """Create (or repair) ``env``: a venv by the judge's Python, the requirements from pip, the
    grader's link, a probe that imports MXNet and the worker core there, then the marker.
    Each step says what it does through ``progress``; EnvError names ``grade setup gluon``.
    ``run`` runs each command (default :func:`run_command`).

    Example (a fake runner, so nothing is installed):
        >>> import tempfile
        >>> calls = []
        >>> def fake(argv, extra):
        ...     calls.append(argv[1:4])
        ...     if "venv" in argv: GluonEnv(Path(argv[-1])).site_packages.mkdir(parents=True)
        ...     return Completed(0, "probe: 1.9.1 1.23.5 /x")
        >>> env = build(GluonEnv(Path(tempfile.mkdtemp()) / "env"), run=fake)
        >>> env.ready(), env.linked(), [c[:2] for c in calls][:2], calls[2][0]
        (False, True, [['-m', 'venv'], ['-m', 'pip']], '-c')
        >>> env.recorded()["mxnet"], env.recorded()["requirements"]
        ('1.9.1', ['mxnet==1.9.1', 'numpy<1.24'])
    """
    run = run or run_command
    if env.marker.exists():
        env.marker.unlink()  # not ready until the probe has passed again
    if not env.python.exists():
        progress(f"creating the Gluon environment at {env.path} (Python {_python_version()})")
        env.path.parent.mkdir(parents=True, exist_ok=True)
        _step(run, [sys.executable, "-m", "venv", str(env.path)], "creating the virtual environment", env)
    progress(f"installing {', '.join(REQUIREMENTS)} (about 50 MB to download, 300 MB on disk)")
    _step(run, [str(env.python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                *REQUIREMENTS], "pip install", env)
    progress(f"linking the grader's worker core ({grader_package()})")
    env.link_grader()
    progress("checking that MXNet and the worker core import there")
    probe = _step(run, [str(env.python), "-c", PROBE], "the import check", env)
    # MXNet logs its engine's name on stderr, which the output holds too: read the probe's own line
    words = next((line.split()[1:] for line in probe.output.splitlines() if line.startswith("probe: ")), [])
    mxnet, numpy = (words + ["?", "?"])[:2]
    env.marker.write_text(json.dumps({"requirements": list(REQUIREMENTS), "python": _python_version(),
                                      "mxnet": mxnet, "numpy": numpy}, indent=1))
    progress(f"the Gluon environment is ready: {env.path} (mxnet {mxnet}, numpy {numpy})")
    return env


def ensure(path: Path | None = None, *, progress: Callable[[str], None] = lambda line: None,
           run: Runner | None = None) -> GluonEnv:
    """The environment at ``path`` (default :func:`default_env_path`), built first when it is
    missing or not ready; a ready one whose grader link is stale is linked again (offline).

    Example:
        >>> import tempfile
        >>> def offline(argv, extra):
        ...     return Completed(1, "ERROR: No matching distribution found for mxnet==1.9.1")
        >>> ensure(Path(tempfile.mkdtemp()) / "env", run=offline)
        Traceback (most recent call last):
        ...
        grader.tracks.gluon.env.EnvError: could not build the Gluon environment at ...: pip could not download the packages (no network, or no index that has mxnet 1.9.1?).
        ERROR: No matching distribution found for mxnet==1.9.1
        Run `grade setup gluon --env ...` where PyPI can be reached (or pip is configured with an index that has mxnet==1.9.1 and numpy<1.24).
    """
    env = GluonEnv(Path(path).expanduser() if path is not None else default_env_path())
    if env.ready():
        if not env.linked():
            progress(f"linking the grader's worker core again ({grader_package()})")
            env.link_grader()
        return env
    return build(env, progress=progress, run=run)


def interpreter(path: Path | None = None) -> str:
    """The Python of the Gluon environment, building it first (progress on stderr) when missing:
    what the Gluon track's fork server runs (:attr:`grader.tracks.Track.interpreter`)."""
    def say(line: str) -> None:
        print(f"[gluon] {line}", file=sys.stderr, flush=True)

    return str(ensure(path, progress=say).python)
