'''Twenty independently written, correct ``MySequential`` solutions, and two planted copies.

Each solution is the shipped stub (``exercises/model_construction/my_sequential.py``)
with its two bodies written in a different way, as different students would:
``add_module``/``setattr``/``_modules[...]``/``register_module``, loops over
``_modules.values()``/``items()``/indices, ``functools.reduce``, recursion,
``while`` loops, with and without comments, type hints and docstrings.
``ORIGINAL`` is a longer solution in one student's own style;
``RENAMED_REORDERED`` copies it with every name changed and its methods in
another order; ``COMMENTS_ONLY`` copies it with only the comments changed.
'''
from __future__ import annotations

import re

from tests.conftest import ROOT

STUB = (ROOT / "exercises" / "model_construction" / "my_sequential.py").read_text()
_INIT = re.compile(r"    def __init__\(self, \*modules: nn\.Module\):\n        raise NotImplementedError\([^\n]*\)\n")
_FORWARD = re.compile(r"    def forward\(self, X: torch\.Tensor\) -> torch\.Tensor:\n        raise NotImplementedError\([^\n]*\)\n")


def from_stub(init: str, forward: str, *, header: str = "") -> str:
    """The stub with ``__init__`` and ``forward`` replaced (indented method sources), ``header`` after the imports."""
    text = _FORWARD.sub(lambda m: forward, _INIT.sub(lambda m: init, STUB))
    return text.replace("from torch import nn\n", "from torch import nn\n" + header, 1)


INDEPENDENT: dict[str, str] = {
    "s01": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        for i, m in enumerate(modules):
            self.add_module(str(i), m)
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for m in self._modules.values():
            X = m(X)
        return X
'''),
    "s02": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        for idx in range(len(modules)):
            setattr(self, str(idx), modules[idx])
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        out = X
        for idx in range(len(self._modules)):
            out = self._modules[str(idx)](out)
        return out
'''),
    "s03": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        # register every block so that its parameters are tracked
        for index, block in enumerate(modules):
            self._modules[str(index)] = block
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # run the blocks in the order they were registered
        for block in self._modules.values():
            X = block(X)
        return X
'''),
    "s04": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        [self.add_module(str(n), layer) for n, layer in enumerate(modules)]
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return functools.reduce(lambda acc, layer: layer(acc), self._modules.values(), X)
''', header="import functools\n"),
    "s05": from_stub('''    def __init__(self, *modules: nn.Module):
        nn.Module.__init__(self)
        count = 0
        for mod in modules:
            self.register_module(str(count), mod)
            count += 1
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        i = 0
        while str(i) in self._modules:
            X = self._modules[str(i)](X)
            i += 1
        return X
'''),
    "s06": from_stub('''    def __init__(self, *modules: nn.Module):
        super(MySequential, self).__init__()
        self.n_layers = len(modules)
        for k in range(self.n_layers):
            self.add_module(f"{k}", modules[k])
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for k in range(self.n_layers):
            X = getattr(self, f"{k}")(X)
        return X
'''),
    "s07": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        for position, module in zip(range(len(modules)), modules):
            self.add_module(name=str(position), module=module)
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self._apply_from(0, X)

    def _apply_from(self, start: int, X: torch.Tensor) -> torch.Tensor:
        """Recursively apply the children from ``start`` on."""
        if str(start) not in self._modules:
            return X
        return self._apply_from(start + 1, self._modules[str(start)](X))
'''),
    "s08": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        names = [str(j) for j in range(len(modules))]
        for name, child in zip(names, modules):
            self.add_module(name, child)
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for _, child in self._modules.items():
            X = child(X)
        return X
'''),
    "s09": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        self.size = 0
        for m in modules:
            self.add_module(str(self.size), m)
            self.size = self.size + 1
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        result = X
        for pos in range(self.size):
            result = self.get_submodule(str(pos))(result)
        return result
'''),
    "s10": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        for i, m in enumerate(modules):
            assert isinstance(m, nn.Module), f"argument {i} is not a module"
            self.add_module(str(i), m)
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        h = X
        for layer in list(self._modules.values()):
            h = layer(h)
        return h
'''),
    "s11": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        self._modules.update({str(i): m for i, m in enumerate(modules)})
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for key in sorted(self._modules, key=int):
            X = self._modules[key](X)
        return X
'''),
    "s12": from_stub('''    def __init__(self, *modules):
        super().__init__()
        i = 0
        while i < len(modules):
            self.add_module(str(i), modules[i])
            i = i + 1
''', '''    def forward(self, X):
        y = X
        for f in self._modules.values():
            y = f(y)
        return y
'''),
    "s13": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        for i, m in reversed(list(enumerate(modules))):
            self._modules[str(i)] = m
        # keep the keys in ascending order, the reverse loop inserted them backwards
        self._modules = OrderedDict(sorted(self._modules.items(), key=lambda kv: int(kv[0])))
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for _key, fn in self._modules.items():
            X = fn(X)
        return X
''', header="from collections import OrderedDict\n"),
    "s14": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        for i in range(len(modules)):
            self.add_module(str(i), modules[i])
        self.order = [str(i) for i in range(len(modules))]
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.run_all(X)

    def run_all(self, X):
        for key in self.order:
            X = self._modules[key](X)
        return X
