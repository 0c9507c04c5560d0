"""Encode and decode the plain data that crosses the judge–worker boundary.

Only JSON crosses, never a pickle, so decoding cannot run code. The codec itself knows
plain data (numbers, strings, containers, namedtuples, dicts with their class name);
a track teaches it its framework's values with :func:`register` — arrays cross as dtype,
shape and raw bytes in base64 (:func:`array_payload`, :func:`array_data`).

Example:
    >>> decode(encode({"x": (1, 2.5, float("nan"))}))["x"]
    (1, 2.5, nan)
    >>> loads(dumps([None, "a", {"b": True}]))
    [None, 'a', {'b': True}]

A decoded value crosses again as what it was (a recording is decoded, then replayed):
    >>> import collections
    >>> twice = decode(encode(decode(encode(collections.OrderedDict(a=1)))))
    >>> type(twice).__name__, twice.type_name
    ('DictValue', 'OrderedDict')
    >>> P = collections.namedtuple("P", "x y")
    >>> again = decode(encode(decode(encode(P(1, 2)))))
    >>> again.type_name, again.fields, tuple(again)
    ('P', ('x', 'y'), (1, 2))
"""
from __future__ import annotations

import base64
import json
from typing import Any, Callable

__all__ = ["encode", "decode", "dumps", "loads", "register", "unregister", "array_payload", "array_data", "CodecError",
           "MAX_REPR"]

MAX_REPR = 300

#: tag -> (the types it encodes, encode, decode); filled by the tracks (:func:`register`)
_EXTENSIONS: dict[str, tuple[Any, Callable[[Any], Any], Callable[[Any], Any]]] = {}
_TYPES: tuple[type, ...] = ()


class CodecError(ValueError):
    """Raised when a message does not follow the protocol."""


def register(tag: str, types: type | tuple[type, ...], encode: Callable[[Any], Any],
             decode: Callable[[Any], Any]) -> None:
    """Teach the codec a framework's values: an instance of ``types`` crosses as
    ``{"$<tag>": encode(value)}`` (plain JSON data), and comes back as ``decode(payload)``.
    ``decode`` must build the value from data only (never unpickle) and raise CodecError
    when the payload is malformed. Registering a tag again replaces it.

    Example:
        >>> import fractions
        >>> register("fraction", fractions.Fraction, lambda f: [f.numerator, f.denominator],
        ...          lambda p: fractions.Fraction(*p))
        >>> encode(fractions.Fraction(1, 3))
        {'$fraction': [1, 3]}
        >>> decode(encode([fractions.Fraction(1, 3)]))
        [Fraction(1, 3)]
        >>> unregister("fraction")
    """
    global _TYPES
    _EXTENSIONS["$" + tag] = (types, encode, decode)
    _TYPES = tuple({t: None for entry in _EXTENSIONS.values()
                    for t in (entry[0] if isinstance(entry[0], tuple) else (entry[0],))})


def unregister(tag: str) -> None:
    """Forget what :func:`register` taught the codec under ``tag`` (tests)."""
    global _TYPES
    _EXTENSIONS.pop("$" + tag, None)
    _TYPES = tuple({t: None for entry in _EXTENSIONS.values()
                    for t in (entry[0] if isinstance(entry[0], tuple) else (entry[0],))})


def array_payload(dtype: str, shape: list[int], raw: bytes | None, **extra: Any) -> dict[str, Any]:
    """An array as plain data: its dtype name, shape, ``extra`` facts (device, say), and its raw
    bytes in base64 (``None``: an array without data, such as a meta tensor).

    Example:
        >>> array_payload("uint8", [2], b"\\x01\\x02", device="cpu")
        {'dtype': 'uint8', 'shape': [2], 'device': 'cpu', 'data': 'AQI='}
    """
    return {"dtype": dtype, "shape": list(shape), **extra,
            "data": None if raw is None else base64.b64encode(raw).decode("ascii")}


