"""``casebook export-docs``: the whole Markdown tree, for another MkDocs-compatible engine.

Hand-written pages have their markers filled; generated pages are added;
case narratives (``content/cases/<id>.md``) become part of their case page.
The tree is written to a temporary folder beside the target and swapped in,
so a failed export never leaves a half-written tree.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import CaseError, DataError, Location
from .history import last_updated
from .indices import build_casebook
from .render import PageRenderer
from .validate import load_dataset

STAMP = ".casebook-export"
CSS = Path(__file__).parent / "assets" / "casebook.css"


def export_docs(root: Path, target: Path, content_dir: Path | None = None, data_dir: Path | None = None, drafts: bool = False) -> int:
    """Write content + generated pages to ``target``; return the number of Markdown pages."""
    content_dir = content_dir or root / "content"
    data_dir = data_dir or root / "data"
    target = target.resolve()
    if target.exists() and any(target.iterdir()) and not (target / STAMP).exists():
        raise DataError([CaseError(Location(str(target)), "", "書き出し先が空のフォルダではありません（以前の書き出し先でもありません）。別のフォルダを指定してください。")])
    if target == root.resolve() or target in root.resolve().parents or content_dir.resolve() in (target, *target.parents):
        raise DataError([CaseError(Location(str(target)), "", "書き出し先にプロジェクトや content と重なるフォルダは使えません。")])
    dataset = load_dataset(root, data_dir, content_dir)
    book = build_casebook(dataset, include_drafts=drafts)
    renderer = PageRenderer(book, last_updated(root, data_dir))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        count = 0
        narratives = {p.resolve() for p in dataset.narratives.values()}
        for src in sorted(content_dir.rglob("*")):
            if not src.is_file() or src.resolve() in narratives:
                continue
            rel = src.relative_to(content_dir).as_posix()
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if src.suffix == ".md":
                dest.write_text(renderer.fill_markers(src.read_text(encoding="utf-8"), rel), encoding="utf-8")
                count += 1
            else:
                shutil.copyfile(src, dest)
        for rel, markdown in renderer.pages():
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(markdown, encoding="utf-8")
            count += 1
        (tmp / "assets").mkdir(exist_ok=True)
        shutil.copyfile(CSS, tmp / "assets" / "casebook.css")
        (tmp / STAMP).write_text("casebook export-docs\n", encoding="utf-8")
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return count
