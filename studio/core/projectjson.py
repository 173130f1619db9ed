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

The text is turned into bytes a few thousand pieces at a time: joining and encoding the text of
a 100-episode project in one go held the interpreter lock for 50-100 ms on the autosave's
thread, a stall of the window's GUI thread as long.

An :class:`EpisodeTexts` given to :func:`encode` keeps each episode's text, found again by a
digest of the episode's tree, so a project written again encodes only the episodes that changed:
the tree is turned into ``marshal`` bytes and hashed, in C, several times faster than its JSON
text is made (most of an autosave's time on its thread, where it competes with the window for
the interpreter lock).
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import marshal
import math
from collections.abc import Callable
from typing import Any

# Which list inside an item is laid out one element per line, by the list the item is in.
_NESTED = {
    "episodes": "scenes",
    "scenes": "shots",
    "shots": "takes",
    "archived_shots": "takes",
    "languages": "lines",
}
_STEP = "  "
_PIECES = 4096  # pieces of text joined and encoded at a time
_KEPT = "episodes"  # the list whose items' texts an EpisodeTexts keeps


class EpisodeTexts:
    """The text of each episode as last encoded, by a digest of its tree (and the layout's
    indent and codec), for :func:`encode` to use again. Only the last encode's episodes are
    kept (the project's size in bytes). Two encodes at once are safe: each reads the texts of
    the last one finished, and a text is only ever found for an equal tree."""

    def __init__(self) -> None:
        self._texts: dict[bytes, bytes] = {}

    def __len__(self) -> int:
        return len(self._texts)


def encode(doc: dict[str, Any], reuse: EpisodeTexts | None = None) -> bytes:
    """``doc`` as UTF-8 JSON text in the layout above; TypeError/ValueError if ``doc`` holds
    what JSON cannot. With ``reuse``, the texts of episodes unchanged since its last encode
    are taken from it, and this encode's are kept in it."""
    return b"".join(encode_parts(doc, reuse))


def encode_parts(
    doc: dict[str, Any],
    reuse: EpisodeTexts | None = None,
    between: Callable[[], None] | None = None,
) -> list[bytes]:
    """:func:`encode`'s text in the parts it was made of, to be written one after another:
    joining a big project's (15 MB for 100 episodes) would hold the interpreter lock 15 ms.
    ``between`` is called after each episode (a background thread's :class:`~.pace.Pace`)."""
    try:
        return _Layout(_compact(ensure_ascii=False), "utf-8", reuse, between).text(doc)
    except UnicodeEncodeError:  # lone surrogates (odd file names): escape them instead
        return _Layout(_compact(ensure_ascii=True), "ascii", reuse, between).text(doc)
    except ValueError:  # NaN or infinity, which JSON cannot hold: say where
        where, value = _not_finite(doc, "")
        raise ValueError(f"{where or 'a value'}: {value} is not a number JSON can hold") from None


class _Layout:
    """Writes the layout above with one compact encoder, as ``codec`` bytes."""

    def __init__(
        self,
        dumps: Callable[[Any], str],
        codec: str,
        reuse: EpisodeTexts | None = None,
        between: Callable[[], None] | None = None,
    ) -> None:
        self._dumps, self._codec, self._reuse, self._between = dumps, codec, reuse, between
        self._done: list[bytes] = []
        self._kept: dict[bytes, bytes] = {}  # the texts for ``reuse`` once this one is done

    def text(self, doc: dict[str, Any]) -> list[bytes]:
        out: list[str] = ["{\n"]
        self._members(doc, _STEP, out, top=True)
        out.append("}\n")
        self._flush(out)
        if self._reuse is not None:
            self._reuse._texts = self._kept
        return self._done

    def _flush(self, out: list[str]) -> None:
        if out:
            self._done.append("".join(out).encode(self._codec))
            out.clear()

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
                self._items(value, key, indent, out)
            else:
                out.append(dumps(value))
            out.append(",\n" if i < last else "\n")

    def _items(self, items: list[Any], key: str, indent: str, out: list[str]) -> None:
        """The list ``key`` with one item per line; an item holding a list of its own (see
        ``_NESTED``) opens it in place."""
        out.append("[\n")
        inner = indent + _STEP
        last = len(items) - 1
        child = _NESTED.get(key)
        item_text = self._kept_item if key == _KEPT and self._reuse is not None else self._item
        between = self._between if key == _KEPT else None
        for i, item in enumerate(items):
            item_text(item, child, inner, out)
            out.append(",\n" if i < last else "\n")
            if between is not None:
                between()
            if len(out) > _PIECES:
                self._flush(out)
        out.append(f"{indent}]")

    def _item(self, item: Any, child: str | None, indent: str, out: list[str]) -> None:
        out.append(indent)
        nested = item.get(child) if child and isinstance(item, dict) else None
        if child and isinstance(nested, list) and nested:
            head = {k: v for k, v in item.items() if k != child}
            text = self._dumps(head)
            out.append(text[:-1] + (", " if head else "") + f"{self._dumps(child)}: ")
            self._items(nested, child, indent, out)
            out.append("}")
        else:
            out.append(self._dumps(item))

    def _kept_item(self, item: Any, child: str | None, indent: str, out: list[str]) -> None:
        """:meth:`_item`, its text taken from the EpisodeTexts when it has it."""
        assert self._reuse is not None
        try:
            digest = hashlib.blake2b(marshal.dumps(item, 4), digest_size=20)
        except ValueError:  # a value marshal refuses (a str subclass): encoded as before
            self._item(item, child, indent, out)
            return
        digest.update(f"{self._codec} {indent}".encode())
        key = digest.digest()
        self._flush(out)
        text = self._reuse._texts.get(key)
        if text is None:
            start = len(self._done)
            self._item(item, child, indent, out)
            self._flush(out)
            text = b"".join(self._done[start:])
            del self._done[start:]
        self._done.append(text)
        self._kept[key] = text


def _compact(*, ensure_ascii: bool) -> Callable[[Any], str]:
    """A compact one-value encoder, reusing one C encoder object (``json.dumps`` builds a new
    one per call, which on 50,000 takes costs more than the encoding itself)."""
    plain = json.JSONEncoder(ensure_ascii=ensure_ascii, allow_nan=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain.encode
    escape = (
        json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    )
    try:
        chunks = make(None, plain.default, escape, None, ": ", ", ", False, False, False)
        sample = {"a": [1, 2.5, "é\n", None, True]}
        if "".join(chunks(sample, 0)) != plain.encode(sample):
            return plain.encode
    except Exception:  # another Python's private encoder: use the public one
        return plain.encode
    return lambda value: "".join(chunks(value, 0))


def parse(data: bytes) -> Any:
    """The JSON value in ``data``; ValueError says where it is broken (line and column)."""
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except _NotANumber as exc:
        raise ValueError(f"invalid JSON: {exc} is not a number (write a number or null)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None


class _NotANumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    """NaN, Infinity and -Infinity are not JSON (Python reads them unless told not to)."""
    raise _NotANumber(name)


def _not_finite(value: Any, where: str) -> tuple[str, Any]:
    """The path of the first NaN or infinity in ``value`` and the value; ("", None) if none."""
    if isinstance(value, float) and not math.isfinite(value):
        return where, value
    if isinstance(value, dict):
        items: Any = ((f"{where}.{k}" if where else str(k), v) for k, v in value.items())
    elif isinstance(value, list | tuple):
        items = ((f"{where}[{i}]", v) for i, v in enumerate(value))
    else:
        return "", None
    for at, item in items:
        found = _not_finite(item, at)
        if found[0]:
            return found
    return "", None


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
