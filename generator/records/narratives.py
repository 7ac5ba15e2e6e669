"""Narratives (``content/cases/<id>.md``): read and checked with the same limits as records.

A narrative is placed on its case page under the heading 「事例のくわしい内容」 (h2), below the
page's own h1 (the case name). So a narrative may not hold an h1, its headings may not skip a
level (## → ####), and it has no front matter (it is not a page of its own: a ``status:`` written
there would be printed as text). Like a record, it may not be longer than ``MAX_RECORD_CHARS``
characters nor hold control characters, zero-width characters or direction controls. Links to other
cases are checked against the records: a link to a draft, or to no case at all, would fail the strict
build with MkDocs' English message and no line.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from pathlib import Path

from .errors import CaseError, Location
from .fields import invisible_at, invisible_message
from .policy import INLINE_LINK, REFERENCE, SCHEME
from .yamlnodes import MAX_RECORD_CHARS, not_regular_message

MAX_NARRATIVE_BYTES = MAX_RECORD_CHARS * 4
"""A narrative larger than this many bytes is refused unread (a UTF-8 character takes at most 4 bytes)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""What records refuse (libyaml's reader) and Markdown would pass on: C0 and C1 controls, DEL, non-characters."""
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_CLOSING = ("---", "...")
_SECTION_LEVEL = 2
"""The level of the heading a narrative is placed under (「## 事例のくわしい内容」)."""


def read_narrative(path: Path, shown: str, errors: list[CaseError]) -> str | None:
    """The narrative's text (line ends as ``\\n``), or None with the reason appended to ``errors``.

    The path is checked with ``stat`` before it is opened: a named pipe would block forever.
    """
    loc = Location(shown)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            errors.append(CaseError(loc, "", f"ファイルを読めません。{not_regular_message(info.st_mode)}。"))
            return None
        if info.st_size > MAX_NARRATIVE_BYTES:
            errors.append(CaseError(loc, "", _too_long(f"{info.st_size:,} バイト")))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        errors.append(CaseError(loc, "", f"ファイルを読めません（{exc.strerror}）。"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = Location(shown, raw[: exc.start].count(b"\n"))
        errors.append(CaseError(where, "", "ファイルが UTF-8 ではありません。UTF-8 で保存し直してください。"))
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_RECORD_CHARS:
        errors.append(CaseError(loc, "", _too_long(f"{len(text):,} 文字")))
        return None
    return text


def _too_long(size: str) -> str:
    return (
        f"本文が長すぎます（{size}、上限 {MAX_RECORD_CHARS:,} 文字。事例のレコードと同じ上限です）。"
        "要点に絞って短くしてください。"
    )


def _position(text: str, at: int) -> tuple[int, int]:
    line = text.count("\n", 0, at)
    return line, at - (text.rfind("\n", 0, at) + 1)


def text_problems(text: str) -> list[tuple[int, int, str]]:
    """Control characters, zero-width characters and direction controls, as (line, column, message)."""
    problems = []
    m = _CONTROL.search(text)
    if m:
        problems.append(
            (
                *_position(text, m.start()),
                f"使えない制御文字（U+{ord(m.group()):04X}）が含まれています。消してください。",
            )
        )
    at = invisible_at(text)
    if at >= 0:
        problems.append((*_position(text, at), invisible_message(text[at])))
    return problems


def structure_problems(text: str) -> list[tuple[int, int, str]]:
    """Front matter, h1 headings and skipped heading levels, as (0-based line, 0-based column, message)."""
    if "#" not in text and "=" not in text and not text.startswith("---"):
        return []  # no heading and no front matter can be written without one of these
    lines = text.split("\n")
    problems = []
    if lines[0].rstrip() == "---" and any(line.rstrip() in _CLOSING for line in lines[1:]):
        problems.append(
            (
                0,
                0,
                "本文の先頭に「---」で囲んだ項目（フロントマター）は書けません。本文はそのまま事例のページに入るので、"
                "この部分も文章として表示されます。公開・下書き（status）などは data/cases/<id>.yaml に書き、"
                "ここからは消してください。",
            )
        )
    level, fence, previous = _SECTION_LEVEL, None, ""
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not line.strip().strip(mark[0]):
                fence = None
            previous = ""
            continue
        if fence is not None:
            continue
        m = _ATX.match(line)
        found = len(m.group(1)) if m else 1 if previous.strip() and _SETEXT_H1.match(line) else 0
        if found:
            column = m.start(1) if m else 0
            if found == 1:
                problems.append(
                    (
                        i,
                        column,
                        "大見出し（# の見出し、h1）は使えません。ページの大見出しは事例名です。"
                        "本文の見出しは ## から始めてください。",
                    )
                )
            elif found > level + 1:
                problems.append(
                    (
                        i,
                        column,
                        f"見出しの階層が飛んでいます（{'#' * level} の次に {'#' * found}）。"
                        f"{'#' * (level + 1)} にしてください。",
                    )
                )
            level = max(found, _SECTION_LEVEL)
        previous = "" if m else line
    return problems


def case_links(text: str) -> list[tuple[int, int, str, str]]:
    """Relative links to case pages in Markdown, as (0-based line, 0-based column, case id, link as written)."""
    links = []
    for i, line in enumerate(text.split("\n")):
        targets = [(m.start(2), m.group(2)) for m in INLINE_LINK.finditer(line) if not m.group(1)]
        m = REFERENCE.match(line)
        if m:
            targets.append((m.start(1), m.group(1)))
        for column, target in targets:
            case_id = _linked_case(target)
            if case_id is not None:
                links.append((i, column, case_id, target))
    return links


def case_link_message(case_id: str, target: str, cases: dict[str, bool], complete: bool = True) -> str | None:
    """Why a link to case ``case_id`` will not work (a draft, or when ``complete`` no such case), or None.

    ``cases`` maps every loaded id to whether it is published.
    """
    published = cases.get(case_id)
    if published is None and complete:
        return f"リンク先の事例「{case_id}」はありません。id を確かめてください: {target}"
    if published is False:
        return (
            f"リンク先の事例「{case_id}」は下書き（status: 下書き）なので、ページが作られません。"
            f"リンクを外すか、その事例を公開してください: {target}"
        )
    return None


def case_link_problems(text: str, cases: dict[str, bool], complete: bool = True) -> list[tuple[int, int, str]]:
    """Links to other case pages that will not exist: to a draft, or (when ``cases`` is ``complete``) to no case."""
    problems = []
    for line, column, case_id, target in case_links(text):
        message = case_link_message(case_id, target, cases, complete)
        if message:
            problems.append((line, column, message))
    return problems


def _linked_case(target: str) -> str | None:
    """The case id a relative link from ``cases/<id>.md`` points at (``other.md``, ``../cases/other/``), or None."""
    target = re.split(r"[#?]", target, maxsplit=1)[0]
    if not target or SCHEME.match(target) or target.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join("cases", target))
    folder, _, name = path.partition("/")
    if folder != "cases" or not name or "/" in name.rstrip("/"):
        return None
    name = name.rstrip("/")
    if name.endswith(".md"):
        name = name[:-3]
    elif "." in name:
        return None  # a file next to the pages (an image, a PDF), not a case
    return None if name == "index" else name
