"""YAML files into node trees that keep every location (nothing is constructed).

Files must be UTF-8 (a byte-order mark is accepted); their bytes are
composed with libyaml's C parser when available, which checks the encoding
as it reads, and a file that is not UTF-8 is reported before any syntax
problem, at the line where it stops being UTF-8. Nothing is constructed
here: ``load`` walks the nodes, so that every value keeps its line and
column and duplicate keys can be seen (PyYAML's constructor silently keeps
the last one).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import CaseError, Location
from .fields import invisible_at, invisible_message

try:  # libyaml: several times faster than the pure-Python parser
    from yaml.cyaml import CParser as _Parser

    _LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

    _LIBYAML = False

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Loader(_Parser):  # type: ignore[misc, valid-type]
    """libyaml's parser and composer with the safe loader's tags, and nothing else.

    Records are composed, never constructed, so the constructor and its setup
    are left out. Path resolvers are never registered, so the descend/ascend
    bookkeeping is skipped; quoted scalars are strings without consulting the
    regex table, and plain scalars are resolved once per distinct value (a
    third of compose time was spent resolving).
    """

    # Called for every node; built-ins that take the same arguments and do nothing
    # cost less than Python methods: {}.get(node, index) and int().
    descend_resolver = {}.get
    ascend_resolver = int

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                tag = _PLAIN_TAGS.get(value)
                if tag is None:
                    tag = _plain_tag(value)
                return tag
            return _STR
        return _MAP if kind is yaml.MappingNode else _SEQ


_PLAIN_TAGS: dict[str, str] = {}
"""Tags of plain scalars seen so far: keys and vocabulary labels repeat in every file."""


def _plain_tag(value: str) -> str:
    tag = _STR
    for candidate, regexp in yaml.SafeLoader.yaml_implicit_resolvers.get(value[:1] if value else "", ()):
        if regexp.match(value):
            tag = candidate
            break
    if len(value) < 64 and len(_PLAIN_TAGS) < 50_000:
        _PLAIN_TAGS[value] = tag
    return tag


MAX_FILE_BYTES = 32 * 1024 * 1024
"""A single file larger than this is refused (data/cases.yaml may hold thousands of records)."""
MAX_RECORD_CHARS = 64 * 1024
"""One record longer than this (in characters) is refused; long narratives belong in content/cases/<id>.md."""


@dataclass(frozen=True)
class Document:
    """One parsed YAML file."""

    path: Path
    display: str
    """Path as shown in messages."""
    node: yaml.Node | None
    """Root node, or None when the file is empty or unreadable."""
    raw: bytes = b""
    """The file's UTF-8 bytes (without a byte-order mark); ``fields.Walk`` decodes them only to locate a problem."""


def _char_at(text: str, mark) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or ""
    context = exc.context or ""
    if "\t" in problem or "tab" in problem or _char_at(text, exc.problem_mark) == "\t":
        return "タブ文字は使えません。字下げには半角スペースを使ってください。"
    if "nesting depth" in problem:
        return "入れ子（リストや項目の組の中のリスト）が深すぎます。"
    if "quoted scalar" in context:
        return "引用符（\" または '）が閉じられていません。文字列の終わりに同じ引用符を書いてください。"
    if "expected a single document" in str(exc.context or "") + problem:
        return "1つのファイルに書ける YAML 文書は1つだけです（--- で区切らないでください）。"
    if "found duplicate anchor" in problem or "found undefined alias" in problem:
        return f"アンカー（&）またはエイリアス（*）の使い方に誤りがあります（{problem}）。"
    detail = "; ".join(p for p in (exc.context, problem) if p)
    return f"YAML の書き方に誤りがあります（{detail}）。字下げ、コロンの後の空白、引用符の閉じ忘れを確かめてください。"


class NotRegular(OSError):
    """A path that is not a regular file (a folder, a named pipe, a device, a socket)."""

    def __init__(self, mode: int):
        super().__init__(not_regular_message(mode))
        self.strerror = not_regular_message(mode)


def not_regular_message(mode: int) -> str:
    """Why a path that is not a regular file is not read (Japanese)."""
    if stat.S_ISDIR(mode):
        what = "フォルダです"
    elif stat.S_ISFIFO(mode):
        what = "名前付きパイプです"
    elif stat.S_ISSOCK(mode):
        what = "ソケットです"
    else:
        what = "デバイスなどの特別なファイルです"
    return f"ふつうのファイルではありません（{what}）。消すか、ふつうのファイルにしてください"


