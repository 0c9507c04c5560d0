"""One-off: write ``mutants/<topic>/<module>/<slug>.py`` from the buggy-submission tables.

Not part of the grader. It reads the tables of realistic buggy submissions in
``tests/suites/test_*_bugs.py`` (each case: a source derived from the reference
solution, and the checks that must fail on it), adds the custom_layers cases
(written there as test functions, rebuilt here from the same helpers) and a few
hand-written mutants for checks that no table case fails on its own, and
chooses, per exercise, a small set of cases such that every check is failed by
at least one of them:

1. for each check in declaration order that no chosen case fails yet, the case
   failing it with the fewest failing checks (the most targeted bug; ties: the
   first in the table);
2. then, up to three mutants, cases whose set of failing checks is new,
   preferring checks that have the fewest mutants so far.

Each file gets a first docstring line saying what the bug is. Run from the
repository root::

    python tools/generate_mutants.py            # writes mutants/, refuses to overwrite
    python tools/generate_mutants.py --dry-run  # prints the choice only
    python tools/generate_mutants.py --force    # replaces mutants/ files it writes

Then ``grade selftest`` proves that every chosen mutant is caught.
"""
from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILL_TO = 3  # mutants per exercise at least (when the tables have that many)


@dataclass
class Case:
    exercise: str
    slug: str
    source: str
    fails: frozenset[str]
    origin: str
    index: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# -- the tables ---------------------------------------------------------------------------------------------

TABLES = {
    "tests.suites.test_model_construction_bugs": {
        "MLP_CASES": "model_construction/mlp", "SEQ_CASES": "model_construction/my_sequential",
        "FIXED_CASES": "model_construction/fixed_hidden_mlp", "NEST_CASES": "model_construction/nest_mlp",
        "PAR_CASES": "model_construction/parallel", "STACK_CASES": "model_construction/stack",
        "CONT_CASES": "model_construction/containers"},
    "tests.suites.test_parameters_bugs": {
        "ACCESS_CASES": "parameters/access", "NESTED_CASES": "parameters/nested", "INIT_CASES": "parameters/init",
        "TYING_CASES": "parameters/tying"},
    "tests.suites.test_lazy_init_bugs": {"LAZY_CASES": "lazy_init/lazy_mlp"},
}


def table_cases() -> list[Case]:
    import importlib

    found: list[Case] = []
    for module_name, tables in TABLES.items():
        module = importlib.import_module(module_name)
        for table, exercise in tables.items():
            for param in getattr(module, table):
                source, fails = param.values[0], param.values[1]
                found.append(Case(exercise, param.id.replace("-", "_"), source, frozenset(fails),
                                  f"{module_name.split('.')[-1]}.py {table}[{param.id}]"))
    return found


