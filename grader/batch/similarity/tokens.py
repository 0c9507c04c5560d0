"""Python source as a list of normalised tokens, each with its place in the text.

Comments, whitespace and line breaks are dropped; every string literal
becomes ``S`` and every number ``N``; keywords, operators and builtins stay
as written. An identifier the student chose becomes ``V``: any name not
after a dot, and a name after a dot that the file itself defines (``def
name``, ``class name``, ``self.name = ...``). Names after a dot that the file
does not define (``nn.Linear``, ``.add_module``, ``torch.einsum``) stay as
written: they say which API a solution uses. So renaming variables, methods
or attributes, editing comments or reformatting does not change the tokens.

The lexer is a regular expression, not :mod:`tokenize`: it never raises, so
code that does not compile (a half-finished copy) is tokenised too.

Example:
    >>> [t.text for t in normalise("total = x + 1  # sum\\nprint(total.real)")]
    ['V', '=', 'V', '+', 'N', 'print', '(', 'V', '.', 'real', ')']
    >>> normalise("s = 'a'")[2]
    Token(text='S', start=4, end=7)
"""
from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass

__all__ = ["Token", "normalise"]

_STRING = r"""(?:[rRbBuUfF]{0,2})(?:'''(?:\\.|[^\\])*?(?:'''|\Z)|\"\"\"(?:\\.|[^\\])*?(?:\"\"\"|\Z)|'(?:\\.|[^'\\\n])*(?:'|$)|"(?:\\.|[^"\\\n])*(?:"|$))"""
_LEXER = re.compile(rf"""
    (?P<comment>\#[^\n]*)
  | (?P<string>{_STRING})
  | (?P<number>(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)[jJ]?)
  | (?P<name>[^\W\d]\w*)
  | (?P<op>\*\*=?|//=?|->|:=|<<=?|>>=?|[-+*/%@&|^<>!=]=|[-+*/%@&|^~<>=.,:;()\[\]{{}}])
  | (?P<space>\s+|\\\n)
  | (?P<other>.)
""", re.VERBOSE | re.MULTILINE)
_KEEP = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins)) | {"self", "cls"}
_DEFINES = re.compile(r"\b(?:def|class)\s+([^\W\d]\w*)|\bself\.([^\W\d]\w*)\s*(?::[^=\n]*)?=(?!=)")


@dataclass(frozen=True)
class Token:
    """A normalised token and the characters ``[start, end)`` of the source it stands for."""

    text: str
    start: int
    end: int


def _defined(source: str) -> frozenset[str]:
    """The names the file defines as functions, classes or ``self`` attributes.

    Example:
        >>> sorted(_defined("class A:\\n  def f(self):\\n    self.w: int = 1\\n    self.k == 2"))
        ['A', 'f', 'w']
    """
    return frozenset(a or b for a, b in _DEFINES.findall(source))


def normalise(source: str) -> list[Token]:
    """The tokens of ``source`` (see the module docstring)."""
    defined = _defined(source)
    out: list[Token] = []
    after_dot = False
    for m in _LEXER.finditer(source):
        kind, text = m.lastgroup, m.group()
        if kind in ("comment", "space"):
            continue
        if kind == "string":
            text = "S"
        elif kind == "number":
            text = "N"
        elif kind == "name":
            if after_dot:
                text = "V" if text in defined else text
            elif text not in _KEEP:
                text = "V"
        out.append(Token(text, m.start(), m.end()))
        after_dot = kind == "op" and text == "."
    return out
