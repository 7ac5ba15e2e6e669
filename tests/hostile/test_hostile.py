"""Hostile inputs: every file in ``files/`` must give exactly the located error ``expected.yaml`` names.

Each file is copied into a fresh project (``data/cases/x.yaml``; ``content/cases/x.md`` next to a
valid record ``x``; or ``data/vocabulary.yaml`` for ``vocab-*.yaml``) and validated with
``load_dataset``. Nothing but ``DataError`` may come out, nothing may be constructed or written
(the working directory stays empty), and each file takes under two seconds. Entries with ``bug``
are known defects of the generator: strict xfails until it is fixed.
"""

from __future__ import annotations

import html
import re
import shutil
import time
import traceback
from pathlib import Path

import markdown
import pytest
import yaml

from generator.model.entities import Source
from generator.pages.text import md_text, sources_text
from generator.records.errors import DataError
from generator.records.load import load_dataset
from generator.records.yamlnodes import MAX_FILE_BYTES, MAX_RECORD_CHARS
from tests.conftest import REPO_ROOT, VALID

HERE = Path(__file__).parent
FILES = HERE / "files"
MANIFEST = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
TIME_LIMIT = 2.0


def target_of(name: str) -> str:
    if name.endswith(".md"):
        return "content/cases/x.md"
    if name.startswith("vocab-"):
        return "data/vocabulary.yaml"
    return "data/cases/x.yaml"


def make_project(base: Path) -> Path:
    """A project with the bundled vocabulary and no records; ``base/cwd`` is an empty working folder."""
    root = base / "project"
    (root / "data" / "cases").mkdir(parents=True)
    (root / "content" / "cases").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# t\n", encoding="utf-8")
    shutil.copyfile(REPO_ROOT / "data" / "vocabulary.yaml", root / "data" / "vocabulary.yaml")
    (base / "cwd").mkdir()
    return root


def validate(root: Path):
    """``(errors, seconds)``; any exception other than ``DataError`` fails the test with its traceback."""
    start = time.perf_counter()
    try:
        load_dataset(root, content_dir=root / "content")
        errors = []
    except DataError as exc:
        errors = exc.errors
        assert errors, "DataError raised without errors"
    except BaseException as exc:  # noqa: BLE001 - the point is that nothing else escapes
        pytest.fail(f"load_dataset raised {type(exc).__name__} instead of DataError:\n{traceback.format_exc()}")
    return errors, time.perf_counter() - start


def located(errors) -> list[str]:
    return [
        f"{e.location.line + 1}:{e.location.column + 1} [{e.location.path}] {e.field!r}: {e.message}" for e in errors
    ]


def _cases():
    for name in sorted(MANIFEST):
        bug = MANIFEST[name].get("bug")
        marks = [pytest.mark.xfail(strict=True, reason="BUG: " + bug)] if bug else []
        yield pytest.param(name, marks=marks, id=name)


# --- the manifest ---------------------------------------------------------------------------------


def test_manifest_and_folder_agree():
    on_disk = {p.name for p in FILES.iterdir() if p.is_file()}
    assert sorted(on_disk - set(MANIFEST)) == [], "files without an expectation"
    assert sorted(set(MANIFEST) - on_disk) == [], "expectations without a file"
    assert len(on_disk) >= 45


def test_manifest_entries_are_complete():
    for name, exp in MANIFEST.items():
        if exp.get("valid"):
            assert set(exp) <= {"valid", "bug"}, name
            continue
        assert {"line", "column", "field", "message_contains"} <= set(exp), name
        assert exp["line"] >= 1 and exp["column"] >= 1, name
        assert isinstance(exp["field"], str) and exp["message_contains"], name