def custom_layers_cases() -> list[Case]:
    """The custom_layers test functions' submissions, one bug each where the helpers allow it."""
    import tests.suites.test_custom_layers_bugs as t

    origin = "test_custom_layers_bugs.py"
    head = t.HEAD

    def c(exercise: str, slug: str, body: str, fails: set[str]) -> Case:
        return Case(f"custom_layers/{exercise}", slug, head + body, frozenset(fails), origin)

    weights_t = ("nn.ParameterList(nn.Parameter(torch.randn(sizes[i + 1], sizes[i])) "
                 "for i in range(len(sizes) - 1))")
    return [
        c("centered", "per_column_mean", t._CENTERED.format(expr="X - X.mean(dim=0)"), {"forward"}),
        c("centered", "per_row_mean", t._CENTERED.format(expr="X - X.mean(dim=-1, keepdim=True)"), {"forward"}),
        c("centered", "learnable_shift", """
class CenteredLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.shift = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return X - X.mean() + self.shift
""", {"names"}),
        c("centered", "casts_to_float32", t._CENTERED.format(expr="(X - X.mean()).float()"), {"forward"}),
        c("my_linear", "data_in_forward", t._my_linear(
            forward="linear = torch.matmul(X, self.weight.data) + self.bias.data\nreturn F.relu(linear)"),
          {"gradients"}),
        c("my_linear", "weight_detached", t._my_linear(forward="w = self.weight.detach()\n"
                                                               "return F.relu(X @ w + self.bias)"), {"gradients"}),
        c("my_linear", "nn_linear_layout", t._my_linear(weight="torch.randn(units, in_units)",
                                                        forward="return F.relu(X @ self.weight.T + self.bias)"),
          {"names", "forward"}),
        c("my_linear", "no_relu", t._my_linear(forward="return X @ self.weight + self.bias"), {"forward"}),
        c("my_linear", "uniform_init", t._my_linear(weight="torch.rand(in_units, units)"), {"init"}),
        c("my_linear", "zero_bias", t._my_linear(bias="torch.zeros(units)"), {"init"}),
        c("tensor_reduction", "linear_in_x", t._reduction("return torch.einsum('bi,ijk->bk', X, self.weight)"),
          {"forward"}),
        c("tensor_reduction", "output_index_first",
          t._reduction("return torch.einsum('bi,bj,kij->bk', X, X, self.weight)",
                       shape="out_features, in_features, in_features"), {"names", "forward"}),
        c("tensor_reduction", "batch_rows_mixed",
          t._reduction("return torch.einsum('bi,cj,ijk->bk', X, X, self.weight)"), {"forward"}),
        c("tensor_reduction", "detached_loop", t._reduction(
            "out = torch.zeros(X.shape[0], self.weight.shape[2])\n"
            "for k in range(self.weight.shape[2]):\n"
            "    out[:, k] = ((X @ self.weight[:, :, k].detach()) * X).sum(1)\n"
            "return out"), {"gradients"}),
        c("fourier", "floor_half", t._FOURIER.format(expr="torch.fft.fft(X)[..., :X.shape[-1] // 2]"),
          {"forward_odd"}),
        c("fourier", "magnitudes", t._FOURIER.format(expr="torch.fft.fft(X)[..., :(X.shape[-1] + 1) // 2].abs()"),
          {"forward_even", "forward_odd"}),
        c("fourier", "rfft", t._FOURIER.format(expr="torch.fft.rfft(X)"), {"forward_even"}),
        c("fourier", "fft_over_dim_0",
          t._FOURIER.format(expr="torch.fft.fft(X, dim=0)[..., :(X.shape[-1] + 1) // 2]"), {"forward_odd"}),
        c("param_containers", "plain_list_and_dict", t._containers(list_expr=t._WEIGHTS, dict_expr=t._NAMED),
          {"list_names", "dict_names"}),
        c("param_containers", "plain_dict", t._containers(dict_expr=t._NAMED), {"dict_names"}),
        c("param_containers", "list_with_relu", t._containers(list_step="torch.relu(X @ w)"), {"list_forward"}),
        c("param_containers", "list_transposed_and_renamed",
          t._containers(list_attr="weights", list_expr=weights_t, list_step="X @ w.T"), {"list_names"}),
        c("param_containers", "dict_ignores_choice", t._containers(pick='"linear1"'), {"dict_forward"}),
        c("param_containers", "dict_argument_renamed", t._containers(choice="key", pick="key"), {"dict_forward"}),
        c("pooling", "pool_without_keepdim", t._pooling(pool="X.mean(dim=(2, 3))"), {"global_avg_pool"}),
        c("pooling", "pool_max", t._pooling(pool="F.max_pool2d(X, kernel_size=X.shape[2:])"), {"global_avg_pool"}),
        c("pooling", "flatten_batch_too", t._pooling(flat="X.reshape(-1)"), {"flatten"}),
        c("pooling", "flatten_with_view", t._pooling(flat="X.view(X.shape[0], -1)"), {"flatten_non_contiguous"}),
        c("pooling", "concat_on_batch_dim", t._pooling(concat="torch.cat(xs, dim=0)"), {"channel_concat"}),
        c("pooling", "concat_with_stack", t._pooling(concat="torch.stack(xs, dim=1)"), {"channel_concat"}),
    ]


# -- hand-written: checks that no table case fails on its own ----------------------------------------------

