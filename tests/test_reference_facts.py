"""The published records agree with the reference facts they were written from.

``tests/fixtures/reference_facts.yaml`` is a copy, made for this test, of what the
reference files state for every published record: prefecture, municipality,
founding and legal form. The test never reads the reference files themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.records.load import load_dataset

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "reference_facts.yaml"

# How the reference words each legal form of the vocabulary. A record's legal_form is
# consistent with the reference when the reference's legal-form text contains one of them.
LEGAL_FORM_WORDINGS: dict[str, tuple[str, ...]] = {
    "NPO法人": ("NPO法人", "特定非営利活動法人"),
    "任意団体": ("任意団体", "法人格のない"),
    "一般社団法人": ("一般社団法人",),
    "株式会社": ("株式会社",),
    "合同会社": ("合同会社",),
    "有限会社": ("有限会社",),
    "協同組合": ("協同組合", "専門農協"),
    "認可地縁団体": ("認可地縁団体",),
    # several bodies, each with its own legal form (or only some of them incorporated)
    "組織により異なる": ("ごとに異なる", "ごとに違う", "分離型", "のうち一般社団法人は"),
    # a statutory scheme of the municipality rather than a body with a legal form
    "その他": ("地方自治法",),
}


def _published(dataset):
    return [c for c in dataset.cases if c.status == "公開"]


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(ROOT, content_dir=ROOT / "content")


@pytest.fixture(scope="module")
def reference():
    rows = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["records"]
    by_id = {row["id"]: row for row in rows}
    assert len(by_id) == len(rows), "an id appears twice in the fixture"
    return by_id


def _words(text: str) -> list[str]:
    """Place words of a municipality text, without brackets and separators."""
    text = re.sub(r"[（(].*?[）)]", " ", text)
    return [w for w in re.split(r"[\s・、，,]+", text) if w]


def _municipality_agrees(record: str, reference: str) -> bool:
    if record in reference or reference in record:
        return True
    # the reference may add district words (郡, 区, 町名) around the municipality
    parts = _words(record)
    return bool(parts) and all(p in reference for p in parts)


def test_every_published_record_has_reference_facts(dataset, reference):
    missing = [c.id for c in _published(dataset) if c.id not in reference]
    assert not missing, f"no fixture entry for {missing}"


def test_fixture_has_no_stale_ids(dataset, reference):
    ids = {c.id for c in dataset.cases}
    assert sorted(set(reference) - ids) == []


def test_prefecture_matches(dataset, reference):
    wrong = [
        (c.id, c.prefecture, reference[c.id]["prefecture"])
        for c in _published(dataset)
        if c.prefecture != reference[c.id]["prefecture"]
    ]
    assert not wrong


def test_municipality_matches(dataset, reference):
    wrong = [
        (c.id, c.municipality, reference[c.id]["municipality"])
        for c in _published(dataset)
        if not _municipality_agrees(c.municipality, reference[c.id]["municipality"])
    ]
    assert not wrong


def test_founded_year_is_in_the_reference(dataset, reference):
    wrong = []
    for c in _published(dataset):
        if c.founded is None:
            continue
        text = reference[c.id]["founded"]
        if text is None or str(c.founded) not in text:
            wrong.append((c.id, c.founded, text))
    assert not wrong


def test_legal_form_is_consistent_with_the_reference(dataset, reference):
    labels = {term.label for term in dataset.vocab["legal_form"].terms}
    assert labels <= set(LEGAL_FORM_WORDINGS), "a legal form of the vocabulary has no reference wording here"
    wrong = []
    for c in _published(dataset):
        if not c.legal_form:
            continue
        text = reference[c.id]["legal_form"]
        wordings = LEGAL_FORM_WORDINGS.get(c.legal_form, (c.legal_form,))
        if text is None or not any(w in text for w in wordings):
            wrong.append((c.id, c.legal_form, text))
    assert not wrong


@pytest.mark.parametrize(
    ("record", "reference", "agrees"),
    [
        ("平内町", "東津軽郡 平内町 藤沢", True),
        ("五城目町・羽後町", "県内（五城目町・羽後町の店舗）", True),
        ("安芸高田市", "安芸高田市（旧高宮町 川根地区）", True),
        ("北上市", "南砺市", False),
    ],
)
def test_municipality_comparison(record, reference, agrees):
    assert _municipality_agrees(record, reference) is agrees
