"""model_construction/mlp (Gluon): a multilayer perceptron as an nn.Block subclass.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/mlp', ['names', 'forward', 'gradients'])
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import Spec, ex

_sizes = cases(i=width(), h=width(), o=width(), batch=batch())
_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2},)


def _mlp(c: dict[str, Any]) -> Spec:
    """``MLP(h, o)``; the default sizes' case is built as ``MLP()``, so the defaults are tested too."""
    if (c["h"], c["o"]) == (_DEFAULTS[0]["h"], _DEFAULTS[0]["o"]):
        return ex.MLP()
    return ex.MLP(c["h"], c["o"])


#: ``hidden`` without its ReLU: the dense layer's own affine map
_NO_RELU = ("lambda net, X: net.output(nd.FullyConnected(X, net.hidden.weight.data(), net.hidden.bias.data(), "
            "num_hidden=net.hidden.weight.shape[0], flatten=True))")

EXERCISE = Exercise("model_construction/mlp", "A multilayer perceptron as an nn.Block subclass", (
    Names(points=2, build=_mlp, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=3, build=_mlp, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output equals `output(hidden(X))` without the ReLU: `hidden` is "
                "`nn.Dense(hidden, activation='relu')`.", _NO_RELU),
        Mistake("Your output equals `relu(output(hidden(X)))`: there is no ReLU after `output`.",
                "lambda net, X: nd.relu(net(X))"),
    )),
    Gradients(points=1, build=_mlp, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))


# -- known-bad submissions ------------------------------------------------------------------------

_HIDDEN = "self.hidden = nn.Dense(hidden, activation='relu')"
_OUTPUT = "self.output = nn.Dense(out_features)"
_FORWARD = "return self.output(self.hidden(X))"

_NO_RELU_HINT = "without the ReLU: `hidden` is `nn.Dense(hidden, activation='relu')`"
_OUTPUT_RELU_HINT = "there is no ReLU after `output`"
_SUPER = ["raised AttributeError: 'MLP' object has no attribute '_children'", "Call `super().__init__(**kwargs)`"]
_NO_FORWARD = ["raised NotImplementedError", "`hybrid_forward(self, F, X)` is run only by an nn.HybridBlock"]

MUTANTS = (
    Mutant("no_relu", "`hidden` has no ReLU (`nn.Dense(hidden)`).",
           edits=[(_HIDDEN, "self.hidden = nn.Dense(hidden)")],
           fails={"forward": [_NO_RELU_HINT, "the output of `hidden` (Dense, call 1) already differs"]},
           passes=["names", "gradients"], absent={"forward": [_OUTPUT_RELU_HINT]}),
    Mutant("relu_on_output", "`output` gets a ReLU too.",
           edits=[(_OUTPUT, "self.output = nn.Dense(out_features, activation='relu')")],
           fails={"forward": [_OUTPUT_RELU_HINT, "the output of `output` (Dense, call 2) already differs"]},
           passes=["names", "gradients"], absent={"forward": [_NO_RELU_HINT]}),
    Mutant("attribute_out", "The output layer is called `out` instead of `output`.",
           edits=[(_OUTPUT, "self.out = nn.Dense(out_features)"), (_FORWARD, "return self.out(self.hidden(X))")],
           fails={"names": ["Missing keys: output.weight, output.bias", "Unexpected keys: out.weight, out.bias",
                            "`out` looks like `output` under another name"]},
           passes=["forward", "gradients"]),  # the reference's values go in by position
    Mutant("fixed_in_units", "`hidden` is given `in_units=20` where the input width is to be inferred.",
           edits=[(_HIDDEN, "self.hidden = nn.Dense(hidden, activation='relu', in_units=20)")],
           fails={"names": ["Compared the parameter shapes as built, before the first forward",
                            "Shape of hidden.weight: expected (1, 0), got (1, 20)", "do not give `in_units`"],
                  "forward": ["Shape inconsistent", "the input width fixed where deferred initialization is asked for"],
                  "gradients": ["Shape inconsistent"]}),
    Mutant("layers_in_plain_list", "The two layers kept in a plain Python list: Gluon registers neither.",
           edits=[(f"{_HIDDEN}\n        {_OUTPUT}",
                   "self.layers = [nn.Dense(hidden, activation='relu'), nn.Dense(out_features)]"),
                  (_FORWARD, "return self.layers[1](self.layers[0](X))")],
           fails={"names": ["Your keys:     (none)", "`self.layers` is a plain Python list holding 2 block(s)",
                            "`self.register_child(block)`"],
                  "forward": ["has not been initialized", "the block is not a registered child"],
                  "gradients": ["has not been initialized"]}),
    Mutant("no_super_init", "`super().__init__(**kwargs)` never called.",
           edits=[("        super().__init__(**kwargs)\n", "")],
           fails={c: _SUPER for c in ("names", "forward", "gradients")},
           absent={c: ["nn.Module"] for c in ("names", "forward", "gradients")}),
    Mutant("hybrid_forward_in_block", "`hybrid_forward(self, F, X)` in an nn.Block, whose call runs `forward`.",
           edits=[("def forward(self, X: nd.NDArray) -> nd.NDArray:", "def hybrid_forward(self, F, X):")],
           fails={c: _NO_FORWARD for c in ("names", "forward", "gradients")},
           absent={c: ["PyTorch"] for c in ("names", "forward", "gradients")}),
    Mutant("hidden_default_128", "The default hidden width is 128, not 256.",
           edits=[("hidden: int = 256", "hidden: int = 128")],
           fails={"names": ["net = MLP()", "Shape of hidden.weight: expected (256, 0), got (128, 0)"],
                  "forward": ["the same parameters where yours match the reference's",
                              "Not copied, being of another shape in yours: hidden.weight (256, 20) in the reference, "
                              "(128, 20) in yours"]},
           passes=["gradients"]),
)
