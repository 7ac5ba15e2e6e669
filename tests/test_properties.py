"""Property tests: whatever an editor (or an attacker) writes, validation answers with located,
Japanese errors (``DataError``) and never with a traceback; escaped plain text never turns into markup.

Projects are made in ``tempfile`` folders inside each example (no function-scoped fixtures).
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.pages.text import md_text
from generator.records.errors import DataError
from generator.records.load import load_dataset
from tests.conftest import REPO_ROOT, VALID

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
VOCABULARY = (REPO_ROOT / "data" / "vocabulary.yaml").read_bytes()


def check_project(files: dict[str, bytes]) -> None:
    """Validate a fresh project holding ``files``; only ``DataError`` with well-formed errors may come out."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for folder in ("data/cases", "content/cases"):
            (root / folder).mkdir(parents=True)
        (root / "data" / "vocabulary.yaml").write_bytes(VOCABULARY)
        for name, data in files.items():
            (root / name).write_bytes(data)
        try:
            load_dataset(root, content_dir=root / "content")
        except DataError as exc:
            assert exc.errors, "DataError without errors"
            for e in exc.errors:
                assert e.location.line >= 0 and e.location.column >= 0, e
                assert e.location.path, e
                assert e.message and JAPANESE.search(e.message), e


# --- (a) random YAML-ish text and bytes ---------------------------------------------------------------

YAML_ALPHABET = st.sampled_from(
    list(" \n\n\n\t:-?,[]{}#&*!|>'\"%@`~.\\/0123456789xyz_=<")
    + [
        "id",
        "name",
        "body",
        "sources",
        "url",
        "&a",
        "*a",
        "<<",
        "!!python/object",
        "---",
        "...",
        "あ",
        "概要",
        "\r\n",
        "\ufeff",
        "\x00",
        "\x85",
        "\u2028",
    ]
)
yaml_text = st.lists(YAML_ALPHABET, max_size=80).map("".join)


@SETTINGS
@given(text=yaml_text)
def test_random_yaml_text_as_a_case_file(text):
    check_project({"data/cases/x.yaml": text.encode("utf-8")})


@SETTINGS
@given(data=st.binary(max_size=300))
def test_random_bytes_as_a_case_file(data):
    check_project({"data/cases/x.yaml": data})


@SETTINGS
@given(text=yaml_text, prefix=st.booleans())
def test_random_text_spliced_into_a_valid_record(text, prefix):
    # Text after (or before) a valid record: the parser sees real fields and then garbage.
    check_project({"data/cases/x.yaml": ((text + VALID) if prefix else (VALID + text)).encode("utf-8")})


MD_ALPHABET = st.sampled_from(
    list(" \n\t[]()<>!{}:#=\"'&;\\/*_`|")
    + [
        "javascript:",
        "data:",
        "onclick=",
        "<script>",
        "{: ",
        "](",
        "![",
        "&#106;",
        "\r",
        "\ufeff",
        "本文",
        "http://",
        "//",
    ]
)


@SETTINGS
@given(text=st.lists(MD_ALPHABET, max_size=60).map("".join), raw=st.binary(max_size=40))
def test_random_narrative(text, raw):
    check_project({"data/cases/x.yaml": VALID.encode("utf-8"), "content/cases/x.md": text.encode("utf-8") + raw})


# --- (b) mutated valid records ----------------------------------------------------------------------

BASE = yaml.safe_load(VALID)
ODD_VALUES = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            False,
            0,
            -1,
            10**30,
            1.5,
            float("inf"),
            "",
            " ",
            [],
            {},
            ["人口減少"],
            {"k": "v"},
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            "../../etc/passwd",
            "{: onclick=x}",
            "2024-02-30",
        ]
    ),
    st.text(max_size=30),
    st.integers(min_value=1000, max_value=70_000).map(lambda n: "長" * n),
    st.dates(),
)
KEYS = st.sampled_from(["id", "name", "kind", "founded", "population", "body", "stages", "sources", "url", "title",
                        "factor", "detail", "people", "year", "知る", "verified", "unknown", "<<", "x" * 300])  # fmt: skip


