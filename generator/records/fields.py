"""Field types: one definition drives both the validator and the JSON Schema.

Each ``FieldType`` knows how to check a YAML node (appending located,
Japanese errors to a ``Walk``) and how to describe itself as JSON Schema.
The record definitions themselves live in ``definitions``.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import CaseError, Location

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
INT = "tag:yaml.org,2002:int"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
_KIND = {
    INT: "数値",
    "tag:yaml.org,2002:float": "数値",
    "tag:yaml.org,2002:bool": "真偽値（yes/no/true/false）",
    TIMESTAMP: "日付",
}


_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)")
"""The only integer syntax accepted: YAML 1.1 also reads 0270 as octal, 2:05 as base 60, 1_000 and 0x1F."""

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
"""Zero-width characters and direction controls: they hide or reorder text (U+202E shows "abc" as "cba")."""
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def invisible_message(char: str) -> str:
    """The message for a zero-width or direction-changing character, naming it by code point."""
    kind = "文字の向きを変える制御文字" if char in _BIDI else "幅のない見えない文字"
    return f"見えない文字「U+{ord(char):04X}（{kind}）」が含まれています。消してください。"


def invisible_at(text: str) -> int:
    """The index of the first zero-width or direction-changing character in ``text``, or -1."""
    m = _INVISIBLE.search(text)
    return m.start() if m else -1


class Invalid:
    """Marker for a value that failed its check (its error is already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = Invalid()

ALIAS_BUDGET = 16
"""Aliases (``*name``) one file may use before it is refused (guards against alias bombs)."""


class Walk:
    """State for checking one file: where errors go and what has been seen."""

    __slots__ = ("display", "errors", "vocab", "seen", "aliases", "alias_reported", "_text", "may_alias")

    def __init__(self, display: str, errors: list[CaseError], vocab: dict | None = None, text: str | bytes = ""):
        self.display = display
        self._text = text
        self.errors = errors
        self.vocab = vocab or {}
        self.seen: set[int] = set()
        self.aliases = 0
        self.alias_reported = False
        self.may_alias = (b"*" if isinstance(text, bytes) else "*") in text or not text
        """Without a ``*`` in the file no node can be reached twice: the bookkeeping is skipped."""

    @property
    def text(self) -> str:
        """The file's text, for locating problems inside multi-line values (decoded when first needed)."""
        if isinstance(self._text, bytes):
            self._text = self._text.decode("utf-8")
        return self._text

    def loc(self, node) -> Location:
        m = node.start_mark
        return Location(self.display, m.line, m.column)

    def invisible(self, node, field: str, char: str) -> Invalid:
        """Report a zero-width or direction control inside ``node`` where it stands in the file (else at the node)."""
        loc = self.loc(node)
        if self._text:
            start, end = node.start_mark.index, node.end_mark.index
            at = self.text.find(char, start, end)
            if at >= 0:
                line = node.start_mark.line + self.text.count("\n", start, at)
                column = at - (self.text.rfind("\n", 0, at) + 1)
                loc = Location(self.display, line, column)
        self.errors.append(CaseError(loc, field, invisible_message(char)))
        return INVALID

    def error(self, node, field: str, message: str) -> Invalid:
        self.errors.append(CaseError(self.loc(node), field, message))
        return INVALID

    def enter(self, node, field: str) -> bool:
        """Count a collection node; False once the file's alias budget is spent or it carries a tag."""
        if node.tag not in (MAP, SEQ):
            self.error(node, field, f"タグ（{node.tag}）は使えません。「!」で始まる書き方を消してください。")
            return False
        if not self.may_alias:
            return True
        key = id(node)
        if key in self.seen:
            self.aliases += 1
            if self.aliases > ALIAS_BUDGET:
                if not self.alias_reported:
                    self.alias_reported = True
                    self.error(
                        node, field, f"エイリアス（*）が多すぎます（上限 {ALIAS_BUDGET} 個）。値は直接書いてください。"
                    )
                return False
        self.seen.add(key)
        return True


def closest(value: str, choices, cutoff: float = 0.6) -> str | None:
    """The most similar choice: containment first (見守り → 声かけ・見守り), then edit similarity."""
    choices = list(choices)
    if value:
        contained = [c for c in choices if value in c or c in value]
        if len(contained) == 1:
            return contained[0]
    best = difflib.get_close_matches(value, choices, n=1, cutoff=cutoff)
    return best[0] if best else None


class FieldType:
    """Base class: subclasses implement ``check`` and ``schema``."""

    def check(self, node, field: str, w: Walk) -> Any:
        raise NotImplementedError

    def schema(self, vocab: dict) -> dict:
        raise NotImplementedError


@dataclass
class Text(FieldType):
    max_len: int | None = None
    pattern: str | None = None
    pattern_message: str = ""
    example: str = ""
    normalize: str = ""
    """A Unicode normal form applied before the checks (NFKC: half-width and decomposed kana become full-width)."""

    def __post_init__(self):
        self._re = re.compile(self.pattern) if self.pattern else None
        self._accepts = type(self).accept is not Text.accept
        """Whether a subclass checks accepted values further (the plain ``accept`` is not called)."""

    def check(self, node, field, w):
        if node.tag != STR or not isinstance(node, yaml.ScalarNode):
            return self._not_text(node, field, w)
        value = node.value.strip()
        if not value:
            return None
        hidden = _INVISIBLE.search(value)
        if hidden:
            return w.invisible(node, field, hidden.group())
        if self.normalize:
            value = unicodedata.normalize(self.normalize, value)
        if self.max_len is not None and len(value) > self.max_len:
            return w.error(node, field, f"{self.max_len} 文字以内にしてください（いま {len(value)} 文字）。")
        if self._re is not None and not self._re.match(value):
            return w.error(node, field, self.pattern_message or f"書き方が正しくありません: {value}")
        return self.accept(value, node, field, w) if self._accepts else value

    def _not_text(self, node, field, w):
        """None for an empty value, else the error for a list, a mapping or a scalar that is not a string."""
        if not isinstance(node, yaml.ScalarNode):
            kind = "リスト" if isinstance(node, yaml.SequenceNode) else "項目の組（キー: 値）"
            return w.error(node, field, f"ここには{kind}ではなく文字列を1つ書いてください。")
        if node.tag == NULL:
            return None
        return w.error(
            node,
            field,
            f"{_KIND.get(node.tag, '文字列以外の値')}ではなく文字列で書いてください"
            '（引用符 "…" で囲むと文字列になります）。',
        )

    def accept(self, value: str, node, field: str, w: Walk):
        return value

    def schema(self, vocab):
        s: dict = {"type": "string", "minLength": 1}
        if self.max_len:
            s["maxLength"] = self.max_len
        if self.pattern:
            s["pattern"] = self.pattern
        return s


_TEXT = Text()
"""A plain string check, shared (Choice and Vocab start with it)."""

_URL_BAD = re.compile(r"[()\[\]{}<>\"'`\\|^\s\x00-\x1f]")
"""Characters a URL in a record may not hold as they are: brackets, quotes and the like, whitespace, control
characters."""


@dataclass
class Url(Text):
    schemes: tuple[str, ...] = ("http", "https")

    def accept(self, value, node, field, w):
        scheme, sep, rest = value.partition(":")
        if not sep or scheme.lower() not in self.schemes or not rest.startswith("//") or len(rest) < 3:
            return w.error(
                node, field, f"URL は {' または '.join(s + '://' for s in self.schemes)} で始めてください: {value}"
            )
        bad = sorted(set(_URL_BAD.findall(value)))
        if bad:
            shown = " ".join(dict.fromkeys("空白" if c.isspace() else "制御文字" if ord(c) < 0x20 else c for c in bad))
            return w.error(
                node,
                field,
                f"URL に使えない文字（{shown}）があります。括弧などは %28 %29 のように書き換えてください: {value}",
            )
        authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
        if "@" in authority:
            return w.error(
                node,
                field,
                f"URL に「@」の前の部分（ユーザー名など）は書けません。「@」より前は飛び先ではなく、"
                f"本当の飛び先は「{authority.rpartition('@')[2]}」です。出典のページの URL を書いてください: {value}",
            )
        mixed = mixed_scripts(authority)
        if mixed:
            return w.error(
                node,
                field,
                f"URL のホスト名にラテン文字と{mixed}が混ざっています（見た目の似た別の文字で、"
                f"別のサイトに飛ぶおそれがあります）。ホスト名を半角英数字で打ち直してください: {value}",
            )
        return value

    def schema(self, vocab):
        return {"type": "string", "format": "uri", "pattern": "^(" + "|".join(self.schemes) + ")://"}


_SCRIPTS = (("LATIN", "ラテン文字"), ("CYRILLIC", "キリル文字"), ("GREEK", "ギリシャ文字"))


def mixed_scripts(host: str) -> str | None:
    """How a host mixes Latin letters with Cyrillic or Greek ones (「キリル文字「е」（U+0435）」), or None.

    Punycode labels (``xn--``) are decoded first, so that a host written either way is judged the same.
    """
    if host.isascii() and "xn--" not in host.lower():
        return None  # only Latin letters
    name_part = host.rpartition(":")[0] if host.count(":") == 1 else host  # without a port
    labels = []
    for label in name_part.split("."):
        if label.lower().startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                pass
        labels.append(label)
    latin, other = False, None
    for char in "".join(labels):
        if char.isalpha():
            name = unicodedata.name(char, "")
            latin = latin or name.startswith("LATIN")
            for prefix, shown in _SCRIPTS[1:]:
                if other is None and name.startswith(prefix):
                    other = f"{shown}「{char}」（U+{ord(char):04X}）"
    return other if latin else None


@dataclass
class Choice(FieldType):
    choices: tuple[str, ...] = ()
    suggest: Callable[[str], str | None] | None = None

    def check(self, node, field, w):
        value = _TEXT.check(node, field, w)
        if value is None or value is INVALID:
            return value
        if value in self.choices:
            return value
        return w.error(node, field, unknown_message(value, self.labels(w), self.suggest))

    def labels(self, w: Walk):
        return self.choices

    def schema(self, vocab):
        return {"type": "string", "enum": list(self.choices)}


@dataclass
class Vocab(Choice):
    vocabulary: str = ""

    def check(self, node, field, w):
        value = _TEXT.check(node, field, w)
        if value is None or value is INVALID:
            return value
        terms = w.vocab[self.vocabulary].by_label
        term = terms.get(value)
        if term is not None:
            return term.label  # one string object per label: less memory, and pickled once
        return w.error(node, field, unknown_message(value, terms, None, f"語彙「{self.vocabulary}」"))

    def schema(self, vocab):
        return {"type": "string", "enum": [t.label for t in vocab[self.vocabulary].terms]}


def unknown_message(value, choices, suggest=None, where="") -> str:
    hint = (suggest(value) if suggest else None) or closest(value, choices)
    text = f"「{value}」は{where or '使える値'}にありません。"
    if hint:
        return text + f"「{hint}」ではありませんか。"
    listed = "、".join(list(choices)[:12])
    more = " など" if len(choices) > 12 else ""
    return text + f"使える値: {listed}{more}"


@dataclass
class Int(FieldType):
    minimum: int | None = None
    maximum: Callable[[], int] | int | None = None
    unit: str = ""

    def check(self, node, field, w):
        if not isinstance(node, yaml.ScalarNode):
            return w.error(node, field, "ここには数値を1つ書いてください。")
        if node.tag == NULL:
            return None
        if node.tag != INT:
            return w.error(node, field, f"整数で書いてください（例: 2010）。いまの値: {node.value}")
        if not _DECIMAL.fullmatch(node.value):
            return w.error(
                node,
                field,
                f"整数は 0〜9 の数字だけで書いてください（先頭の 0、_ や : の区切り、0x などは使えません）。"
                f"いま書かれている値: {node.value}",
            )
        value = int(node.value)
        top = self.maximum() if callable(self.maximum) else self.maximum
        if (self.minimum is not None and value < self.minimum) or (top is not None and value > top):
            return w.error(
                node,
                field,
                f"{self.minimum} から {top} までの{self.unit or '数'}を書いてください（いまの値: {value}）。",
            )
        return value

    def schema(self, vocab):
        s: dict = {"type": "integer"}
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.maximum is not None and not callable(self.maximum):
            s["maximum"] = self.maximum  # a moving bound (this year) stays in the validator only
        return s


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_YEAR_SEEN = [-1e9, 0]
"""(monotonic time, year): asked for thousands of times per run, the date is read once a minute."""


def this_year() -> int:
    now = time.monotonic()
    if now - _YEAR_SEEN[0] > 60:
        _YEAR_SEEN[:] = [now, _dt.date.today().year]
    return _YEAR_SEEN[1]


def latest_today() -> _dt.date:
    """Today where the day is furthest ahead (UTC+14): a date an editor in Japan writes in the morning
    is still "today" for a build machine on UTC (nine hours behind), so CI does not call it the future."""
    return _dt.datetime.now(_dt.timezone(_dt.timedelta(hours=14))).date()


class Date(FieldType):
    def check(self, node, field, w):
        if not isinstance(node, yaml.ScalarNode):
            return w.error(node, field, "日付を YYYY-MM-DD の形で1つ書いてください。")
        if node.tag == NULL:
            return None
        text = node.value.strip()
        try:
            if not _ISO_DATE.match(text):
                raise ValueError(text)
            value = _dt.date.fromisoformat(text)
        except ValueError:
            return w.error(
                node, field, f"日付は YYYY-MM-DD の形で書いてください（例: 2024-04-01）。いまの値: {node.value}"
            )
        if value > latest_today():
            return w.error(node, field, f"未来の日付は書けません: {value.isoformat()}")
        return value.isoformat()

    def schema(self, vocab):
        return {"type": "string", "format": "date"}
