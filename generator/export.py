"""``casebook export-docs``: the project as a plain MkDocs project, for another engine.

``DIR/docs/`` holds the hand-written pages with their markers filled, every
generated page, the narratives inside their case pages, the pages' styles,
the search script and the theme's search dialog; ``DIR/mkdocs.yml`` is the
project's configuration without the casebook plugin, pointing at them.
Build it with MkDocs or ProperDocs, then run ``casebook postprocess`` on the
built site for the allow-list, glossary links and the search index.

Each page's content is marked (``postprocess.site.CONTENT_START`` / ``END``) so
that postprocess finds exactly what Markdown rendered. The tree is written to
a temporary folder beside the target and swapped in: a failed export never
leaves a half-written tree.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from .mkdocs.theme import THEME
from .model.casebook import build_casebook
from .pages.markers import fill_markers
from .pages.renderer import PageRenderer
from .postprocess.settings import casebook_options, read_mkdocs_yml
from .postprocess.site import ASSET_FILES, CONTENT_END, CONTENT_START
from .records import CaseError, DataError, Location, load_dataset

STAMP = ".casebook-export"
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def mark_content(markdown: str, path: str) -> str:
    """Wrap a page's Markdown (after any front matter) in the content markers, which name its docs path."""
    m = _FRONT_MATTER.match(markdown)
    head, body = (markdown[: m.end()], markdown[m.end() :]) if m else ("", markdown)
    return f"{head}{CONTENT_START}{path} -->\n\n{body.strip()}\n\n{CONTENT_END}\n"


def exported_config(root: Path) -> str:
    """The project's mkdocs.yml, ready to build ``docs/``: without the casebook plugin, with its styles, script
    and theme."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = read_mkdocs_yml(root)
    lines = text.splitlines()
    out: list[str] = []
    skip_plugins = False
    for line in lines:
        if re.match(r"^(docs_dir|site_dir|extra_css|extra_javascript):", line):
            continue
        if re.match(r"^plugins:", line):
            skip_plugins = True
            continue
        if skip_plugins:
            if line.startswith((" ", "\t", "-")) or not line.strip():
                continue
            skip_plugins = False
        out.append(line)
    plugins = [
        p for p in (config.get("plugins") or []) if p != "casebook" and not (isinstance(p, dict) and "casebook" in p)
    ]
    extra = {
        "docs_dir": "docs",
        "site_dir": "site",
        "extra_css": list(config.get("extra_css") or []) + [a for a in ASSET_FILES if a.endswith(".css")],
        "extra_javascript": list(config.get("extra_javascript") or []) + [a for a in ASSET_FILES if a.endswith(".js")],
        "plugins": plugins,
    }
    text = (
        "\n".join(out).rstrip()
        + "\n\n# Written by casebook export-docs (the casebook plugin's work is done by casebook postprocess).\n"
    )
    text += yaml.safe_dump(extra, allow_unicode=True, sort_keys=False)
    theme = config.get("theme") or {}
    if isinstance(theme, dict) and not theme.get("custom_dir"):
        text = re.sub(r"^theme:\n", "theme:\n  custom_dir: overrides\n", text, count=1, flags=re.M)
    return text


def export_docs(
    root: Path, target: Path, content_dir: Path | None = None, data_dir: Path | None = None, drafts: bool = False
) -> int:
    """Write ``target/mkdocs.yml`` and ``target/docs/``; return the number of Markdown pages."""
    content_dir = content_dir or root / "content"
    options = casebook_options(read_mkdocs_yml(root))
    data_dir = data_dir or root / options.get("data_dir", "data")
    target = target.resolve()
    if target.exists() and any(target.iterdir()) and not (target / STAMP).exists():
        raise DataError(
            [
                CaseError(
                    Location(str(target)),
                    "",
                    "書き出し先が空のフォルダではありません（以前の書き出し先でもありません）。別のフォルダを指定してください。",
                )
            ]
        )
    if (
        target == root.resolve()
        or target in root.resolve().parents
        or content_dir.resolve() in (target, *target.parents)
    ):
        raise DataError(
            [CaseError(Location(str(target)), "", "書き出し先にプロジェクトや content と重なるフォルダは使えません。")]
        )
    dataset = load_dataset(root, data_dir, content_dir)
    book = build_casebook(dataset, include_drafts=drafts or bool(options.get("drafts")))
    templates = root / options["templates_dir"] if options.get("templates_dir") else None
    config = read_mkdocs_yml(root)
    renderer = PageRenderer(book, templates, bool(config.get("use_directory_urls", True)), None, config.get("site_url"))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        docs = tmp / "docs"
        count = 0
        narratives = {p.resolve() for p in dataset.narratives.values()}
        for src in sorted(content_dir.rglob("*")):
            if not src.is_file() or src.resolve() in narratives:
                continue
            rel = src.relative_to(content_dir).as_posix()
            dest = docs / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if src.suffix == ".md":
                dest.write_text(
                    mark_content(fill_markers(renderer, src.read_text(encoding="utf-8"), rel), rel), encoding="utf-8"
                )
                count += 1
            else:
                shutil.copyfile(src, dest)
        for rel, markdown in renderer.pages():
            dest = docs / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(mark_content(markdown, rel), encoding="utf-8")
            count += 1
        for rel, content in renderer.site_files():
            dest = docs / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, dest)
            else:
                dest.write_bytes(content)
        for rel, source in ASSET_FILES.items():
            (docs / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, docs / rel)
        shutil.copytree(THEME, tmp / "overrides")
        (tmp / "mkdocs.yml").write_text(exported_config(root), encoding="utf-8")
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
