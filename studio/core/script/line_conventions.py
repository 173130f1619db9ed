"""How one line of a Chinese or plain-text script reads (:mod:`.line_script` assembles them).

Both conventions put a speech on one line after the speaker's name and a colon, so one
classifier serves both; a :class:`Dialect` says which extra markers it knows:

- Both: ``林晓：台词`` / ``MAYA: line`` (fullwidth ``：`` or ASCII ``:``; ``林晓（冷笑）：…`` and
  ``林晓：（冷笑）…`` carry a parenthetical, ``MAYA (V.O.): …`` an extension), a name alone
  before its colon (the speech follows on the next lines), ``（冷笑）`` / ``(beat)`` alone on a
  line, ``INT./EXT.`` headings, ``CUT TO:`` transitions, ``Title: …`` / ``剧名：…``, Markdown
  ``#`` headings and ``**bold**`` labels (as language models write them).
- Chinese (``cn``): ``第一集`` / ``第1集 标题`` episodes (numerals up to 9999), headings
  ``第1场 夜 外 天台``, ``1-1 日 内 客厅``, ``场景1：客厅``, ``内景 客厅 日``; ``△`` / ``▲`` action.
- Plain (``plain``): ``Episode 3`` / ``Episode One: Title`` and ``Scene 4: Rooftop`` lines.

Every pattern is anchored and bounded (a name is at most 24 characters, found in the first 40),
so a line is classified in time linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from studio.core.script.elements import HEADING_PREFIX, is_parenthetical


class LineKind(StrEnum):
    BLANK = "blank"
    TITLE = "title"
    EPISODE = "episode"
    HEADING = "heading"
    SECTION = "section"  # a Markdown heading that is neither an episode nor a scene
    TRANSITION = "transition"
    DIALOGUE = "dialogue"  # name, colon, speech
    CUE = "cue"  # name and colon alone: the speech follows
    PARENTHETICAL = "parenthetical"
    ACTION = "action"  # marked action: ``△``, ``▲``, ``Action:``, ``画面：``
    TEXT = "text"  # anything else: action, or speech after a cue


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    chinese: bool  # 第N集, 第N场, 1-1 日 内, 场景N, 内景, △/▲
    english: bool  # Episode N, Scene N


CN = Dialect("cn", chinese=True, english=True)
PLAIN = Dialect("plain", chinese=False, english=True)


@dataclass(frozen=True, slots=True)
class Read:
    """One classified line. ``text`` is the line's content without its marker; for dialogue
    ``parts`` are (is_parenthetical, text) in order. ``cn`` marks a Chinese-only convention
    and ``plain`` a plain-text one (format detection counts them)."""

    kind: LineKind
    text: str = ""
    name: str = ""
    extension: str = ""
    parts: tuple[tuple[bool, str], ...] = ()
    cn: bool = False
    plain: bool = False


MAX_NAME = 24
_NAME_WINDOW = 40
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_NUM = r"([0-9０-９]{1,4}|[零〇一二两三四五六七八九十百千]{1,8})"
_SEP = r"(?:$|[\s:：、.．·\-–—]+(.*))"
_CN_EPISODE = re.compile(rf"第\s*{_NUM}\s*[集话話]{_SEP}")
_CN_SCENE = re.compile(rf"第\s*{_NUM}\s*[场場幕]{_SEP}")
_CN_SCENE_WORD = re.compile(rf"(?:场景|场次|场)\s*{_NUM}{_SEP}|场景\s*[:：]\s*(.+)")
_CN_NUMBERED = re.compile(r"(\d{1,3}\s*[-－—–.．]\s*\d{1,3})[\s　]+(.+)")
_CN_PLACE = re.compile(r"(?:内景|外景|内外景)(?:[\s　.．:：/、]+.+|$)")


def _words(text: str) -> set[str]:
    return set(text.split())


_TIME_PLACE = set("日夜晨昏晚早午内外") | _words(
    "白天 夜晚 清晨 傍晚 黄昏 深夜 凌晨 中午 下午 上午 早晨 "
    "日内 日外 夜内 夜外 内景 外景 内外景 内外"
)
_TOKENS = re.compile(r"[\s　/、，,|]+")
_EN_NUM = r"(\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_EN_EPISODE = re.compile(rf"(?:episode|ep\.?)\s*{_EN_NUM}\s*(?:$|[:.\-–—]\s*(.*))", re.I)
_EN_SCENE = re.compile(r"scene\s+(\d{1,4}[a-z]?)\s*(?:$|[:.\-–—]\s*(.*))", re.I)
_TITLE = re.compile(r"(?:title|剧名|标题|片名)\s*[:：]\s*(.+)", re.I)
_BOOK_TITLE = re.compile(r"《([^《》]{1,60})》")
_MD_HEADING = re.compile(r"#{1,6}\s+")
_RULE = re.compile(r"(?:-{3,}|\*{3,}|_{3,}|={3,})")
_CN_TRANSITION = re.compile(r"(?:切至|切到|转场|淡入|淡出|叠化|黑场)[：:。.]?")
_EN_TRANSITION = re.compile(r"[A-Z][A-Z .']{0,30}(?:TO|IN|OUT)[:.]")
_NAME = re.compile(r"[^\W_](?:[\w·•.'’\- ]*[\w.])?")
_ACTION_MARKS = ("△", "▲")
_ACTION_LABELS = {"action", "description", "画面", "动作"}
_EXTENSIONS = {"v.o.", "o.s.", "o.c.", "vo", "os", "v.o", "o.s", "cont'd", "cont’d", "画外音"}
_EXTENSIONS |= {"画外", "内心", "心声", "内心os", "电话"}
_NOT_SPEAKERS = _words(
    "title author by draft date contact notes note time location setting place characters "
    "character cast scene episode act shot camera angle sound sfx music transition caption "
    "subtitle summary synopsis logline genre format length duration int ext page chapter part "
    "http https www mailto"
) | _words(
    "人物 出场人物 主要人物 登场人物 角色 时间 地点 场景 场次 景别 道具 服装 化妆 字幕 备注 注 "
    "注释 镜头 音效 配乐 音乐 剧名 标题 片名 集数 梗概 简介 剧情简介 看点 本集看点 钩子 时长 天气 "
    "氛围 转场 特效 说明 提示 第一幕 结尾 开头"
)
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(text: str) -> int | None:
    """``十二`` → 12, ``九十九`` → 99, ``一百零五`` → 105, ``12`` / ``１２`` → 12; None if
    ``text`` is not a number below 10000."""
    if text.isdigit():
        return int(text) if len(text) <= 4 else None
    total, digit, last_unit = 0, -1, 10_000
    for ch in text:
        if ch in _CN_DIGITS:
            if digit > 0:  # 二二: two digits with no unit between
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit or digit == 0:
                return None
            total += (digit if digit > 0 else 1) * unit
            digit, last_unit = -1, unit
        else:
            return None
    return total + max(digit, 0) if text else None


def classify(line: str, dialect: Dialect) -> Read:
    """What ``line`` is in ``dialect``."""
    s = line.strip()
    if not s or _RULE.fullmatch(s):
        return Read(LineKind.BLANK)
    markdown = _MD_HEADING.match(s)
    if markdown:
        s = s[markdown.end() :]
    if len(s) > 4 and s.startswith("**") and s.endswith("**") and "**" not in s[2:-2]:
        s = s[2:-2].strip()
    read = _structure(s, dialect)
    if read is not None:
        return read
    if markdown:
        return Read(LineKind.SECTION, s)
    if dialect.chinese and s.startswith(_ACTION_MARKS):
        return Read(LineKind.ACTION, s[1:].strip(), cn=True)
    if is_parenthetical(s):
        return Read(LineKind.PARENTHETICAL, s, cn=s.startswith("（"))
    return _speech(s) or Read(LineKind.TEXT, s)


def _structure(s: str, dialect: Dialect) -> Read | None:
    """Episodes, headings, transitions and titles."""
    head = s[:200]
    if dialect.chinese:
        bare = _clean(head)
        if (m := _CN_EPISODE.match(bare)) and cn_number(m.group(1)) is not None:
            return Read(LineKind.EPISODE, _clean(bare), cn=True)
        if (m := _CN_SCENE.match(bare)) and cn_number(m.group(1)) is not None:
            return Read(LineKind.HEADING, _clean(bare), cn=True)
        m = _CN_SCENE_WORD.match(bare)
        if m and (m.group(3) or cn_number(m.group(1)) is not None):
            return Read(LineKind.HEADING, _clean(bare), cn=True)
        if (m := _CN_NUMBERED.fullmatch(bare)) and _names_time_or_place(m.group(2)):
            return Read(LineKind.HEADING, _clean(bare), cn=True)
        if _CN_PLACE.fullmatch(bare):
            return Read(LineKind.HEADING, _clean(bare), cn=True)
        if _CN_TRANSITION.fullmatch(head):
            return Read(LineKind.TRANSITION, head, cn=True)
    if dialect.english:
        if _EN_EPISODE.fullmatch(head):
            return Read(LineKind.EPISODE, _clean(head), plain=True)
        if _EN_SCENE.fullmatch(head):
            return Read(LineKind.HEADING, _clean(head), plain=True)
    if HEADING_PREFIX.match(head) and len(s) <= 200:
        return Read(LineKind.HEADING, _clean(s))
    if _EN_TRANSITION.fullmatch(head):
        return Read(LineKind.TRANSITION, head)
    if m := _TITLE.fullmatch(head):
        return Read(LineKind.TITLE, m.group(1).strip().strip("《》*").strip())
    if m := _BOOK_TITLE.fullmatch(head):
        return Read(LineKind.TITLE, m.group(1).strip())
    return None


_TRIM = "[]*:：# \t\u3000"


def _clean(text: str) -> str:
    """A heading or episode as one tidy line: no brackets, trailing colon or doubled spaces."""
    text = text.replace("【", " ").replace("】", " ").strip(_TRIM)
    return " ".join(text.split())


def _names_time_or_place(rest: str) -> bool:
    return any(token in _TIME_PLACE for token in _TOKENS.split(rest[:80]))


def _speech(s: str) -> Read | None:
    """``NAME: speech`` (or ``NAME:`` alone) as dialogue; None when the label is no name."""
    window = s[: _NAME_WINDOW + 1]
    at = min((i for i in (window.find(":"), window.find("：")) if i > 0), default=-1)
    if at < 0 or (s[at - 1 : at].isdigit() and s[at + 1 : at + 2].isdigit()):  # 10:30
        return None
    label, rest = s[:at].strip(" *_"), s[at + 1 :].strip()
    rest = rest.removeprefix("**").removeprefix("__").strip()
    fullwidth = s[at] == "："
    if label.casefold() in _ACTION_LABELS:
        return Read(LineKind.ACTION, rest) if rest else None
    name, paren = _split_label(label)
    if name.casefold() in _NOT_SPEAKERS:  # 人物：…, Location: …: a note, kept as action
        return Read(LineKind.ACTION, s)
    if not _is_name(name):
        return None
    extension = ""
    if paren and paren[1:-1].strip().casefold() in _EXTENSIONS:
        extension, paren = paren[1:-1].strip(), ""
    parts = ([(True, paren)] if paren else []) + _parts(rest)
    cn = fullwidth or bool(_CJK.search(name)) or bool(_CJK.search(rest[:200]))
    kind = LineKind.DIALOGUE if any(not p for p, _ in parts) else LineKind.CUE
    return Read(kind, rest, name, extension, tuple(parts), cn=cn, plain=not cn)


def _split_label(label: str) -> tuple[str, str]:
    """``林晓（冷笑）`` → (``林晓``, ``（冷笑）``)."""
    for opener, closer in (("（", "）"), ("(", ")")):
        if label.endswith(closer) and (start := label.rfind(opener)) > 0:
            return label[:start].strip(), label[start:]
    return label, ""


def _is_name(name: str) -> bool:
    if not (0 < len(name) <= MAX_NAME) or not _NAME.fullmatch(name):
        return False
    if not any(c.isalpha() for c in name):
        return False
    if _CJK.search(name):
        return len(name) <= 8
    words = name.split()
    return len(words) <= 4 and all(not w[0].isalpha() or w[0].isupper() for w in words)


def _parts(rest: str) -> list[tuple[bool, str]]:
    """The speech after the colon: a leading ``（冷笑）`` is a parenthetical of its own."""
    if not rest:
        return []
    for opener, closer in (("（", "）"), ("(", ")")):
        if rest.startswith(opener) and (end := rest.find(closer, 1, 202)) > 0:
            after = rest[end + 1 :].strip()
            return [(True, rest[: end + 1]), *([(False, after)] if after else [])]
    return [(False, rest)]