def array_data(meta: dict[str, Any], itemsize: int, *, kind: str = "array") -> tuple[list[int], bytes | None]:
    """The shape and raw bytes of an array written by :func:`array_payload` (``None``: no data);
    CodecError when the bytes do not fill ``shape`` with items of ``itemsize`` bytes.

    Example:
        >>> array_data(array_payload("uint8", [2], b"\\x01\\x02"), 1)
        ([2], b'\\x01\\x02')
        >>> array_data(array_payload("int32", [2], b"\\x01\\x02"), 4)
        Traceback (most recent call last):
        ...
        grader.sandbox.codec.CodecError: array of shape [2] and dtype int32 carries 2 bytes, expected 8
    """
    shape = [int(s) for s in meta["shape"]]
    if meta.get("data") is None:
        return shape, None
    raw = base64.b64decode(meta["data"])
    numel = 1
    for s in shape:
        numel *= s
    if len(raw) != numel * itemsize:
        raise CodecError(f"{kind} of shape {shape} and dtype {meta['dtype']} "
                         f"carries {len(raw)} bytes, expected {numel * itemsize}")
    return shape, raw


def encode(value: Any, _depth: int = 0) -> Any:
    """Turn ``value`` into JSON-ready data: registered values (arrays), numbers, strings, containers.

    Objects that are none of these become ``{"$object": type name, "repr": ...}``.
    """
    if _depth > 50:
        return {"$object": "too deeply nested", "repr": ""}
    if _TYPES and isinstance(value, _TYPES):
        for tag, (types, encoder, _decoder) in _EXTENSIONS.items():
            if isinstance(value, types):
                return {tag: encoder(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {"$float": repr(value)}
        return value
    if isinstance(value, NamedTupleValue):  # a decoded namedtuple crosses again as what it was
        return {"$namedtuple": value.type_name, "fields": list(value.fields),
                "items": [encode(v, _depth + 1) for v in value]}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {"$namedtuple": type(value).__name__, "fields": list(value._fields),
                "items": [encode(v, _depth + 1) for v in value]}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, _depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"$dict": {k: encode(v, _depth + 1) for k, v in value.items()},
                    "type": value.type_name if isinstance(value, DictValue) else type(value).__name__}
        return {"$object": type(value).__name__, "repr": _short_repr(value)}
    return {"$object": type(value).__name__, "repr": _short_repr(value)}


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except BaseException:  # noqa: BLE001 - a student's __repr__ may do anything
        text = f"<{type(value).__name__}>"
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + "…"


class Opaque:
    """An object that could not cross the boundary; keeps its type name and repr."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def decode(data: Any) -> Any:
    """Inverse of :func:`encode`. Namedtuples come back as plain tuples with ``_type``
    recorded by wrapping them in :class:`NamedTupleValue`."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    for tag, (_types, _encoder, decoder) in _EXTENSIONS.items():
        if tag in data:
            return decoder(data[tag])
    if "$float" in data:
        return float(data["$float"])
    if "$tuple" in data:
        return tuple(decode(v) for v in data["$tuple"])
    if "$namedtuple" in data:
        return NamedTupleValue(data["$namedtuple"], tuple(data["fields"]),
                               tuple(decode(v) for v in data["items"]))
    if "$dict" in data:
        return DictValue({k: decode(v) for k, v in data["$dict"].items()},
                         type_name=data.get("type", "dict"))
    if "$object" in data:
        return Opaque(str(data["$object"]), str(data.get("repr", "")))
    return {k: decode(v) for k, v in data.items()}


class DictValue(dict):
    """A decoded dict that remembers the class name it had in the worker."""

    def __init__(self, items: dict[str, Any], *, type_name: str = "dict") -> None:
        super().__init__(items)
        self.type_name = type_name


class NamedTupleValue(tuple):
    """A decoded namedtuple: a tuple that remembers its type name and fields."""

    def __new__(cls, type_name: str, fields: tuple[str, ...], items: tuple[Any, ...]):
        obj = super().__new__(cls, items)
        obj.type_name = type_name
        obj.fields = fields
        return obj

    def __getnewargs__(self):  # pragma: no cover - pickling not used
        return (self.type_name, self.fields, tuple(self))


def dumps(value: Any) -> bytes:
    """Encode and serialise ``value`` to UTF-8 JSON bytes."""
    return json.dumps(encode(value), separators=(",", ":")).encode("utf-8")


def loads(raw: bytes) -> Any:
    """Parse bytes written by :func:`dumps`; raises :class:`CodecError` when malformed."""
    try:
        return decode(json.loads(raw.decode("utf-8")))
    except CodecError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError, RuntimeError) as exc:
        raise CodecError(f"malformed message: {exc}") from None