'''),
    "s15": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        it = iter(modules)
        n = 0
        for part in it:
            setattr(self, str(n), part)
            n += 1
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        parts = self._modules
        out = X
        for key in parts:
            out = parts[key](out)
        return out
'''),
    "s16": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        list(map(lambda pair: self.add_module(str(pair[0]), pair[1]), enumerate(modules)))
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        value = X
        modules = tuple(self._modules.values())
        for j in range(len(modules)):
            value = modules[j](value)
        return value
'''),
    "s17": from_stub('''    def __init__(self, *modules: nn.Module):
        """Register each module under its position."""
        super().__init__()
        for number, layer in enumerate(modules, start=0):
            self.add_module(str(number), layer)
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Pass X through each registered layer."""
        if not self._modules:
            return X
        first, *rest = self._modules.values()
        X = first(X)
        for layer in rest:
            X = layer(X)
        return X
'''),
    "s18": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        self.keys_in_order = []
        for i, m in enumerate(modules):
            key = str(i)
            self._modules[key] = m
            self.keys_in_order.append(key)
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for key in self.keys_in_order:
            X = self._modules[key].forward(X) if False else self._modules[key](X)
        return X
'''),
    "s19": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        for i, module in enumerate(modules):
            if module is None:
                raise ValueError("None is not a module")
            self.add_module(str(i), module)
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        steps = iter(self._modules.values())
        while True:
            try:
                step = next(steps)
            except StopIteration:
                return X
            X = step(X)
'''),
    "s20": from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        for i, m in enumerate(modules):
            self.__setattr__(str(i), m)
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for i in range(len(self._modules)):
            X = self.__getattr__(str(i))(X)
        return X
'''),
}

ORIGINAL = from_stub('''    def __init__(self, *modules: nn.Module):
        super().__init__()
        # validate first, then register: a bad argument leaves nothing half-built
        checked = self._validated(modules)
        for position, block in enumerate(checked):
            self.add_module(str(position), block)
        self.trace_shapes = False
        self.last_shapes: list[tuple[int, ...]] = []
''', '''    def forward(self, X: torch.Tensor) -> torch.Tensor:
        current = X
        self.last_shapes = [tuple(current.shape)]
        for position in range(len(self._modules)):
            block = self._modules[str(position)]
            current = block(current)
            if self.trace_shapes:
                self.last_shapes.append(tuple(current.shape))
        return current

    @staticmethod
    def _validated(candidates):
        """Every argument must be an nn.Module; lists are flattened one level."""
        flat = []
        for candidate in candidates:
            if isinstance(candidate, (list, tuple)):
                flat.extend(candidate)
            else:
                flat.append(candidate)
        for where, candidate in enumerate(flat):
            if not isinstance(candidate, nn.Module):
                raise TypeError(f"argument {where} is a {type(candidate).__name__}, not an nn.Module")
        return flat

    def describe(self) -> str:
        """One line per block with its output shape from the last call."""
        lines = []
        for where, shape in enumerate(self.last_shapes[1:]):
            lines.append(f"{where}: {type(self._modules[str(where)]).__name__} -> {shape}")
        return "\\n".join(lines)
''')

RENAMED_REORDERED = from_stub('''    def __init__(self, *layers: nn.Module):
        super().__init__()
        # validate first, then register: a bad argument leaves nothing half-built
        ok = self._check_args(layers)
        for k, unit in enumerate(ok):
            self.add_module(str(k), unit)
        self.record = False
        self.shapes_seen: list[tuple[int, ...]] = []
''', '''    def summary(self) -> str:
        """One line per block with its output shape from the last call."""
        rows = []
        for idx, dims in enumerate(self.shapes_seen[1:]):
            rows.append(f"{idx}: {type(self._modules[str(idx)]).__name__} -> {dims}")
        return "\\n".join(rows)

    @staticmethod
    def _check_args(args):
        """Every argument must be an nn.Module; lists are flattened one level."""
        out = []
        for a in args:
            if isinstance(a, (list, tuple)):
                out.extend(a)
            else:
                out.append(a)
        for idx, a in enumerate(out):
            if not isinstance(a, nn.Module):
                raise TypeError(f"argument {idx} is a {type(a).__name__}, not an nn.Module")
        return out

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        h = inputs
        self.shapes_seen = [tuple(h.shape)]
        for k in range(len(self._modules)):
            unit = self._modules[str(k)]
            h = unit(h)
            if self.record:
                self.shapes_seen.append(tuple(h.shape))
        return h
''').replace("def __init__(self, *modules: nn.Module):", "def __init__(self, *layers: nn.Module):")

COMMENTS_ONLY = (ORIGINAL
                 .replace("# validate first, then register: a bad argument leaves nothing half-built",
                          "# check the arguments before registering anything")
                 .replace("    def forward(self, X: torch.Tensor) -> torch.Tensor:\n",
                          "    def forward(self, X: torch.Tensor) -> torch.Tensor:\n        # apply each block in turn\n"))


def as_notebook(source: str, *, markdown: str = "# My work") -> str:
    """``source`` as a notebook: a markdown cell, a skipped magic cell, then the code split at each ``class``."""
    import json

    parts = re.split(r"(?m)^(?=class )", source)
    cells = [{"cell_type": "markdown", "metadata": {}, "source": markdown},
             {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": "%%time\nprint('timing')\n"}]
    cells += [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
               "source": part.splitlines(keepends=True)} for part in parts if part.strip()]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