def _variant(rel: str, *edits: tuple[str, str]) -> str:
    text = (ROOT / "solutions" / rel).read_text()
    for old, new in edits:
        assert old in text, f"{old!r} not in solutions/{rel}"
        text = text.replace(old, new)
    return text


def hand_written_cases() -> list[Case]:
    origin = "hand-written"
    return [
        Case("model_construction/mlp", "hidden_through_data", _variant(
            "model_construction/mlp.py",
            ("return self.output(F.relu(self.hidden(X)))", "return self.output(F.relu(self.hidden(X)).data)")),
             frozenset({"gradients"}), origin),
        Case("model_construction/my_sequential", "copies_repeated_module", "import copy\n" + _variant(
            "model_construction/my_sequential.py",
            ("""            # add_module puts the child in self._modules, unlike a plain list.
            self.add_module(str(idx), module)""",
             """            if any(module is m for m in self._modules.values()):
                module = copy.deepcopy(module)  # "a module cannot have two parents"
            self.add_module(str(idx), module)""")),
             frozenset({"gradients"}), origin),
        Case("model_construction/parallel", "concat_in_numpy", "import numpy as np\n" + _variant(
            "model_construction/parallel.py",
            ("return torch.cat([self.net1(X), self.net2(X)], dim=self.dim)",
             "parts = [self.net1(X).detach().numpy(), self.net2(X).detach().numpy()]\n"
             "        return torch.from_numpy(np.concatenate(parts, axis=self.dim))")),
             frozenset({"gradients"}), origin),
        Case("model_construction/containers", "head_as_attribute", _variant(
            "model_construction/containers.py",
            ("        return self.heads[head](X)", "        return getattr(self, head)(X)")),
             frozenset({"multihead_forward"}), origin),
    ]


# -- checks a table case fails only on some seeds when fewer examples are drawn -----------------------------

#: ``grade selftest --examples-scale 0.3`` (what the project's tests run) draws a few examples per check:
#: these table cases are caught by these checks at full scale, but not on every seed at 0.3, so they do not
#: count for them when choosing (the case may still be chosen for its other checks).
NOT_RELIABLY = {
    # the first drawn chains have one layer, which reads the same reversed
    ("model_construction/my_sequential", "reversed_order"): {"forward"},
    # with a single tensor, concatenating along dimension 0 or 1 gives the same result
    ("custom_layers/pooling", "concat_on_batch_dim"): {"channel_concat"},
    # the first drawn pick is the first head, the one it always uses
    ("model_construction/containers", "multihead_ignores_head"): {"multihead_forward"},
}


# -- what each chosen bug is (the first docstring line) -----------------------------------------------------

