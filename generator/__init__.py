"""RMO Casebook: a static-site generator for 地域運営組織 case records.

Pipeline, one module per stage:
``loader`` (YAML → located nodes) → ``validate`` (nodes → records + errors,
driven by the field definitions in ``schema``) → ``model``/``indices``
(cases, facets, related cases) → ``render`` (pages as path + Markdown) →
``search`` (Pagefind). ``plugin`` wires these to MkDocs; ``cli`` to the shell.
"""

from __future__ import annotations

import unicodedata

__version__ = "0.1.0"


def kana_key(reading: str) -> str:
    """Sort key for あいうえお order: katakana folded to hiragana, NFKC, no spaces."""
    text = unicodedata.normalize("NFKC", reading).replace(" ", "").replace("\u3000", "").replace("・", "")
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
