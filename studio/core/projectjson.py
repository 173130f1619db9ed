"""The text of ``project.json``: a layout that diffs well and is fast to write and read.

``json.dumps(indent=...)`` falls back to the pure-Python encoder, several times slower than the
C one on a big project. Instead the document is indented down to the takes, and every object
below that level (a take, a character, an episode/scene/shot header) is one compact line from
the C encoder::

    {
      "schema": "micro-drama-studio.project",
      "version": 1,
      "saved": "2025-01-01T10:00:00+00:00",
      "project": {
        "title": "Rain",
        ...
        "episodes": [
          {"number": 1, "title": "Pilot", "scenes": [
            {"heading": "EXT. STREET - NIGHT", "index": 1, "number": "", "shots": [
              {"id": "sh-1", "kind": "action", ..., "takes": [
                {"id": "tk-1", "media": "takes/sh-1/tk-1.mp4", "request": {...}, ...},
                {"id": "tk-2", ...}
              ]}
            ]}
          ]}
        ],
        ...

so a new take, an approval or a changed prompt is a one-line change in ``git diff``.
"""

from __future__ import annotations

import json
import json.encoder
import marshal
import re
from collections.abc import Callable
from typing import Any

# Which list inside an item is laid out one element per line, by the list the item is in.
_NESTED = {"episodes": "scenes", "scenes": "shots", "shots": "takes", "archived_shots": "takes"}
_STEP = "  "
_ITEM_INDENT = _STEP * 3  # where the items of the lists in "project" start
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, as json.decoder uses


def encode(doc: dict[str, Any]) -> bytes:
    """``doc`` as UTF-8 JSON text in the layout above (one-off; see :class:`Encoder`)."""
    return Encoder().encode(doc)


class Encoder:
    """Writes the layout above, remembering the text of each episode (and each top-level item).

    An item's text is reused only when the item is exactly as it was at the last encoding: the
    key is its ``marshal`` bytes, which tell apart everything JSON does (types, key order,
    -0.0), are made in C at several times the speed of JSON encoding, and never depend on
    object identity. A save after an edit re-encodes only the episodes that changed. Only the
    latest encoding's texts are kept.
    """

    def __init__(self) -> None:
        self._texts: dict[tuple[str, str | None, bytes], str] = {}
        self._used: dict[tuple[str, str | None, bytes], str] = {}
        self._dumps = _compact(ensure_ascii=False)

    def encode(self, doc: dict[str, Any]) -> bytes:
        """UTF-8 JSON text; TypeError/ValueError if ``doc`` holds what JSON cannot."""
        self._used = {}
        try:
            text = self._layout(doc).encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (odd file names): escape them instead
            return _Escaping().encode(doc)
        self._texts, self._used = self._used, {}
        return text

    def learn(self, items: list[tuple[str, Any, str]]) -> None:
        """Remember the text each project-level list item was read from (see :func:`parse`).

        Must run before anything can change the values: the key is taken from them now.
        """
        for name, value, text in items:
            try:
                key = (_ITEM_INDENT, _NESTED.get(name), marshal.dumps(value, 2))
            except ValueError:
                continue
            self._texts[key] = text

    def _layout(self, doc: dict[str, Any]) -> str:
        out: list[str] = ["{\n"]
        self._members(doc, _STEP, out, top=True)
        out.append("}\n")
        return "".join(out)

    def _members(self, d: dict[str, Any], indent: str, out: list[str], *, top: bool) -> None:
        """The members of an expanded object, one per line (``project`` expanded once more)."""
        dumps = self._dumps
        last = len(d) - 1
        for i, (key, value) in enumerate(d.items()):
            out.append(f"{indent}{dumps(key)}: ")
            if top and key == "project" and isinstance(value, dict) and value:
                out.append("{\n")
                self._members(value, indent + _STEP, out, top=False)
                out.append(f"{indent}}}")
            elif isinstance(value, list) and value and not top:
                self._items(value, _NESTED.get(key), indent, out, remember=True)
            else:
                out.append(dumps(value))
            out.append(",\n" if i < last else "\n")

    def _items(
        self, items: list[Any], child: str | None, indent: str, out: list[str], *, remember: bool
    ) -> None:
        """A list with one item per line; an item holding a ``child`` list opens it in place."""
        out.append("[\n")
        inner = indent + _STEP
        last = len(items) - 1
        for i, item in enumerate(items):
            if remember:
                out.append(self._remembered(item, child, inner))
            else:
                self._item(item, child, inner, out)
            out.append(",\n" if i < last else "\n")
        out.append(f"{indent}]")

    def _remembered(self, item: Any, child: str | None, indent: str) -> str:
        try:
            key = (indent, child, marshal.dumps(item, 2))  # v2: no identity-based references
        except ValueError:  # not a plain JSON value (a str subclass, ...): just encode it
            key = None
        text = self._texts.get(key) if key else None
        if text is None:
            part: list[str] = []
            self._item(item, child, indent, part)
            text = "".join(part)
        if key:
            self._used[key] = text
        return text

    def _item(self, item: Any, child: str | None, indent: str, out: list[str]) -> None:
        out.append(indent)
        nested = item.get(child) if child and isinstance(item, dict) else None
        if isinstance(nested, list) and nested:
            head = {k: v for k, v in item.items() if k != child}
            text = self._dumps(head)
            out.append(text[:-1] + (", " if head else "") + f"{self._dumps(child)}: ")
            self._items(nested, _NESTED.get(child), indent, out, remember=False)
            out.append("}")
        else:
            out.append(self._dumps(item))