DESCRIPTIONS = {
    # model_construction
    "model_construction/mlp/missing_relu": "No ReLU between `hidden` and `output`.",
    "model_construction/mlp/out_instead_of_output": "The output layer is called `out` instead of `output`.",
    "model_construction/mlp/relu_after_output": "A ReLU after the output layer too.",
    "model_construction/mlp/layers_in_plain_list": "Both layers kept in a plain Python list: PyTorch cannot see them.",
    "model_construction/mlp/no_super_init": "`__init__` never calls `super().__init__()`.",
    "model_construction/mlp/hidden_through_data":
        "The hidden activations go through `.data`: no gradient reaches `hidden`.",
    "model_construction/mlp/hard_coded_sizes": "The layer sizes are hard-coded to the defaults (20, 256, 10).",
    "model_construction/my_sequential/plain_list": "The modules are kept in a plain Python list: their parameters are "
                                                   "invisible.",
    "model_construction/my_sequential/reversed_order": "`forward` applies the modules in reverse order.",
    "model_construction/my_sequential/children_skips_repeated_module":
        "`forward` iterates over `self.children()`, which skips a module passed twice.",
    "model_construction/my_sequential/setattr_other_names": "Modules registered as `layer0`, `layer1`, ... instead of "
                                                            "`0`, `1`, ...",
    "model_construction/my_sequential/copies_repeated_module":
        "A module passed twice is deep-copied: the two positions no longer share parameters.",
    "model_construction/my_sequential/return_inside_loop": "`return X` inside the loop: only the first module runs.",
    "model_construction/fixed_hidden_mlp/rand_weight_parameter": "`rand_weight` is an `nn.Parameter`, not a buffer.",
    "model_construction/fixed_hidden_mlp/rand_weight_plain_attribute":
        "`rand_weight` is a plain tensor attribute, not a registered buffer.",
    "model_construction/fixed_hidden_mlp/rand_weight_randn":
        "`rand_weight` drawn with `torch.randn` instead of `torch.rand`.",
    "model_construction/fixed_hidden_mlp/without_plus_one": "`relu(X @ rand_weight)` without the `+ 1`.",
    "model_construction/fixed_hidden_mlp/output_through_item":
        "The output is rebuilt from `.item()`: it is cut off from autograd.",
    "model_construction/fixed_hidden_mlp/two_linear_layers": "A second Linear layer instead of using `linear` twice.",
    "model_construction/nest_mlp/missing_last_relu": "`net` lacks its last ReLU.",
    "model_construction/nest_mlp/chimera_wrong_order": "`chimera()` puts `FixedHiddenMLP` before the Linear layer.",
    "model_construction/nest_mlp/no_inner_sequential": "Separate Linear attributes instead of the `net` Sequential.",
    "model_construction/nest_mlp/chimera_wrong_size": "`chimera()`'s middle layer is `Linear(20, 16)`, not "
                                                      "`Linear(16, 20)`.",
    "model_construction/parallel/cat_on_dim_0": "The outputs are concatenated along dimension 0.",
    "model_construction/parallel/ignores_dim": "`dim` is stored but ignored: always concatenates along dimension 1.",
    "model_construction/parallel/net2_first": "`net2`'s output comes first.",
    "model_construction/parallel/nets_in_plain_list": "Both networks kept in a plain Python list.",
    "model_construction/parallel/concat_in_numpy":
        "The outputs are concatenated in NumPy: no gradient reaches either network.",
    "model_construction/stack/one_instance_repeated": "`[make_block()] * n`: one block repeated n times.",
    "model_construction/stack/n_plus_one_blocks": "`range(n + 1)`: one block too many.",
    "model_construction/stack/returns_module_list": "Returns an `nn.ModuleList`, which cannot be called.",
    "model_construction/stack/extra_call_to_inspect_block": "Calls `make_block()` once more than needed.",
    "model_construction/stack/range_from_one": "`range(1, n)`: one block too few.",
    "model_construction/containers/tower_relu_after_last_layer": "`Tower` puts a ReLU after its last layer too.",
    "model_construction/containers/tower_plain_list": "`Tower` keeps its layers in a plain Python list.",
    "model_construction/containers/multihead_plain_dict": "`MultiHead` keeps its heads in a plain Python dict.",
    "model_construction/containers/multihead_ignores_head": "`MultiHead.forward` ignores `head`: always the first.",
    "model_construction/containers/head_as_attribute":
        "`MultiHead.forward` uses `getattr(self, head)`: a ModuleDict's entries are not attributes.",
    "model_construction/containers/unknown_head_value_error": "An unknown head raises `ValueError`, not `KeyError`.",
    "model_construction/containers/tower_no_relu": "`Tower` has no ReLU at all.",
    "model_construction/containers/unknown_head_returns_none": "An unknown head returns `None`.",
    # parameters
    "parameters/access/shapes_as_lists": "`param_shapes` gives lists, not tuples.",
    "parameters/access/count_tied_twice": "`count_params` counts a tied parameter once per place.",
    "parameters/access/count_ignores_flag": "`count_params` ignores `trainable_only`.",
    "parameters/access/count_with_buffers": "`count_params` counts buffers too.",
    "parameters/access/shapes_with_buffers": "`param_shapes` lists buffers from `state_dict()` too.",
    "parameters/nested/blocks_numbered": "`block2` numbers its blocks `0`, `1`, ... instead of `block 0`, ...",
    "parameters/nested/block1_without_last_relu": "`block1` lacks its last ReLU.",
    "parameters/nested/one_block_reused": "`block2` adds one `block1()` n times.",
    "parameters/nested/blocks_without_space": "`block2` names its blocks `block0`, `block1`, ... (no space).",
    "parameters/nested/block1_transposed": "`block1`'s second layer is `Linear(4, 8)`, not `Linear(8, 4)`.",
    "parameters/init/normal_std_0.1": "`init_normal` uses std 0.1 instead of 0.01.",
    "parameters/init/constant_ignores_value": "`init_constant` ignores its `value` argument.",
    "parameters/init/xavier_normal": "`init_xavier` uses Xavier normal instead of Xavier uniform.",
    "parameters/init/my_init_mask_inverted": "`my_init` zeroes the entries with |w| >= 5 instead of |w| < 5.",
    "parameters/init/new_parameter": "`init_normal` assigns a new `nn.Parameter` instead of initializing in place.",
    "parameters/init/touches_every_weight": "`init_constant` touches every module with a `weight`, not only "
                                            "`nn.Linear`.",
    "parameters/init/bias_none_unguarded": "`init_normal` zeroes `m.bias` without checking that there is one.",
    "parameters/tying/copied_weights": "The second use is a deep copy of `shared`, not the same layer.",
    "parameters/tying/fresh_untied_layer": "A fresh `nn.Linear(8, 8)` at index 4: nothing is tied.",
    "parameters/tying/tanh": "The activation after the second shared layer is Tanh, not ReLU.",
    "parameters/tying/weight_only": "Only the weight is shared between the two layers, not the whole layer.",
    "parameters/tying/module_level_shared": "`shared` is created once at module level.",
    # lazy_init
    "lazy_init/lazy_mlp/fixed_input_width": "`hidden` is `nn.Linear(20, hidden)`, not an `nn.LazyLinear`.",
    "lazy_init/lazy_mlp/no_relu": "No ReLU between `hidden` and `output`.",
    "lazy_init/lazy_mlp/init_skips_lazy_layers":
        "`materialize` initializes before the dry forward and skips the lazy layers.",
    "lazy_init/lazy_mlp/returns_nothing": "`materialize` returns nothing.",
    "lazy_init/lazy_mlp/xavier_normal": "`materialize` uses Xavier normal instead of Xavier uniform.",
    "lazy_init/lazy_mlp/init_before_dry_run": "`materialize` initializes before the dry forward pass.",
    # custom_layers
    "custom_layers/centered/per_column_mean": "Subtracts each column's mean instead of the mean of all entries.",
    "custom_layers/centered/learnable_shift": "Adds a learnable shift parameter.",
    "custom_layers/centered/per_row_mean": "Subtracts each row's mean instead of the mean of all entries.",
    "custom_layers/centered/casts_to_float32": "Casts the output to float32.",
    "custom_layers/my_linear/data_in_forward": "`forward` uses `self.weight.data` and `self.bias.data` (as the book "
                                               "does): no gradient reaches them.",
    "custom_layers/my_linear/nn_linear_layout": "`weight` has nn.Linear's layout `(units, in_units)`.",
    "custom_layers/my_linear/uniform_init": "`weight` drawn with `torch.rand` instead of `torch.randn`.",
    "custom_layers/my_linear/no_relu": "No ReLU in `forward`.",
    "custom_layers/my_linear/zero_bias": "`bias` initialized to zeros.",
    "custom_layers/my_linear/weight_detached": "`forward` uses `self.weight.detach()`.",
    "custom_layers/tensor_reduction/linear_in_x": "`einsum('bi,ijk->bk')`: linear in x, not quadratic.",
    "custom_layers/tensor_reduction/output_index_first": "`weight` has the output index first: "
                                                         "`(out_features, in, in)`.",
    "custom_layers/tensor_reduction/detached_loop": "A loop over k with `.detach()`d weight slices.",
    "custom_layers/tensor_reduction/batch_rows_mixed": "`einsum('bi,cj,ijk->bk')` mixes batch rows.",
    "custom_layers/fourier/floor_half": "Keeps `n // 2` coefficients instead of `ceil(n / 2)`.",
    "custom_layers/fourier/magnitudes": "Returns the magnitudes of the coefficients, not the complex values.",
    "custom_layers/fourier/rfft": "`torch.fft.rfft`, which keeps `n // 2 + 1` coefficients.",
    "custom_layers/fourier/fft_over_dim_0": "The FFT runs over dimension 0 instead of the last one.",
    "custom_layers/param_containers/plain_list_and_dict":
        "Plain Python list and dict instead of `nn.ParameterList` and `nn.ParameterDict`.",
    "custom_layers/param_containers/list_with_relu": "`ListDense` applies a ReLU after each weight.",
    "custom_layers/param_containers/dict_ignores_choice": "`DictDense.forward` always uses `linear1`.",
    "custom_layers/param_containers/plain_dict": "`DictDense` keeps its weights in a plain Python dict.",
    "custom_layers/param_containers/list_transposed_and_renamed":
        "`ListDense` stores transposed weights under `self.weights`.",
    "custom_layers/param_containers/dict_argument_renamed": "`DictDense.forward`'s argument is `key`, not `choice`.",
    "custom_layers/pooling/pool_without_keepdim": "`GlobalAvgPool2d` drops the pooled dimensions (no "
                                                  "`keepdim=True`).",
    "custom_layers/pooling/flatten_batch_too": "`FlattenLayer` flattens the batch dimension too.",
    "custom_layers/pooling/flatten_with_view": "`FlattenLayer` uses `.view`, which fails on a non-contiguous input.",
    "custom_layers/pooling/concat_on_batch_dim": "`channel_concat` concatenates along dimension 0.",
    "custom_layers/pooling/pool_max": "`GlobalAvgPool2d` takes the maximum instead of the mean.",
    "custom_layers/pooling/concat_with_stack": "`channel_concat` uses `torch.stack` instead of `torch.cat`.",
    # read_write
    "read_write/tensor_io/tolist_drops_dtype": "Saves `.tolist()`: the dtypes are lost.",
    "read_write/tensor_io/load_weights_only_false": "`load` uses `torch.load(path, weights_only=False)`.",
    "read_write/tensor_io/numpy_save_adds_suffix": "Saves with `np.save`, which adds a `.npy` suffix.",
    "read_write/tensor_io/float_cast_on_save": "Casts every tensor to float32 before saving.",
    "read_write/tensor_io/load_returns_tuple_for_list": "`load` turns a list into a tuple.",
    "read_write/tensor_io/pickle_dump_and_load": "Plain `pickle` for both `save` and `load`.",
    "read_write/checkpoint/no_optimizer_state": "The optimizer's state is not saved: resumes with a fresh optimizer.",
    "read_write/checkpoint/epoch_plus_one": "`load_checkpoint` returns the epoch after the saved one.",
    "read_write/checkpoint/model_rebound_locally":
        "`load_checkpoint` loads into a deep copy of `model`: the caller's model and optimizer are untouched.",
    "read_write/checkpoint/unsafe_load": "`load_checkpoint` uses `torch.load(path, weights_only=False)`.",
    "read_write/checkpoint/new_optimizer_inside_load": "`load_checkpoint` loads into a new optimizer of its own.",
    "read_write/checkpoint/epoch_not_returned": "`load_checkpoint` returns nothing.",
    "read_write/clone/nothing_loaded": "Returns `make()` without loading the saved parameters.",
    "read_write/clone/no_eval": "The clone is left in training mode.",
    "read_write/clone/returns_net_itself": "Returns `net` itself.",
    "read_write/clone/no_file": "Copies the `state_dict` without writing the file.",
    "read_write/clone/saves_whole_model": "Saves the whole module with `torch.save(net, path)`.",
    "read_write/clone/assign_true_shares_storage": "`load_state_dict(net.state_dict(), assign=True)` shares storage.",
    # devices
    "devices/select/try_gpu_ignores_i": "`try_gpu` always returns `cuda:0`, whatever `i`.",
    "devices/select/all_gpus_empty_without_gpu": "`try_all_gpus` returns `[]` without a GPU.",
    "devices/select/try_gpu_always_cuda": "`try_gpu` returns a CUDA device even without a GPU.",
    "devices/select/try_gpu_off_by_one": "`try_gpu` is off by one: `cuda:i` when there are only i GPUs.",
    "devices/select/all_gpus_skips_last": "`try_all_gpus` leaves out the last GPU.",
    "devices/placement/tuples_become_lists": "`to_device` turns tuples into lists.",
    "devices/placement/moves_in_place": "`to_device` moves the tensors in place in the caller's dicts and lists.",
    "devices/placement/hard_coded_cuda": "`AddPositions` creates its positions on `'cuda'`.",
    "devices/placement/arange_without_dtype": "`AddPositions` creates its positions without `dtype=X.dtype`.",
    "devices/placement/arange_without_device": "`AddPositions` creates its positions without `device=X.device`.",
    "devices/placement/namedtuples_become_tuples": "`to_device` turns namedtuples into plain tuples.",
    "devices/placement/positions_start_at_one": "`AddPositions` starts its positions at 1.",
}