@pytest.mark.parametrize("name", list(_cases()))
def test_hostile_file(name, tmp_path, monkeypatch):
    exp = MANIFEST[name]
    root = make_project(tmp_path)
    cwd = tmp_path / "cwd"
    monkeypatch.chdir(cwd)  # a constructed python/object payload would write here
    target = target_of(name)
    if target.endswith(".md"):
        (root / "data" / "cases" / "x.yaml").write_text(VALID, encoding="utf-8")
    shutil.copyfile(FILES / name, root / target)

    errors, seconds = validate(root)

    assert seconds < TIME_LIMIT, f"{name} took {seconds:.2f} s"
    assert list(cwd.iterdir()) == [], "validation had a side effect in the working folder"
    for e in errors:
        assert e.location.line >= 0 and e.location.column >= 0
        assert JAPANESE.search(e.message), e.message
    if exp.get("valid"):
        assert errors == [], "\n".join(located(errors))
        return
    want = (exp["line"], exp["column"], exp["field"])
    hits = [
        e
        for e in errors
        if e.location.path == target
        and (e.location.line + 1, e.location.column + 1, e.field) == want
        and exp["message_contains"] in e.message
    ]
    assert hits, (
        f"expected {want[0]}:{want[1]} {want[2]!r} “{exp['message_contains']}” in {target}; got:\n"
        + "\n".join(located(errors))
    )


# --- inputs made at test time ------------------------------------------------------------------------