class _Escaping(Encoder):
    """The same layout with non-ASCII escaped (``\\udc80``): the fallback for lone surrogates."""

    def __init__(self) -> None:
        super().__init__()
        self._dumps = _compact(ensure_ascii=True)

    def encode(self, doc: dict[str, Any]) -> bytes:
        return self._layout(doc).encode("ascii")


def _compact(*, ensure_ascii: bool) -> Callable[[Any], str]:
    """A compact one-value encoder, reusing one C encoder object (``json.dumps`` builds a new
    one per call, which on 50,000 takes costs more than the encoding itself)."""
    plain = json.JSONEncoder(ensure_ascii=ensure_ascii)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain.encode
    escape = (
        json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    )
    try:
        chunks = make(None, plain.default, escape, None, ": ", ", ", False, False, True)
        sample = {"a": [1, 2.5, "é\n", None, True]}
        if "".join(chunks(sample, 0)) != plain.encode(sample):
            return plain.encode
    except Exception:  # another Python's private encoder: use the public one
        return plain.encode
    return lambda value: "".join(chunks(value, 0))


def parse(data: bytes, encoder: Encoder | None = None) -> Any:
    """The JSON value in ``data``; ValueError says where it is broken (line and column).

    With ``encoder``, the top of the document is read by :class:`_Reader`, which hands the
    encoder the exact text of every item of a list in ``project`` (each episode, character,
    archived shot), so even the first save after opening re-encodes only what was edited.
    """
    if encoder is not None:
        try:
            text = data.decode(json.detect_encoding(data), "surrogatepass")
            reader = _Reader(text)
            doc = reader.document()
        except Exception:  # anything unusual: the standard parser decides and words the error
            pass
        else:
            encoder.learn(reader.items)
            return doc
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None


class _Reader:
    """Reads the two outer levels of a project document by hand and every value below them
    with the standard C scanner, noting where each item of a list in ``project`` starts and
    ends. It accepts exactly what ``json.loads`` accepts; on anything else it raises and
    :func:`parse` falls back to ``json.loads``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scan = json.JSONDecoder().scan_once
        self.items: list[tuple[str, Any, str]] = []  # (list name, value, indent + its text)

    def document(self) -> Any:
        value, end = self._object(self._skip(0), depth=0)
        if self._skip(end) != len(self.text):
            raise ValueError("extra data")
        return value

    def _skip(self, idx: int) -> int:
        return _WHITESPACE.match(self.text, idx).end()  # type: ignore[union-attr]

    def _object(self, idx: int, depth: int) -> tuple[dict[str, Any], int]:
        text, out = self.text, {}
        if text[idx] != "{":
            raise ValueError("not an object")
        idx = self._skip(idx + 1)
        if text[idx] == "}":
            return out, idx + 1
        while True:
            if text[idx] != '"':
                raise ValueError("expected a key")
            key, idx = self.scan(text, idx)
            idx = self._skip(idx)
            if text[idx] != ":":
                raise ValueError("expected ':'")
            idx = self._skip(idx + 1)
            if depth == 0 and key == "project" and text[idx] == "{":
                out[key], idx = self._object(idx, depth=1)
            elif depth == 1 and text[idx] == "[":
                out[key], idx = self._list(key, idx)
            else:
                out[key], idx = self.scan(text, idx)
            idx = self._skip(idx)
            if text[idx] == "}":
                return out, idx + 1
            if text[idx] != ",":
                raise ValueError("expected ',' or '}'")
            idx = self._skip(idx + 1)

    def _list(self, name: str, idx: int) -> tuple[list[Any], int]:
        text, out = self.text, []
        idx = self._skip(idx + 1)
        if text[idx] == "]":
            return out, idx + 1
        while True:
            value, end = self.scan(text, idx)
            out.append(value)
            # With its indent, as the encoder lays it out (one copy of the text, not two).
            start = idx - len(_ITEM_INDENT)
            if text.startswith(_ITEM_INDENT, start) and text[start - 1] == "\n":
                self.items.append((name, value, text[start:end]))
            else:
                self.items.append((name, value, _ITEM_INDENT + text[idx:end]))
            idx = self._skip(end)
            if text[idx] == "]":
                return out, idx + 1
            if text[idx] != ",":
                raise ValueError("expected ',' or ']'")
            idx = self._skip(idx + 1)


def dropped(raw: Any, kept: Any, where: str) -> list[str]:
    """Fields of ``raw`` (as loaded) that ``kept`` (the model's ``to_json``) no longer has.

    The model ignores fields it does not know; this lists them so a load never loses data
    silently. Subtrees that compare equal are skipped, so an ordinary project costs one ``==``.
    """
    if raw == kept:
        return []
    found: list[str] = []
    if isinstance(raw, dict) and isinstance(kept, dict):
        for key, value in raw.items():
            if key not in kept:
                found.append(f"{where}.{key}")
            else:
                found.extend(dropped(value, kept[key], f"{where}.{key}"))
    elif isinstance(raw, list) and isinstance(kept, list):
        for i, value in enumerate(raw):
            if i >= len(kept):
                found.append(f"{where}[{i}]")
            else:
                found.extend(dropped(value, kept[i], f"{where}[{i}]"))
    return found
