"""What a pull request's checks tell a reviewer (``.github/workflows/``): every validation problem as a table
for the job summary, and what changed between two trees (cases added, changed, removed; the pages affected).

GitHub shows at most 10 annotations of a kind per step, so ``casebook validate --summary FILE`` also writes
every problem into the job summary (``$GITHUB_STEP_SUMMARY``) with ``problems_table``. ``casebook changes
BASE HEAD`` compares the data of two checkouts (``compare``) and writes the preview comment
(``changes_markdown``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model.casebook import build_casebook
from .records import CaseError, DataError, load_dataset

COMMENT_MARKER = "<!-- casebook-preview -->"
"""Starts the pull request's one preview comment (the workflow updates it instead of adding another)."""


def _cell(text: str) -> str:
    """Text in a Markdown table cell: no row break, no column break, no HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")


def problems_table(errors: list[CaseError]) -> str:
    """Every problem as a Markdown table (file:line:column, field, message), in Japanese."""
    if not errors:
        return "### 事例データの検査\n\n問題はありません。\n"
    rows = [f"| `{_cell(str(e.location))}` | {_cell(e.field) or '—'} | {_cell(e.message)} |" for e in sorted(errors)]
    return (
        f"### 事例データの検査: {len(errors)} 件の問題\n\n"
        "それぞれの場所（ファイル:行:列）を直してください。手元では `make validate` で同じ一覧が出ます。\n\n"
        "| 場所 | 項目 | 内容 |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    )


@dataclass
class Changes:
    """Cases added, changed and removed between two trees, and the site pages whose content changed with them."""

    added: list[tuple[str, str]] = field(default_factory=list)
    """(id, name) of each case only in the new tree."""
    changed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    """Site-relative URLs (``cases/kawane/``, ``index/activity/bosai/``) of the pages affected."""
    errors: list[CaseError] = field(default_factory=list)
    """The new tree's validation problems (then nothing else is compared)."""


def _url(docs_path: str) -> str:
    stem = docs_path.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def _snapshot(root: Path):
    dataset = load_dataset(root, root / "data", root / "content")
    book = build_casebook(dataset)
    narratives = {i: p.read_bytes() for i, p in dataset.narratives.items()}
    cases = {c.id: (c, narratives.get(c.id)) for c in book.cases}  # published cases: what the site shows
    listed = {  # a listing page shows each case's name, place and summary (pages.renderer._listed)
        _url(facet.path(label)): {(c.id, c.name, c.prefecture, c.municipality, c.summary) for c in members}
        for facet in book.paged_facets
        for label, members in facet.cases.items()
    }
    return cases, listed


def compare(base: Path, head: Path) -> Changes:
    """What the pull request's data changes on the site (``base``: the target branch's tree, ``head``: the PR's)."""
    try:
        new, new_lists = _snapshot(head)
    except DataError as exc:
        return Changes(errors=exc.errors)
    try:
        old, old_lists = _snapshot(base)
    except DataError:
        old, old_lists = {}, {}  # a base that does not validate: everything counts as new
    out = Changes()
    out.added = [(i, new[i][0].name) for i in sorted(new.keys() - old.keys())]
    out.removed = [(i, old[i][0].name) for i in sorted(old.keys() - new.keys())]
    out.changed = [(i, new[i][0].name) for i in sorted(new.keys() & old.keys()) if new[i] != old[i]]
    pages = {f"cases/{i}/" for i, _ in out.added + out.changed + out.removed}
    pages |= {url for url in new_lists.keys() | old_lists.keys() if new_lists.get(url) != old_lists.get(url)}
    if out.added or out.removed or out.changed:
        pages.add("cases/")  # the list of every case
    out.pages = sorted(pages)
    return out


def changes_markdown(changes: Changes, run_url: str | None = None, limit: int = 30) -> str:
    """The preview comment: what changed, the pages to look at, how to see the built site."""
    lines = [COMMENT_MARKER, "## プレビュー（この変更で作ったサイト）", ""]
    if changes.errors:
        lines += [f"事例データに {len(changes.errors)} 件の問題があるため、サイトを作れませんでした。", ""]
        lines.append(problems_table(changes.errors).split("\n", 2)[2])
        return "\n".join(lines)
    for title, items in (("追加", changes.added), ("修正", changes.changed), ("削除", changes.removed)):
        if items:
            names = "、".join(f"{name}（`{i}`）" for i, name in items[:limit])
            more = f" ほか {len(items) - limit} 件" if len(items) > limit else ""
            lines.append(f"- {title}した事例 {len(items)} 件: {names}{more}")
    if not (changes.added or changes.changed or changes.removed):
        lines.append("- 事例の追加・修正・削除はありません（変わったのは本文のページや仕組みです）。")
    if changes.pages:
        lines += ["", f"変わるページ（{len(changes.pages)} ページ）:", ""]
        lines += [f"- `{p}`" for p in changes.pages[:limit]]
        if len(changes.pages) > limit:
            lines.append(f"- ほか {len(changes.pages) - limit} ページ")
    lines += [
        "",
        "### プレビューの見かた",
        "",
        "1. 下のリンク（チェックの実行結果）を開き、いちばん下の「Artifacts」から `site` をダウンロードします。",
        "2. 展開したフォルダで `python3 -m http.server -d site 8000` を実行し、http://127.0.0.1:8000/ を開きます。",
    ]
    if run_url:
        lines += ["", f"チェックの実行結果: {run_url}"]
    return "\n".join(lines) + "\n"
