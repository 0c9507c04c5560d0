"""parameters: submissions that differ from the reference and must still score full."""
from __future__ import annotations

from tests.conftest import ROOT, text_of

ACCESS = "parameters/access"
_SHAPES = "return {name: tuple(p.shape) for name, p in net.named_parameters()}"


def test_access_accepts_torch_size_and_ordered_dict(grade_files):
    """``p.shape`` is a tuple subclass equal to the tuple; an OrderedDict is a dict."""
    source = (ROOT / "solutions" / "parameters" / "access.py").read_text()
    assert _SHAPES in source
    source = source.replace(_SHAPES, "import collections\n    return collections.OrderedDict("
                                     "(n, p.shape) for n, p in net.named_parameters())")
    run = grade_files({"parameters/access.py": source}, ACCESS)
    assert run.score == run.max_score, [text_of(c) for c in run.checks if not c.passed]
