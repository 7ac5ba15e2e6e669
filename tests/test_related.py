"""Related cases on a hand-made fixture, where the right answer is known."""

from __future__ import annotations

import pytest

from generator.model.entities import Case, FactorNote, Source
from generator.model.related import related_cases


def make(id, kana, formation=(), sustain=(), issues=(), acts=()):
    return Case(
        id=id,
        name=id,
        kana=kana,
        prefecture="広島県",
        municipality="テスト市",
        summary="s",
        stages=(("知る", "l"),),
        sources=(Source("t", "https://example.jp/"),),
        formation_factors=tuple(FactorNote(f) for f in formation),
        sustainability_factors=tuple(FactorNote(f) for f in sustain),
        regional_issues=tuple(issues),
        activities=tuple(acts),
    )


def test_weights_rank_shared_factors_above_shared_activities():
    a = make("a", "あ", formation=["危機感の共有"], issues=["高齢化"], acts=["防災", "配食"])
    b = make("b", "い", formation=["危機感の共有"])  # 3
    c = make("c", "う", acts=["防災", "配食"])  # 1 + 1 = 2
    d = make("d", "え", issues=["高齢化"], acts=["防災"])  # 2 + 1 = 3, after b by kana
    e = make("e", "お", sustain=["法人化"])  # nothing shared with a
    rel = related_cases([a, b, c, d, e])
    assert [(r.case.id, r.score) for r in rel["a"]] == [("b", 3), ("d", 3), ("c", 2)]
    assert dict(rel["a"][1].shared) == {"地域課題": ("高齢化",), "主な活動": ("防災",)}
    assert rel["e"] == []


def test_at_most_five_and_never_itself():
    cases = [make(f"c{i}", "かきくけこさしすせそ"[i], formation=["危機感の共有"]) for i in range(10)]
    rel = related_cases(cases)
    for case in cases:
        ids = [r.case.id for r in rel[case.id]]
        assert len(ids) == 5 and case.id not in ids
    # ties break by あいうえお order
    assert [r.case.id for r in rel["c9"]] == ["c0", "c1", "c2", "c3", "c4"]


def test_symmetry_of_scores():
    a = make("a", "あ", formation=["危機感の共有", "ワークショップ"], sustain=["法人化"])
    b = make("b", "い", formation=["ワークショップ"], sustain=["法人化"], acts=["防災"])
    rel = related_cases([a, b])
    assert rel["a"][0].score == rel["b"][0].score == 6


def test_single_case_has_no_related():
    assert related_cases([make("a", "あ")]) == {"a": []}


def test_a_rebuild_reuses_the_ranking_only_while_no_feature_changed():
    """mkdocs serve: an edit to a summary or a name reuses the ranking, bound to the new records."""
    import dataclasses

    a = make("a", "あ", formation=["危機感の共有"])
    b = make("b", "い", formation=["危機感の共有"])
    c = make("c", "う", acts=["防災"])
    first = related_cases([a, b, c])
    renamed = dataclasses.replace(b, name="新しい名前", summary="変えた概要")
    again = related_cases([a, renamed, c])
    assert again["a"][0].case is renamed and again["a"][0].case.name == "新しい名前"
    assert [(r.case.id, r.score) for r in again["a"]] == [(r.case.id, r.score) for r in first["a"]]
    # A changed feature is ranked afresh: c now shares the factor, a's best stays b (kana order), c joins.
    moved = dataclasses.replace(c, formation_factors=(FactorNote("危機感の共有"),))
    third = related_cases([a, renamed, moved])
    assert [(r.case.id, r.score) for r in third["a"]] == [("b", 3), ("c", 3)]


WEIGHTS = {"formation_factors": 3, "sustainability_factors": 3, "regional_issues": 2, "activities": 1}
"""The weights the project promises (written here, not imported: the test checks the registry against them)."""


def _values(case, attr):
    return {n.factor if hasattr(n, "factor") else n for n in getattr(case, attr)}


