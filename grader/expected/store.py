"""The recording of one exercise's reference answers, as a compressed JSON file.

Tensors are stored as the judge–worker codec writes them (dtype, shape and raw
bytes in base64): loading a recording runs no code.

Example:
    >>> import torch
    >>> import grader.tracks.pytorch.arrays  # the tensor codec (a track registers it)
    >>> r = Recording(exercise="model_construction/mlp", seed=7)
    >>> r.answers["k"] = {"output": torch.ones(2)}
    >>> Recording.from_bytes(r.to_bytes()).answers["k"]["output"].tolist()
    [1.0, 1.0]
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox import codec

__all__ = ["Recording", "recording_path", "FORMAT"]

FORMAT = 1


@dataclass
class Recording:
    """Answers by request key, judge-side derived values by key, and the cases each check examined."""

    exercise: str
    seed: int
    answers: dict[str, Any] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)
    cases: dict[str, list[str]] = field(default_factory=dict)

    def merge(self, other: "Recording") -> None:
        if (other.exercise, other.seed) != (self.exercise, self.seed):
            raise ValueError("cannot merge recordings of another exercise or seed")
        self.answers.update(other.answers)
        self.derived.update(other.derived)
        for check, listed in other.cases.items():
            self.cases.setdefault(check, listed)

    def to_bytes(self) -> bytes:
        data = {"format": FORMAT, "exercise": self.exercise, "seed": self.seed, "cases": self.cases,
                "answers": codec.encode(self.answers), "derived": codec.encode(self.derived)}
        return gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0)

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Recording":
        data = json.loads(gzip.decompress(raw))
        if data.get("format") != FORMAT:
            raise ValueError(f"recording format {data.get('format')!r}, expected {FORMAT}")
        return cls(exercise=data["exercise"], seed=int(data["seed"]), cases=data["cases"],
                   answers=codec.decode(data["answers"]), derived=codec.decode(data["derived"]))

    def save(self, folder: Path) -> Path:
        path = recording_path(folder, self.exercise)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_bytes())
        return path

    @classmethod
    def load(cls, folder: Path, exercise: str) -> "Recording":
        return cls.from_bytes(recording_path(folder, exercise).read_bytes())


def recording_path(folder: Path, exercise: str) -> Path:
    """``folder/<topic>/<module>.json.gz``."""
    return folder / f"{exercise}.json.gz"
