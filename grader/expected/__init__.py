"""Expected values without the reference code: record the reference's answers, replay them.

A student release has no ``solutions/``. Its public checks get their expected
values from a *recording*: while `grade release` grades, every request a check
sends to the reference (build, forward, backward, state, ...) and its answer
are stored under a key that names the request by content — the operation, its
arguments, and the history of the objects it touches — never by the order in
which a check happened to ask. In the release, :class:`ReplayReference`
answers the same requests from the file.

For the requests to be the same, both sides examine a fixed list of cases
(those hypothesis drew for the release's seed, smallest first) instead of
shrinking, and the seed is the release's.
"""
from grader.expected.recording import RecordingReference
from grader.expected.replay import ReferenceUnavailable, ReplayReference
from grader.expected.store import Recording

__all__ = ["Recording", "RecordingReference", "ReplayReference", "ReferenceUnavailable"]