def _reference(cases, top=5):
    """The ranking by its definition: a plain loop over every pair (fine for a few dozen cases). Ties go
    by reading: the fixtures' readings are plain unvoiced hiragana, whose code-point order is あいうえお order."""
    out = {}
    for a in cases:
        scored = []
        for b in cases:
            if b is a:
                continue
            score = sum(w * len(_values(a, attr) & _values(b, attr)) for attr, w in WEIGHTS.items())
            if score > 0:
                scored.append((-score, b.kana, b.id, score))
        out[a.id] = [(cid, score) for _s, _k, cid, score in sorted(scored)[:top]]
    return out


@pytest.mark.parametrize("limit", [2**24, 0], ids=["float32", "float64"])
def test_matches_the_pairwise_definition_across_blocks(monkeypatch, limit):
    """Synthetic cases with many ties, ranked in row blocks of 7, in float32 and in float64 keys."""
    import random

    from generator.model import related

    monkeypatch.setattr(related, "BLOCK", 7)
    monkeypatch.setattr(related, "EXACT32_LIMIT", limit)
    related._last = None
    rnd = random.Random(6)
    kana = "あいうえおかきくけこさしすせそたちつてと"
    pick = lambda pool, k: rnd.sample(pool, rnd.randint(0, k))  # noqa: E731
    cases = [
        make(
            f"c{i:02d}",
            rnd.choice(kana) + rnd.choice(kana),
            formation=pick(["危機感の共有", "ワークショップ", "行政の支援"], 2),
            sustain=pick(["法人化", "人材育成"], 1),
            issues=pick(["高齢化", "人口減少", "空き家"], 2),
            acts=pick(["防災", "配食", "祭り・伝統行事", "買い物支援"], 3),
        )
        for i in range(40)
    ]
    got = {cid: [(r.case.id, r.score) for r in rel] for cid, rel in related_cases(cases).items()}
    assert got == _reference(cases)
    related._last = None


def test_rows_are_ranked_a_block_at_a_time_when_asked_for(monkeypatch):
    """Nothing is ranked until a page asks; a row is ranked with its block, and rows asked for in
    any order give the pairwise definition's answer."""
    import random

    from generator.model import related

    monkeypatch.setattr(related, "BLOCK", 7)
    related._last = None
    rnd = random.Random(11)
    acts = ["防災", "配食", "祭り・伝統行事", "買い物支援", "子育て支援"]
    cases = [
        make(f"c{i:02d}", "あいうえおかきくけこ"[i % 10] + "さ", acts=rnd.sample(acts, rnd.randint(1, 3)))
        for i in range(30)
    ]
    rel = related_cases(cases)
    assert rel.ranked == {}
    rel[cases[8].id]
    assert set(rel.ranked) == {f"c{i:02d}" for i in range(8, 15)}  # one block of 7 from row 8
    want = _reference(cases)
    order = [c.id for c in cases]
    rnd.shuffle(order)
    assert {cid: [(r.case.id, r.score) for r in rel[cid]] for cid in order} == want
    assert rel.get("no-such-case") is None and "c00" in rel and len(rel) == 30
    related._last = None


def test_shared_lists_the_shared_values_by_field_title():
    a = make(
        "a",
        "あ",
        formation=["危機感の共有"],
        sustain=["法人化"],
        issues=["高齢化", "空き家"],
        acts=["防災", "見守り<&>"],
    )
    b = make("b", "い", formation=["危機感の共有"], issues=["空き家"], acts=["見守り<&>", "防災"])
    (r,) = related_cases([a, b])["a"]
    assert r.score == 3 + 2 + 1 + 1
    assert r.shared == (
        ("形成の要因", ("危機感の共有",)),
        ("地域課題", ("空き家",)),
        ("主な活動", ("防災", "見守り<&>")),
    )


def test_registry_weights_are_the_promised_ones():
    from generator.records import registry

    assert {f.key: f.weight for f in registry.FIELDS if f.weight} == WEIGHTS