def test_file_over_the_size_limit_is_refused_unread(tmp_path):
    root = make_project(tmp_path)
    big = root / "data" / "cases" / "x.yaml"
    with open(big, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk and would be slow to parse
    errors, seconds = validate(root)
    assert seconds < TIME_LIMIT
    assert [(e.location.path, e.location.line, e.location.column) for e in errors] == [("data/cases/x.yaml", 0, 0)]
    assert "ファイルが大きすぎます" in errors[0].message


def test_record_over_the_length_limit_with_a_long_body(tmp_path):
    root = make_project(tmp_path)
    text = VALID + "body: |\n" + ("  " + "本文です。" * 20 + "\n") * 700
    assert len(text.encode("utf-8")) > 200_000 and len(text) > MAX_RECORD_CHARS
    (root / "data" / "cases" / "x.yaml").write_text(text, encoding="utf-8")
    errors, seconds = validate(root)
    assert seconds < TIME_LIMIT
    assert [(e.location.line, e.location.column, e.field) for e in errors] == [(0, 0, "")]
    assert "1件の事例が長すぎます" in errors[0].message


def test_record_file_linking_outside_the_project(tmp_path):
    root = make_project(tmp_path)
    outside = tmp_path / "secret.yaml"
    outside.write_text(VALID, encoding="utf-8")
    (root / "data" / "cases" / "x.yaml").symlink_to(outside)
    errors, _ = validate(root)
    assert [(e.location.path, e.location.line) for e in errors] == [("data/cases/x.yaml", 0)]
    assert "プロジェクトの外を指すファイル" in errors[0].message


def test_narrative_linking_outside_the_project(tmp_path):
    root = make_project(tmp_path)
    (root / "data" / "cases" / "x.yaml").write_text(VALID, encoding="utf-8")
    outside = tmp_path / "secret.md"
    outside.write_text("<script>alert(1)</script>\n", encoding="utf-8")
    (root / "content" / "cases" / "x.md").symlink_to(outside)
    errors, _ = validate(root)
    assert [(e.location.path, e.location.line) for e in errors] == [("content/cases/x.md", 0)]
    assert "プロジェクトの外を指すファイル" in errors[0].message


def test_record_path_that_is_a_folder(tmp_path):
    root = make_project(tmp_path)
    (root / "data" / "cases" / "x.yaml").mkdir()
    errors, _ = validate(root)
    assert [(e.location.path, e.location.line) for e in errors] == [("data/cases/x.yaml", 0)]
    assert "ファイルを読めません" in errors[0].message


def test_narrative_path_that_is_a_folder(tmp_path):
    root = make_project(tmp_path)
    (root / "data" / "cases" / "x.yaml").write_text(VALID, encoding="utf-8")
    (root / "content" / "cases" / "x.md").mkdir()
    errors, _ = validate(root)
    assert [(e.location.path, e.location.line) for e in errors] == [("content/cases/x.md", 0)]


def test_narrative_that_is_a_dangling_link(tmp_path):
    root = make_project(tmp_path)
    (root / "data" / "cases" / "x.yaml").write_text(VALID, encoding="utf-8")
    (root / "content" / "cases" / "x.md").symlink_to(root / "content" / "gone.md")
    errors, _ = validate(root)
    assert [(e.location.path, e.location.line) for e in errors] == [("content/cases/x.md", 0)]


def test_narrative_over_the_length_limit(tmp_path):
    root = make_project(tmp_path)
    (root / "data" / "cases" / "x.yaml").write_text(VALID, encoding="utf-8")
    text = "## なりたち\n\n" + ("本文です。" * 20 + "\n") * (MAX_RECORD_CHARS // 100 + 1)
    (root / "content" / "cases" / "x.md").write_text(text, encoding="utf-8")
    errors, seconds = validate(root)
    assert seconds < TIME_LIMIT
    assert [str(e) for e in errors] == [
        f"content/cases/x.md:1:1: 本文が長すぎます（{len(text):,} 文字、上限 65,536 文字。事例のレコードと同じ上限です）。"
        "要点に絞って短くしてください。"
    ]


def test_huge_narrative_is_refused_unread(tmp_path):
    root = make_project(tmp_path)
    (root / "data" / "cases" / "x.yaml").write_text(VALID, encoding="utf-8")
    with open(root / "content" / "cases" / "x.md", "wb") as fh:
        fh.truncate(5 * 1024 * 1024)  # sparse: 5 MB of NUL bytes, which would make a 5 MB page
    errors, seconds = validate(root)
    assert seconds < TIME_LIMIT
    assert [str(e) for e in errors] == [
        "content/cases/x.md:1:1: 本文が長すぎます（5,242,880 バイト、上限 65,536 文字。事例のレコードと同じ上限です）。"
        "要点に絞って短くしてください。"
    ]


def test_narrative_link_to_a_draft_is_reported_at_validate_time(tmp_path):
    root = make_project(tmp_path)
    (root / "data" / "cases" / "x.yaml").write_text(VALID, encoding="utf-8")
    draft = VALID.replace("id: x\n", "id: y\n") + "status: 下書き\n"
    (root / "data" / "cases" / "y.yaml").write_text(draft, encoding="utf-8")
    (root / "content" / "cases" / "x.md").write_text(
        "## なりたち\n\n[となり](y.md#a)と[同じ](../cases/y.md)。\n\n[ref]: ./y.md\n", encoding="utf-8"
    )
    (root / "content" / "cases" / "y.md").write_text("## 下書きの本文\n\n[x](x.md)\n", encoding="utf-8")
    errors, _ = validate(root)
    message = (
        "リンク先の事例「y」は下書き（status: 下書き）なので、ページが作られません。"
        "リンクを外すか、その事例を公開してください: "
    )
    assert [str(e) for e in errors] == [
        f"content/cases/x.md:3:7: {message}y.md#a",
        f"content/cases/x.md:3:20: {message}../cases/y.md",
        f"content/cases/x.md:5:8: {message}./y.md",
    ]


def test_body_link_to_a_draft_is_reported_at_validate_time_at_its_line(tmp_path):
    """A record's ``body`` (Markdown in the YAML) linking to a draft: the narrative's message, at the body's line."""
    root = make_project(tmp_path)
    body = "body: |\n  ## なりたち\n\n  [となり](y.md#a)と[同じ](../cases/y.md)。\n\n  [ref]: ./y.md\n"
    (root / "data" / "cases" / "x.yaml").write_text(VALID + body, encoding="utf-8")
    quoted = 'body: "## 下書きの本文\\n\\n[戻る](x.md)と[となり](z.md)"\nstatus: 下書き\n'
    (root / "data" / "cases" / "y.yaml").write_text(VALID.replace("id: x\n", "id: y\n") + quoted, encoding="utf-8")
    one_line = 'body: "## 本文\\n\\n[下書き](y.md)と[公開](x.md)です。"\n'
    (root / "data" / "cases" / "z.yaml").write_text(VALID.replace("id: x\n", "id: z\n") + one_line, encoding="utf-8")
    errors, seconds = validate(root)
    assert seconds < TIME_LIMIT
    message = (
        "body: リンク先の事例「y」は下書き（status: 下書き）なので、ページが作られません。"
        "リンクを外すか、その事例を公開してください: "
    )
    column = one_line.index("y.md") + 1
    assert [str(e) for e in errors] == [
        f"data/cases/x.yaml:20:9: {message}y.md#a",
        f"data/cases/x.yaml:20:22: {message}../cases/y.md",
        f"data/cases/x.yaml:22:10: {message}./y.md",
        f"data/cases/z.yaml:17:{column}: {message}y.md",
    ]  # y is a draft itself: its links are not checked (its page is not built)


# --- escaped plain text: the exact safe HTML -----------------------------------------------------------


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize(
    "payload, escaped, rendered",
    [
        (
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        ),
        (
            "<img src=x onerror=alert(1)>",
            "&lt;img src=x onerror=alert(1)&gt;",
            "<p>&lt;img src=x onerror=alert(1)&gt;</p>",
        ),
        ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ('{: onclick="alert(1)" }', r'\{: onclick="alert(1)" \}', '<p>{: onclick="alert(1)" }</p>'),
        ('概要{: onclick="x"}', r'概要\{: onclick="x"\}', '<p>概要{: onclick="x"}</p>'),
        ("# 見出し\n{: #x }", r"\# 見出し \{: \#x \}", "<p># 見出し {: #x }</p>"),
        (
            "![x](https://evil.example/a.png)",
            r"\!\[x\](https://evil.example/a.png)",
            "<p>![x](https://evil.example/a.png)</p>",
        ),
        ("<https://evil.example>", "&lt;https://evil.example&gt;", "<p>&lt;https://evil.example&gt;</p>"),
        ("&lt;script&gt;", "&amp;lt;script&amp;gt;", "<p>&amp;lt;script&amp;gt;</p>"),
        ("{{ 7*7 }}", r"\{\{ 7\*7 \}\}", "<p>{{ 7*7 }}</p>"),
        ("**太字**", r"\*\*太字\*\*", "<p>**太字**</p>"),
        ('!!! danger "x"', r'\!\!\! danger "x"', '<p>!!! danger "x"</p>'),
        ("| a | b |\n|---|---|", r"\| a \| b \| \|---\|---\|", "<p>| a | b | |---|---|</p>"),
        ("_x_ `y` \\z", r"\_x\_ \`y\` \\z", "<p>_x_ `y` \\z</p>"),
    ],
)
def test_md_text_renders_exactly(payload, escaped, rendered):
    assert md_text(payload) == escaped
    assert render(md_text(payload)) == rendered


def test_md_text_carriage_return_stays_inline():
    # YAML "…\r…" escapes reach md_text; here a summary would turn into a paragraph, a list and a code block.
    assert render(md_text("概要\r\r1. 項目\r\r    コード")) == "<p>概要 1. 項目 コード</p>"


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example/)[x](javascript:alert(1)",
        "https://a.example/){:onclick=alert(1)}(",
        "https://a.example/)![i](https://evil.example/a.png",
    ],
)
def test_source_url_cannot_break_out_of_its_link(url):
    out = render("1. " + sources_text([Source(title="出典", url=url)]))
    # One link, whose whole destination is the given https URL: nothing in it became markup.
    assert out.count("<a ") == 1 and "<img" not in out and not re.search(r"\son\w+=", out), out
    assert re.search(r'<a href="https://a\.example/[^"]*">出典</a>', out), out


def test_escaped_output_has_no_markup_from_the_payload():
    for payload in (
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        '{: onclick="alert(1)" }',
        "![x](https://evil.example/a.png)",
    ):
        out = render(md_text(payload))
        assert re.fullmatch(r"<p>[^<>]*</p>", out), out
        assert html.unescape(out[3:-4]) == payload
