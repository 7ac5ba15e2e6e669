"""RMO Casebook: a static-site generator for 地域運営組織 case records.

Pipeline, one module per stage:
``loader`` (YAML → located nodes) → ``validate`` (nodes → records + errors,
driven by the field definitions in ``schema``) → ``model``/``indices``
(cases, facets, related cases) → ``render`` (pages as path + Markdown) →
``search`` (Pagefind). ``plugin`` wires these to MkDocs; ``cli`` to the shell.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__version__ = "0.1.0"


_FOLD = str.maketrans({**{chr(c): chr(c - 0x60) for c in range(ord("ァ"), ord("ヶ") + 1)}, " ": None, "\u3000": None, "・": None})
"""Katakana (ァ to ヶ) to hiragana; spaces and ・ dropped."""


@lru_cache(maxsize=65536)
def kana_key(reading: str) -> str:
    """Sort key for あいうえお order: katakana folded to hiragana, NFKC, no spaces.

    Remembered: a build asks for each case's key three times (sorting, the kana
    index, the related-case tiebreak)."""
    return unicodedata.normalize("NFKC", reading).translate(_FOLD)
