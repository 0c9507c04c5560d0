"""Winnowing fingerprints of a token sequence (Schleimer, Wilkerson and Aiken, SIGMOD 2003).

Every run of ``k`` consecutive tokens (a k-gram) is hashed with BLAKE2b, a
hash that is the same in every process (Python's ``hash()`` of a string is
salted per process, which would make the selection, and so the scores,
change from run to run). In each window of ``w`` consecutive k-gram hashes
the smallest is kept (the rightmost one on ties), once per position. Any
shared run of at least ``k + w - 1`` tokens is then sure to share a
fingerprint, and a shared fingerprint means a shared run of ``k`` tokens.

Example:
    >>> hashes = kgram_hashes("V = V + N ; V = V * N".split(), k=3)
    >>> positions = [pos for _, pos in winnow(hashes, w=4)]
    >>> all(any(s <= p < s + 4 for p in positions) for s in range(len(hashes) - 3))  # one in every window
    True
    >>> kgram_hashes(["a", "b"], k=3)
    []
"""
from __future__ import annotations

import hashlib
from typing import Sequence

__all__ = ["kgram_hashes", "winnow"]


def kgram_hashes(tokens: Sequence[str], k: int) -> list[int]:
    """The 64-bit hash of every k-gram, in order (empty when there are fewer than ``k`` tokens).

    Example:
        >>> kgram_hashes(list("abcd"), 2)[0] == kgram_hashes(list("xabx"), 2)[1]
        True
    """
    out = []
    for i in range(len(tokens) - k + 1):
        digest = hashlib.blake2b("\x1f".join(tokens[i:i + k]).encode(), digest_size=8).digest()
        out.append(int.from_bytes(digest, "big"))
    return out


def winnow(hashes: Sequence[int], w: int) -> list[tuple[int, int]]:
    """The selected ``(hash, position)`` pairs, in order of position; all of them when ``w`` is 1.

    A sequence shorter than one window keeps its smallest hash.

    Example:
        >>> winnow([5, 3, 4, 3, 9], w=3)
        [(3, 1), (3, 3)]
        >>> winnow([7], w=3), winnow([], w=3)
        ([(7, 0)], [])
    """
    if w < 1:
        raise ValueError(f"the window must be at least 1, got {w}")
    selected: list[tuple[int, int]] = []
    if not hashes:
        return selected
    last = -1
    for end in range(min(w, len(hashes)) - 1, len(hashes)):
        start = max(0, end - w + 1)
        best = start
        for i in range(start, end + 1):
            if hashes[i] <= hashes[best]:
                best = i
        if best != last:
            selected.append((hashes[best], best))
            last = best
    return selected
