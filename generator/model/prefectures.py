"""The 47 prefectures in JIS X 0401 order, with their 地方 (region)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Prefecture:
    code: int
    """JIS X 0401 code, 1 (北海道) … 47 (沖縄県)."""
    name: str
    slug: str
    region: str


@dataclass(frozen=True, order=True)
class Region:
    order: int
    name: str
    slug: str


REGIONS = tuple(
    Region(i, name, slug)
    for i, (name, slug) in enumerate(
        [
            ("北海道地方", "hokkaido"),
            ("東北地方", "tohoku"),
            ("関東地方", "kanto"),
            ("中部地方", "chubu"),
            ("近畿地方", "kinki"),
            ("中国地方", "chugoku"),
            ("四国地方", "shikoku"),
            ("九州・沖縄地方", "kyushu-okinawa"),
        ]
    )
)

_DATA = """
北海道 hokkaido 北海道地方
青森県 aomori 東北地方
岩手県 iwate 東北地方
宮城県 miyagi 東北地方
秋田県 akita 東北地方
山形県 yamagata 東北地方
福島県 fukushima 東北地方
茨城県 ibaraki 関東地方
栃木県 tochigi 関東地方
群馬県 gunma 関東地方
埼玉県 saitama 関東地方
千葉県 chiba 関東地方
東京都 tokyo 関東地方
神奈川県 kanagawa 関東地方
新潟県 niigata 中部地方
富山県 toyama 中部地方
石川県 ishikawa 中部地方
福井県 fukui 中部地方
山梨県 yamanashi 中部地方
長野県 nagano 中部地方
岐阜県 gifu 中部地方
静岡県 shizuoka 中部地方
愛知県 aichi 中部地方
三重県 mie 近畿地方
滋賀県 shiga 近畿地方
京都府 kyoto 近畿地方
大阪府 osaka 近畿地方
兵庫県 hyogo 近畿地方
奈良県 nara 近畿地方
和歌山県 wakayama 近畿地方
鳥取県 tottori 中国地方
島根県 shimane 中国地方
岡山県 okayama 中国地方
広島県 hiroshima 中国地方
山口県 yamaguchi 中国地方
徳島県 tokushima 四国地方
香川県 kagawa 四国地方
愛媛県 ehime 四国地方
高知県 kochi 四国地方
福岡県 fukuoka 九州・沖縄地方
佐賀県 saga 九州・沖縄地方
長崎県 nagasaki 九州・沖縄地方
熊本県 kumamoto 九州・沖縄地方
大分県 oita 九州・沖縄地方
宮崎県 miyazaki 九州・沖縄地方
鹿児島県 kagoshima 九州・沖縄地方
沖縄県 okinawa 九州・沖縄地方
"""

PREFECTURES = tuple(Prefecture(i + 1, *line.split()) for i, line in enumerate(_DATA.strip().splitlines()))
BY_NAME = {p.name: p for p in PREFECTURES}
REGION_BY_NAME = {r.name: r for r in REGIONS}


def suggest(value: str) -> str | None:
    """``広島`` → ``広島県``; ``東京`` → ``東京都``."""
    value = value.strip()
    for p in PREFECTURES:
        if p.name[:-1] == value or (p.name == "北海道" and value == "北海道"):
            return p.name
    return None
