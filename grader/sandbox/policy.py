"""What confinement a worker applies, what it reports, and what the judge may insist on.

Every layer is on by default and used where the machine offers it; a worker
reports the layers it got (:class:`Confinement`), and every report lists
them. ``require=True`` turns a missing required layer into an error
(:class:`SandboxUnavailable`) before any student code runs.

Example:
    >>> SandboxPolicy().layers_wanted()
    ('landlock', 'seccomp', 'network namespace')
    >>> c = Confinement(("Landlock ABI 7: ...",), frozenset({"landlock"}))
    >>> SandboxPolicy(require=True).missing(c)
    ('seccomp', 'network namespace')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SandboxPolicy", "Confinement", "SandboxUnavailable", "LAYERS", "REQUIRED_LAYERS"]

LAYERS = ("session", "rlimits", "user namespace", "network namespace", "landlock", "landlock network",
          "seccomp", "subreaper")
REQUIRED_LAYERS = ("landlock", "seccomp", "network namespace")


class SandboxUnavailable(RuntimeError):
    """A protection the instructor required is not available on this machine."""

    def __init__(self, missing: tuple[str, ...], detail: str = "") -> None:
        self.missing = missing
        text = ", ".join(missing)
        super().__init__(f"--require-sandbox: this machine does not provide {text}"
                         + (f" ({detail})" if detail else "")
                         + ". Grade on a machine whose kernel offers Landlock, seccomp (libseccomp) and "
                           "user + network namespaces, or run without --require-sandbox.")


@dataclass(frozen=True)
class SandboxPolicy:
    """Which layers a worker tries (``landlock``, ``seccomp``, ``namespaces``: all on by default;
    turning one off is for tests and for diagnosing a machine) and whether the required
    layers (Landlock, seccomp, network namespace) must all be active."""

    landlock: bool = True
    seccomp: bool = True
    namespaces: bool = True
    require: bool = False

    def layers_wanted(self) -> tuple[str, ...]:
        """The required layers this policy asks for."""
        wanted = {"landlock": self.landlock, "seccomp": self.seccomp, "network namespace": self.namespaces}
        return tuple(name for name in REQUIRED_LAYERS if wanted[name])

    def missing(self, confinement: "Confinement") -> tuple[str, ...]:
        """Required layers that ``confinement`` lacks (always empty unless ``require``)."""
        if not self.require:
            return ()
        return tuple(name for name in REQUIRED_LAYERS if name not in confinement.layers)

    def to_json(self) -> dict[str, Any]:
        return {"landlock": self.landlock, "seccomp": self.seccomp, "namespaces": self.namespaces,
                "require": self.require}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SandboxPolicy":
        return cls(**{k: bool(data[k]) for k in ("landlock", "seccomp", "namespaces", "require") if k in data})


@dataclass(frozen=True)
class Confinement:
    """What a worker got: readable descriptions, the layer names (see ``LAYERS``), and why
    a layer it tried is missing."""

    protections: tuple[str, ...] = ()
    layers: frozenset[str] = frozenset()
    problems: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"protections": list(self.protections), "layers": sorted(self.layers), "problems": list(self.problems)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Confinement":
        return cls(tuple(str(p) for p in data.get("protections", ())),
                   frozenset(str(x) for x in data.get("layers", ())),
                   tuple(str(p) for p in data.get("problems", ())))
