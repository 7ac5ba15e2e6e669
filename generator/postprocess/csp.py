"""A Content-Security-Policy for a built site: nothing inline but the theme's own scripts, listed by hash.

The site's pages carry no inline styles, event-handler attributes or scripts of their own (table
alignment is a class, see ``sanitize.align_classes``). Material for MkDocs writes a few small inline
scripts into every page (the palette, ``__md_scope``, tabbed content); their text depends on the page's
depth (``new URL("../..", location)``) and on Material's version, so their hashes are computed from the
built site, once per build, by reading every page (``casebook csp SITE``). Pagefind compiles
WebAssembly (``'wasm-unsafe-eval'``) and runs a worker made from a ``blob:`` URL.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
"""Script types a browser runs (and a policy checks); ``application/json`` and the like are data."""


def inline_script_hashes(html: str) -> set[str]:
    """``'sha256-…'`` of every inline script a browser would run in ``html``."""
    found = set()
    for m in _INLINE_SCRIPT.finditer(html):
        attributes, body = m.groups()
        kind = _TYPE.search(attributes)
        if _SRC.search(attributes) or (kind.group(1).lower() if kind else "") not in SCRIPT_TYPES:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        found.add(f"'sha256-{digest}'")
    return found


def site_script_hashes(site_dir: Path) -> list[str]:
    """The hashes of every inline script on every page of a built site (sorted; the same script once)."""
    found: set[str] = set()
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if not rel.startswith("."):
            found |= inline_script_hashes(path.read_text(encoding="utf-8"))
    return sorted(found)


def content_security_policy(site_dir: Path) -> str:
    """The policy (the value of a ``Content-Security-Policy`` header) that the built site works under."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'", *site_script_hashes(site_dir)],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Material's icons are data: SVGs in its stylesheet
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
