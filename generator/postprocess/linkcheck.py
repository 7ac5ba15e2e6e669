"""Link integrity of a built site: every internal link and anchor must resolve.

Reads the HTML files once for their ids and once for their links; external
links (http, https, mailto …) are not fetched.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIP_DIRS = ("pagefind/",)


@dataclass(frozen=True, order=True)
class BrokenLink:
    page: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for attr in ("href", "src", "xlink:href"):  # xlink:href: the links of charts and maps (issue 27)
            value = a.get(attr)
            if value is not None and tag in ("a", "link", "img", "script", "source", "iframe"):
                self.links.append(value)


def _parse(path: Path) -> _Collector:
    c = _Collector()
    c.feed(path.read_text(encoding="utf-8", errors="replace"))
    c.close()
    return c


def check_site(site_dir: Path) -> tuple[int, list[BrokenLink]]:
    """(number of internal links checked, broken ones) for every HTML page under ``site_dir``."""
    site_dir = site_dir.resolve()
    pages = {}
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if rel.startswith(SKIP_DIRS):
            continue
        pages[rel] = _parse(path)
    checked = 0
    broken: list[BrokenLink] = []
    for rel, parsed in pages.items():
        base = posixpath.dirname(rel)
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("//"):
                continue  # external (or mailto:, tel: …)
            checked += 1
            if not parts.path:
                target = rel
            else:
                path = unquote(parts.path)
                # Root-absolute links (404.html uses them) are read against the site root.
                target = (
                    posixpath.normpath(path.lstrip("/") or ".")
                    if path.startswith("/")
                    else posixpath.normpath(posixpath.join(base, path))
                )
                if target.startswith("../") or target == "..":
                    broken.append(BrokenLink(rel, link, "サイトの外を指しています"))
                    continue
                if target == ".":
                    target = "index.html"
                elif parts.path.endswith("/") or (site_dir / target).is_dir():
                    target = posixpath.join(target, "index.html")
            file = site_dir / target
            if not file.is_file():
                broken.append(BrokenLink(rel, link, "リンク先がありません"))
                continue
            if parts.fragment and target.endswith(".html"):
                ids = pages[target].ids if target in pages else _parse(file).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(
                        BrokenLink(rel, link, f"リンク先に見出し・アンカー「{unquote(parts.fragment)}」がありません")
                    )
    return checked, sorted(broken)
