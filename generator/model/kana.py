"""あいうえお order: the sort key of a reading and the kana row (あ行, か行 …) it starts in."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_FOLD = str.maketrans(
    {**{chr(c): chr(c - 0x60) for c in range(ord("ァ"), ord("ヶ") + 1)}, " ": None, "\u3000": None, "・": None}
)
"""Katakana (ァ to ヶ) to hiragana; spaces and ・ dropped."""

KANA_ROWS = (
    ("あ行", "a", "あいうえおぁぃぅぇぉゔ"),
    ("か行", "ka", "かきくけこがぎぐげご"),
    ("さ行", "sa", "さしすせそざじずぜぞ"),
    ("た行", "ta", "たちつてとだぢづでどっ"),
    ("な行", "na", "なにぬねの"),
    ("は行", "ha", "はひふへほばびぶべぼぱぴぷぺぽ"),
    ("ま行", "ma", "まみむめも"),
    ("や行", "ya", "やゆよゃゅょ"),
    ("ら行", "ra", "らりるれろ"),
    ("わ行", "wa", "わをんゎゐゑ"),
)
"""(label, URL slug, the hiragana that start a reading in the row)."""
OTHER = ("その他", "other")
_ROW_OF = {ch: label for label, _slug, chars in KANA_ROWS for ch in chars}


@lru_cache(maxsize=65536)
def kana_key(reading: str) -> str:
    """Sort key for あいうえお order: NFKC, katakana folded to hiragana, no spaces or ・."""
    return unicodedata.normalize("NFKC", reading).translate(_FOLD)


def kana_row(reading: str) -> str:
    """The row label (あ行 …) a reading sorts under, or その他."""
    return _ROW_OF.get(kana_key(reading)[:1], OTHER[0])