def _read_bytes(path) -> tuple[bytes, int]:
    """(the file's bytes, its size); only the first ``MAX_FILE_BYTES + 1`` bytes of a larger file.

    Plain descriptor calls: an ``open()`` file object costs more than reading
    a record file, and this runs once per file.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):  # never opened: a named pipe would block forever, a device could be endless
        raise NotRegular(mode)
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        raw = os.read(fd, min(size, MAX_FILE_BYTES) + 1)  # one byte more shows a file that grew since fstat
        if len(raw) == size:
            return raw, size  # the usual case: all of it, and nothing more
        chunks, total = [raw], len(raw)
        while raw and total <= MAX_FILE_BYTES:  # a short read, or a file that grew: read on to the end or the limit
            raw = os.read(fd, 1 << 20)
            chunks.append(raw)
            total += len(raw)
        return b"".join(chunks), max(size, total)
    finally:
        os.close(fd)


def read_document(path: Path, root: Path | None, errors: list[CaseError], display: str | None = None) -> Document:
    """Read and compose one YAML file; problems are appended to ``errors``."""
    if display is None:
        from .files import display_path

        display = display_path(path, root)
    try:
        raw, size = _read_bytes(path)
        if size > MAX_FILE_BYTES:
            errors.append(
                CaseError(
                    Location(display),
                    "",
                    f"ファイルが大きすぎます（{size:,} バイト、上限 {MAX_FILE_BYTES:,} バイト）。",
                )
            )
            return Document(path, display, None)
    except NotRegular as exc:
        errors.append(CaseError(Location(display), "", f"ファイルを読めません。{exc.strerror}。"))
        return Document(path, display, None)
    except OSError as exc:
        errors.append(CaseError(Location(display), "", f"ファイルを読めません（{exc.strerror}）。"))
        return Document(path, display, None)
    if raw.startswith(b"\xef\xbb\xbf"):  # a byte-order mark (the "utf-8-sig" codec is slower than this)
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) and _not_utf8(
        raw, display, errors
    ):  # UTF-16, which libyaml would read
        return Document(path, display, None)
    # libyaml is given the bytes: it checks the UTF-8 as it reads (decoding first, and having PyYAML
    # encode the text back for libyaml, cost a sixth of composing). compose reports a file that is not UTF-8.
    return Document(path, display, compose(raw, display, errors), raw)


def _not_utf8(raw: bytes, display: str, errors: list[CaseError]) -> bool:
    """Report where ``raw`` stops being UTF-8, if it does."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n")
        errors.append(
            CaseError(Location(display, line), "", "ファイルが UTF-8 ではありません。UTF-8 で保存し直してください。")
        )
        return True
    return False


def compose(source: str | bytes, display: str, errors: list[CaseError]) -> yaml.Node | None:
    """Compose a YAML text (or its UTF-8 bytes) into a node tree, or report where its syntax or encoding breaks."""
    try:
        return _compose(source, display, errors)
    except UnicodeDecodeError:  # a value libyaml let through that Python's UTF-8 decoder refuses
        if not (isinstance(source, bytes) and _not_utf8(source, display, errors)):
            errors.append(
                CaseError(Location(display), "", "ファイルが UTF-8 ではありません。UTF-8 で保存し直してください。")
            )
        return None


def _compose(source: str | bytes, display: str, errors: list[CaseError]) -> yaml.Node | None:
    loader = None
    try:
        loader = _Loader(source)
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        if isinstance(source, bytes):
            if _not_utf8(source, display, errors):  # as before any syntax problem: the file must be UTF-8 first
                return None
            source = source.decode("utf-8")
        _report(exc, source, display, errors)
    finally:
        if loader is not None:
            loader.dispose()
    return None


def _report(exc: yaml.YAMLError, text: str, display: str, errors: list[CaseError]) -> None:
    """A YAML error as a located, Japanese message."""
    at = invisible_at(text)
    if at >= 0 and isinstance(exc, yaml.MarkedYAMLError):
        # A byte-order mark or zero-width character between tokens: libyaml's English message would not name it.
        line = text.count("\n", 0, at)
        column = at - (text.rfind("\n", 0, at) + 1)
        errors.append(CaseError(Location(display, line, column), "", invisible_message(text[at])))
    elif isinstance(exc, yaml.MarkedYAMLError):
        # An unclosed quote is found at the end of the file; point at where it opened.
        mark = exc.context_mark if "quoted scalar" in (exc.context or "") else (exc.problem_mark or exc.context_mark)
        errors.append(CaseError(Location.from_mark(display, mark), "", _syntax_message(exc, text)))
    elif isinstance(exc, yaml.reader.ReaderError):  # control characters and the like
        # libyaml reports a byte offset into the UTF-8 text; the pure-Python reader a character index.
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore") if _LIBYAML else text[: exc.position]
        line = before.count("\n")
        column = len(before) - (before.rfind("\n") + 1)
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        errors.append(
            CaseError(
                Location(display, line, column), "", f"使えない制御文字（{code}）が含まれています。消してください。"
            )
        )
    else:
        errors.append(
            CaseError(Location(display), "", "YAML として読めません（" + str(exc).replace("\n", " ") + "）。")
        )