# -- choosing ------------------------------------------------------------------------------------------------

def choose(cases: list[Case], checks: list[str]) -> tuple[list[Case], list[str]]:
    """The chosen cases, and the checks that no case fails (they need a hand-written mutant)."""
    chosen: list[Case] = []
    covered: set[str] = set()
    for check in checks:
        if check in covered:
            continue
        candidates = [c for c in cases if check in c.fails and c not in chosen]
        if not candidates:
            continue
        best = min(candidates, key=lambda c: (len(c.fails), c.index))
        chosen.append(best)
        covered |= best.fails
    while len(chosen) < FILL_TO:
        counts = Counter(ch for c in chosen for ch in c.fails)
        seen = {c.fails for c in chosen}
        rest = [c for c in cases if c not in chosen and c.fails]
        if not rest:
            break
        chosen.append(min(rest, key=lambda c: (c.fails in seen, min(counts[ch] for ch in c.fails), len(c.fails),
                                                c.index)))
    return chosen, [ch for ch in checks if ch not in covered]


def with_docstring(source: str, description: str, exercise: str, case: Case) -> str:
    """``source`` with its module docstring (and any other bare module-level string) replaced by one
    whose first line is ``description``."""
    source = source.lstrip("\n")
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            drop.update(range(node.lineno - 1, node.end_lineno or node.lineno))
    body = "".join(line for i, line in enumerate(lines) if i not in drop).lstrip("\n")
    doc = (f'"""{description}\n\n'
           f"Known-bad submission (a mutant) of {exercise}: `grade selftest` checks that at least\n"
           f"one check fails on it. Derived from the reference solution: never give it to students.\n"
           f'Source: {case.origin}.\n"""\n')
    text = doc + body
    if not text.endswith("\n"):
        text += "\n"
    ast.parse(text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "mutants")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()

    from grader.catalog import all_exercises

    cases = table_cases() + custom_layers_cases() + hand_written_cases()
    for i, c in enumerate(cases):
        c.index = i
        c.fails = c.fails - NOT_RELIABLY.get((c.exercise, c.slug), set())
    status = 0
    for exercise in all_exercises():
        mine = [c for c in cases if c.exercise == exercise.id]
        checks = [ch.id for ch in exercise.checks]
        unknown = {ch for c in mine for ch in c.fails} - set(checks)
        if unknown:
            print(f"{exercise.id}: the tables name unknown checks {sorted(unknown)}", file=sys.stderr)
            status = 1
        chosen, uncovered = choose(mine, checks)
        print(f"{exercise.id}: {len(mine)} cases -> {', '.join(f'{c.slug} {sorted(c.fails)}' for c in chosen)}"
              + (f"; NO CASE FAILS {uncovered}" if uncovered else ""))
        for c in chosen:
            key = f"{exercise.id}/{c.slug}"
            description = DESCRIPTIONS.get(key)
            if description is None:
                print(f"  no description for {key}", file=sys.stderr)
                status = 1
                description = c.slug.replace("_", " ").capitalize() + "."
            path = args.out / exercise.id / f"{c.slug}.py"
            if args.dry_run:
                continue
            if path.exists() and not args.force:
                print(f"  {path} exists (use --force)", file=sys.stderr)
                status = 1
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(with_docstring(c.source, description, exercise.id, c))
    return status


if __name__ == "__main__":
    sys.exit(main())
