"""Ids and names that become parts of file paths, checked on load.

Shot and take ids name folders and files (``takes/<shot>/<take>.mp4``), so an id read from a
project someone sent must be one plain path component: letters, digits, ``.``, ``_`` and ``-``,
starting with a letter or digit, never ``..``, at most 64 characters. The app's own ids
(``sh-3f9a1c07``, ``tk-…``) always are. Names and stored paths may hold any language's
letters, but never control characters or lone surrogates (which no file system can name).
"""

from __future__ import annotations

import re

from studio.core.jsonread import SchemaError

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_NAME = 100  # characters in a character's name
MAX_PATH = 4096  # characters in a stored path
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def id_problem(value: str) -> str:
    """Why ``value`` cannot be an id ("" when it can)."""
    if ID_PATTERN.fullmatch(value) and ".." not in value:
        return ""
    return (
        f"{shown(value)} is not a valid id (up to 64 letters, digits, '.', '_' or '-', "
        "starting with a letter or digit, no '..')"
    )


def check_id(value: str, where: str) -> None:
    """SchemaError naming ``where`` when ``value`` is not a valid id."""
    problem = id_problem(value)
    if problem:
        raise SchemaError(f"{where}: {problem}")


def name_problem(name: str) -> str:
    """Why ``name`` cannot name a character ("" when it can)."""
    if not name.strip():
        return "a character needs a name"
    if len(name) > MAX_NAME:
        return f"name is longer than {MAX_NAME} characters: {shown(name)}"
    if _CONTROL.search(name):
        return f"name holds a control character: {shown(name)}"
    return text_problem(name)


def path_problem(rel: str) -> str:
    """Why a stored path can never name a file ("" when it may): too long, a lone surrogate.
    Whether it stays inside the project is :mod:`studio.core.paths`'s question."""
    if len(rel) > MAX_PATH:
        return f"path is longer than {MAX_PATH} characters: {shown(rel)}"
    return text_problem(rel)


def text_problem(text: str) -> str:
    """ "" unless ``text`` holds a lone surrogate (no UTF-8 file name or output can hold it)."""
    if text.isascii():
        return ""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return f"holds a lone surrogate (not valid Unicode text): {shown(text)}"
    return ""


def shown(value: str, limit: int = 60) -> str:
    """``value`` quoted on one line, cut to ``limit`` characters."""
    return repr(value if len(value) <= limit else value[:limit] + "…")
