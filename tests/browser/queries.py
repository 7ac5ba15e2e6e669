"""The Japanese query set for search quality: shared by ``test_search.py`` and ``bench/search_quality.py``.

Each query lists pages (site URLs as Pagefind returns them) and how many of
them must be among the top 5 results: ``ALL`` of them or ``ANY`` one.
The expectations were chosen by reading the bundled content, then checked
against the built site. The vocabulary queries are derived from the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TOP = 5
ALL = "all"
ANY = "any"


@dataclass(frozen=True)
class Query:
    q: str
    expect: tuple[str, ...]
    mode: str = ALL
    kind: str = ""
    """What the query exercises: compound, partial, katakana, place, name, page, vocabulary."""

    def hit(self, urls: list[str]) -> bool:
        top = set(urls[:TOP])
        found = [u in top for u in self.expect]
        return all(found) if self.mode == ALL else any(found)


def _q(kind: str, q: str, *expect: str, mode: str = ALL) -> Query:
    return Query(q, tuple(expect), mode, kind)


HAND_WRITTEN: tuple[Query, ...] = (
    # Compounds: one word to a reader, several to a segmenter.
    _q("compound", "地域運営組織", "/glossary/"),
    _q("compound", "小さな拠点", "/glossary/"),
    # A term several cases share finds its index page, or one of the cases named after it.
    _q("compound", "指定管理", "/index/sustainability-factor/shitei-kanri/", "/cases/kirari-yoshijima/", mode=ANY),
    _q("compound", "集落活動センター", "/cases/kochi-shuraku-center/"),
    _q("compound", "地域自主組織", "/cases/unnan-jishu/"),
    _q("compound", "住民自治協議会", "/cases/iga/"),
    _q("compound", "地域自治区", "/cases/joetsu/"),
    _q("compound", "まちづくり委員会", "/cases/iida/"),
    _q("compound", "地域づくり組織", "/cases/nabari/"),
    _q("compound", "地域づくり協議会", "/cases/sayo/", "/cases/maebashi-jonan/", "/cases/nanto/", mode=ANY),
    _q("compound", "小規模多機能自治", "/cases/unnan-jishu/", "/glossary/", mode=ANY),
    _q("compound", "中間支援組織", "/glossary/"),
    # Parts of words: the stem of 見守り, the tail of 小学校区.
    _q("partial", "見守", "/index/activity/mimamori/"),
    _q(
        "partial",
        "校区",
        "/index/scope/shogakkoku/",
        "/index/scope/kyu-shogakkoku/",
        "/cases/nabari/",
        "/cases/unnan-jishu/",
        "/cases/sayo/",
        mode=ANY,
    ),
    _q("partial", "買い物", "/index/activity/kaimono-shien/", "/cases/hata/", mode=ANY),
    _q(
        "partial",
        "合併",
        "/index/regional-issue/shichoson-gappei/",
        "/index/formation-factor/gappei-kaikaku/",
        mode=ANY,
    ),
    # Katakana.
    _q("katakana", "ワークショップ", "/index/formation-factor/workshop/", "/training/katachizukuru/"),
    _q("katakana", "コミュニティバス", "/cases/kawane/"),
    _q("katakana", "マーケット", "/cases/hata/"),
    _q("katakana", "ガソリンスタンド", "/cases/omiya-sangyo/"),
    _q("katakana", "シソアイス", "/cases/asemigawa/"),
    _q("katakana", "エコミュージアム", "/cases/kawane/"),
    _q("katakana", "タウンウォッチング", "/glossary/"),
    _q("katakana", "アンケート", "/index/formation-factor/chosa/"),
    # Places: a municipality finds its case.
    _q("place", "安芸高田市", "/cases/kawane/"),
    _q("place", "雲南市", "/cases/unnan-jishu/"),
    _q("place", "梼原町", "/cases/yusuhara-matsubara/"),
    _q("place", "四万十市", "/cases/omiya-sangyo/"),
    _q("place", "川西町", "/cases/kirari-yoshijima/"),
    _q("place", "名張市", "/cases/nabari/"),
    _q("place", "本山町", "/cases/asemigawa/"),
    _q("place", "薩摩川内市", "/cases/mineyama/"),
    _q("place", "佐用町", "/cases/sayo/"),
    _q("place", "伊賀市", "/cases/iga/"),
    _q("place", "飯田市", "/cases/iida/"),
    _q("place", "上越市", "/cases/joetsu/"),
    _q("place", "宗像市", "/cases/munakata/"),
    _q("place", "筑紫野市", "/cases/chikushino/"),
    _q("place", "高知県", "/index/prefecture/kochi/"),
    _q("place", "島根県", "/index/prefecture/shimane/"),
    _q("place", "吉島地区", "/cases/kirari-yoshijima/"),
    # Case names, whole or in part.
    _q("name", "川根振興協議会", "/cases/kawane/"),
    _q("name", "大宮産業", "/cases/omiya-sangyo/"),
    _q("name", "きらりよしじま", "/cases/kirari-yoshijima/"),
    _q("name", "波多コミュニティ協議会", "/cases/hata/"),
    _q("name", "峰山地区コミュニティ協議会", "/cases/mineyama/"),
    _q("name", "汗見川", "/cases/asemigawa/"),
    _q("name", "集落活動センターまつばら", "/cases/yusuhara-matsubara/"),
    _q("name", "東郷地区", "/cases/munakata/"),
    # Hand-written pages.
    _q("page", "研修テキスト", "/training/"),
    _q(
        "page",
        "ワークシート",
        "/training/shiru/",
        "/training/katachizukuru/",
        "/training/ugoitemiru/",
        "/training/jizoku-hatten/",
        "/training/",
        mode=ANY,
    ),
    _q("page", "協議機能", "/glossary/"),
    _q("page", "全国の状況", "/national/"),
)


def vocabulary_queries(repo: Path) -> tuple[Query, ...]:
    """Every vocabulary label that a published bundled case uses: its value page or one of its cases."""
    from generator.model.casebook import build_casebook
    from generator.records.load import load_dataset

    book = build_casebook(load_dataset(repo, content_dir=repo / "content"))
    out = []
    for name in book.dataset.vocab:
        facet = book.facets[name]
        for value in facet.used:
            pages = [f"/index/{facet.slug}/{value.slug}/"] + [f"/cases/{c.id}/" for c in facet.cases[value.label]]
            out.append(Query(value.label, tuple(pages), ANY, f"vocabulary:{name}"))
    return tuple(out)


def all_queries(repo: Path) -> tuple[Query, ...]:
    return HAND_WRITTEN + vocabulary_queries(repo)


def score(queries: tuple[Query, ...], results: dict[str, dict]) -> tuple[float, list[Query]]:
    """(hit@5, the queries that missed) for ``results`` from ``harness.top_urls``."""
    misses = [q for q in queries if not q.hit(results[q.q]["urls"])]
    return 1 - len(misses) / len(queries), misses


# --- everyday words (issue 23) ----------------------------------------------------
# Words residents use for what the vocabulary calls otherwise; none is a vocabulary label.
# (word, registry field, the value a case page in the top 5 must carry). Written from the domain
# (transport, meals, fuel, wildlife damage, depopulation, elderly gatherings …), most of them
# also written as ``aliases`` in data/vocabulary.yaml; a few are not (marked below), to see
# how far the aliases carry beyond themselves.
EVERYDAY: tuple[tuple[str, str, str], ...] = (
    ("過疎", "regional_issue", "人口減少"),
    ("若者の流出", "regional_issue", "人口減少"),
    ("限界集落", "regional_issue", "高齢化"),
    ("お年寄り", "regional_issue", "高齢化"),  # not an alias (お年寄りが多い is)
    ("買い物難民", "regional_issue", "買い物困難"),
    ("バスがない", "regional_issue", "交通手段の不足"),
    ("路線バスの廃止", "regional_issue", "交通手段の不足"),
    ("空家", "regional_issue", "空き家"),
    ("休耕田", "regional_issue", "耕作放棄地"),
    ("廃校", "regional_issue", "学校の統廃合"),
    ("後継者不足", "regional_issue", "担い手不足"),
    ("土砂災害", "regional_issue", "災害リスク"),
    ("平成の大合併", "regional_issue", "市町村合併"),
    ("近所付き合い", "regional_issue", "地域のつながりの希薄化"),
    ("閉店", "regional_issue", "生活サービスの撤退"),
    ("獣害", "regional_issue", "鳥獣被害"),
    ("イノシシ", "regional_issue", "鳥獣被害"),
    ("新住民", "regional_issue", "新旧住民の融合"),
    ("茶話会", "activity", "高齢者交流"),
    ("サロン", "activity", "高齢者交流"),
    ("安否確認", "activity", "声かけ・見守り"),
    ("一人暮らし", "activity", "声かけ・見守り"),
    ("移動販売", "activity", "買い物支援"),
    ("買い物代行", "activity", "買い物支援"),
    ("コミュニティバス", "activity", "移動支援"),
    ("福祉有償運送", "activity", "移動支援"),
    ("乗り合いタクシー", "activity", "移動支援"),
    ("送迎", "activity", "移動支援"),
    ("宅配給食", "activity", "配食"),
    ("弁当の配達", "activity", "配食"),
    ("お弁当", "activity", "配食"),  # not an alias
    ("子ども食堂", "activity", "子育て支援"),
    ("避難訓練", "activity", "防災"),
    ("直売所", "activity", "特産品開発・販売"),
    ("草刈り", "activity", "環境美化"),
    ("盆踊り", "activity", "祭り・伝統行事"),
    ("体操教室", "activity", "健康づくり"),
    ("空き家バンク", "activity", "空き家対策"),
    ("Uターン", "activity", "移住・定住支援"),
    ("デイサービス", "activity", "福祉サービス"),
    ("給油所", "activity", "燃料供給"),
    ("灯油", "activity", "燃料供給"),
    ("民宿", "activity", "宿泊・研修施設の運営"),
    ("電気柵", "activity", "鳥獣被害対策"),
    ("小水力発電", "activity", "再生可能エネルギー"),
    ("広報紙", "activity", "広報・情報発信"),
    ("食堂", "activity", "飲食店の運営"),
    ("間伐", "activity", "森林整備"),
    ("簡易郵便局", "activity", "郵便・金融の窓口"),
    ("夜警", "activity", "防犯・交通安全"),
    ("文化財", "activity", "歴史・文化の継承"),
)


def everyday_queries(repo: Path) -> tuple[Query, ...]:
    """EVERYDAY as queries: a hit is any published case page carrying the intended value in the top 5."""
    from generator.model.casebook import build_casebook
    from generator.records.load import load_dataset

    book = build_casebook(load_dataset(repo, content_dir=repo / "content"))
    labels = {t.label for v in book.dataset.vocab.values() for t in v.terms}
    out = []
    for word, field, value in EVERYDAY:
        assert word not in labels, f"{word} is a vocabulary label, not an everyday word"
        pages = tuple(f"/cases/{c.id}/" for c in book.facets[field].cases[value])
        assert pages, f"no published case carries {field} {value}"
        out.append(Query(word, pages, ANY, f"everyday:{field}"))
    return tuple(out)
