"""The web editor at ``/admin/``: Sveltia CMS, vendored from npm (``package.json`` pins it; no CDN).

The producer publishes, under ``admin/``: this package's ``index.html``, ``boot.js`` and ``sw.js``
(``admin_static/``); from ``node_modules/@sveltia/cms``: ``sveltia-cms.js``, its Japanese translation and its
fonts; and ``config.yml`` (``records.cms``, the same text as ``casebook cms-config``). Sveltia CMS fetches its
translation, fonts, version and GitHub's status from other hosts; the service worker ``sw.js`` answers those
requests from the published copies (see ``boot.js``). Without the npm package (no ``npm ci``) the site is
built without ``/admin/``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..records.cms import cms_config_yaml

if TYPE_CHECKING:
    from .renderer import PageRenderer

log = logging.getLogger("mkdocs.plugins.casebook")
STATIC = Path(__file__).parent / "admin_static"
PACKAGE = Path("node_modules/@sveltia/cms")
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
"""The repository this package runs from (an editable install): its node_modules serve copied projects too."""
FONTS = ("source-sans-3", "noto-mono", "material-symbols-outlined")
"""The fonts Sveltia CMS asks cdn.jsdelivr.net for; the npm package ships them in ``npm/assets/``."""


def sveltia_package() -> Path | None:
    """The ``@sveltia/cms`` npm package: CASEBOOK_SVELTIA_DIR, else in ``node_modules`` here or of this package."""
    given = os.environ.get("CASEBOOK_SVELTIA_DIR")
    candidates = [Path(given)] if given else [Path.cwd() / PACKAGE, PACKAGE_ROOT / PACKAGE]
    for folder in candidates:
        if (folder / "dist" / "sveltia-cms.js").is_file():
            return folder
    return None


def admin_files(renderer: PageRenderer) -> Iterator[tuple[str, bytes | Path]]:
    package = sveltia_package()
    if package is None:
        log.info("Sveltia CMS（npm の @sveltia/cms）がないため、編集画面 /admin/ は作りません。`npm ci` で入ります。")
        return
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    yield "admin/index.html", STATIC / "index.html"
    yield "admin/boot.js", STATIC / "boot.js"
    yield "admin/sw.js", (STATIC / "sw.js").read_text(encoding="utf-8").replace("SVELTIA_VERSION", version).encode()
    yield "admin/sveltia-cms.js", package / "dist" / "sveltia-cms.js"
    yield "admin/LICENSE.txt", package / "LICENSE.txt"
    yield "admin/locales/ja.json", package / "locales" / "ja.json"
    for family in FONTS:
        for font in sorted((package / "npm" / "assets").glob(f"{family}-*.woff2"))[:1]:
            yield f"admin/fonts/{family}.woff2", font
        for notice in sorted((package / "npm" / "assets").glob(f"{family}*.LICENSE.txt"))[:1]:
            yield f"admin/fonts/{family}.LICENSE.txt", notice
    yield "admin/config.yml", cms_config_yaml(renderer.book.dataset.vocab).encode()