def paths(node):
    """Every (container, key) pair inside a record."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield node, k
            yield from paths(v)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield node, i
            yield from paths(v)


@st.composite
def mutated_records(draw) -> bytes:
    import copy

    record = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        slots = list(paths(record))
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        op = draw(st.sampled_from(["drop", "retype", "unicode", "add-key", "wrap"]))
        if op == "drop" and len(container) > 0:
            del container[key]
        elif op == "retype":
            container[key] = draw(ODD_VALUES)
        elif op == "unicode" and isinstance(container[key], str):
            s = container[key]
            at = draw(st.integers(0, len(s)))
            container[key] = s[:at] + draw(st.text(min_size=1, max_size=5)) + s[at:]
        elif op == "add-key":
            target = container if isinstance(container, dict) else record
            target[draw(KEYS)] = draw(ODD_VALUES)
        elif op == "wrap":
            container[key] = draw(st.sampled_from([[container[key]], {"value": container[key]}]))
    text = yaml.safe_dump(
        record, allow_unicode=True, sort_keys=False, default_flow_style=draw(st.sampled_from([False, None, True]))
    )
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 2))):  # text-level damage: duplicated keys, stray characters
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["duplicate-line", "insert-char", "indent"]))
        if op == "duplicate-line":
            lines.insert(i, lines[i])
        elif op == "insert-char":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = (
                lines[i][:at]
                + draw(st.sampled_from(["\t", ":", "'", '"', "&a ", "*a", "!", "\ufeff", "\x07", "#", "{", "-"]))
                + lines[i][at:]
            )
        else:
            lines[i] = "  " + lines[i]
    return "".join(lines).encode("utf-8")


@SETTINGS
@given(data=mutated_records())
def test_mutated_valid_record(data):
    check_project({"data/cases/x.yaml": data})


def test_unmutated_base_record_is_valid():
    text = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False)
    check_project({"data/cases/x.yaml": text.encode("utf-8")})
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data" / "cases").mkdir(parents=True)
        shutil.copyfile(REPO_ROOT / "data" / "vocabulary.yaml", root / "data" / "vocabulary.yaml")
        (root / "data" / "cases" / "x.yaml").write_text(text, encoding="utf-8")
        assert [c.id for c in load_dataset(root).cases] == ["x"]


# --- (c) escaped plain text stays text --------------------------------------------------------------

_MD = markdown.Markdown(extensions=["attr_list", "md_in_html", "admonition", "tables"])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _render(text: str) -> str:
    _MD.reset()
    return _MD.convert(md_text(text))


HOSTILE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<img src=x onerror=alert(1)>",
                "[x](javascript:alert(1))",
                "[x]: javascript:alert(1)",
                "![i](https://evil.example/a.png)",
                '{: onclick="alert(1)" }',
                "{: x onclick=y}",
                "<a href=javascript:x>",
                "&#106;avascript:",
                "&lt;script&gt;",
                "javascript:",
                " onclick=",
                "\n",
                "\r",
                "\t",
                "    ",
                "`",
                "**",
                "_",
                "!!! danger",
                "| a |",
                "<https://evil.example>",
                "\\",
                "&",
                "#",
                "{",
                "}",
                "[",
                "]",
                "(",
                ")",
                "<",
                ">",
                '"',
                "'",
            ]
        ),
        st.text(max_size=8),
    ),
    max_size=25,
).map("".join)


@SETTINGS
@given(text=st.one_of(st.text(), HOSTILE_TEXT))
def test_md_text_never_yields_script_handlers_or_links(text):
    out = _render(text)
    assert "<script" not in out.lower()
    assert not re.search(r'href="\s*javascript', out, re.I)
    parser = _Tags()
    parser.feed(out)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "a", "img", "iframe", "style"), out
        for name, value in attrs:
            assert not name.lower().startswith("on"), out
            assert not re.match(r"\s*(javascript|data|vbscript):", html.unescape(value or ""), re.I), out
    assert not re.search(r"<[^>]*\son\w+=", out, re.I), out
