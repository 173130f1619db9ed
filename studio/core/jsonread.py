"""Reading untrusted JSON into typed values with errors that say where the problem is.

Every loader in core takes a ``where`` path (``episodes[2].scenes[0].shots[5]``) so a corrupt
project names the exact field that is wrong instead of failing with a KeyError.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


class SchemaError(ValueError):
    """A value in a project file has the wrong shape; the message names its path."""


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemaError(f"{where}: expected an object, got {_name(value)}")
    return value


def lst(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise SchemaError(f"{where}: expected a list, got {_name(value)}")
    return value


def field(d: dict[str, Any], key: str, kind: type[T], where: str, default: Any = ...) -> T:
    """``d[key]`` checked to be ``kind`` (int excludes bool; float accepts int)."""
    if key not in d:
        if default is ...:
            raise SchemaError(f"{where}.{key}: missing")
        return default
    value = d[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # type: ignore[return-value]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SchemaError(f"{where}.{key}: expected {kind.__name__}, got {_name(value)}")
    return value


def opt_str(d: dict[str, Any], key: str, where: str) -> str | None:
    value = d.get(key)
    if value is not None and not isinstance(value, str):
        raise SchemaError(f"{where}.{key}: expected text or null, got {_name(value)}")
    return value


def str_list(d: dict[str, Any], key: str, where: str) -> list[str]:
    items = lst(d.get(key, []), f"{where}.{key}")
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise SchemaError(f"{where}.{key}[{i}]: expected text, got {_name(item)}")
    return list(items)


def choice(d: dict[str, Any], key: str, enum: type[T], where: str, default: Any = ...) -> T:
    raw = field(d, key, str, where, default)
    try:
        return enum(raw)  # type: ignore[call-arg]
    except ValueError:
        allowed = ", ".join(e.value for e in enum)  # type: ignore[attr-defined]
        raise SchemaError(f"{where}.{key}: {raw!r} is not one of {allowed}") from None


def _name(value: Any) -> str:
    return "null" if value is None else type(value).__name__
